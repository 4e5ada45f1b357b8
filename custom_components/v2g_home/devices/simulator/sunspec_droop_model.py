"""SunSpec DER model 711 (frequency droop, IEEE 1547-2018) as a point table for the simulator.

Generated once from the official SunSpec information model (SunSpec Alliance models repository,
github.com/sunspec/models, json/model_711.json; Apache-2.0). The `Ctl` group repeats `NCtl` times
after the fixed points; its instances are flattened as "Ctl<n>.<point>" (n from 1).
"""

from __future__ import annotations

from .sunspec_models import SunSpecModel, SunSpecPoint, point_rows

FIXED_ROWS: tuple[tuple[str, int, str, str | None, bool], ...] = (
    ("ID", 1, "uint16", None, False),
    ("L", 1, "uint16", None, False),
    ("Ena", 1, "enum16", None, True),
    ("AdptCtlReq", 1, "uint16", None, True),
    ("AdptCtlRslt", 1, "enum16", None, False),
    ("NCtl", 1, "uint16", None, False),
    ("RvrtTms", 2, "uint32", None, True),
    ("RvrtRem", 2, "uint32", None, False),
    ("RvrtCtl", 1, "uint16", None, True),
    ("Db_SF", 1, "sunssf", None, False),
    ("K_SF", 1, "sunssf", None, False),
    ("RspTms_SF", 1, "sunssf", None, False),
)
CTL_ROWS: tuple[tuple[str, int, str, str | None, bool], ...] = (
    ("DbOf", 2, "uint32", "Db_SF", True),
    ("DbUf", 2, "uint32", "Db_SF", True),
    ("KOf", 1, "uint16", "K_SF", True),
    ("KUf", 1, "uint16", "K_SF", True),
    ("RspTms", 2, "uint32", "RspTms_SF", True),
    ("PMin", 1, "int16", None, True),
    ("ReadOnly", 1, "enum16", None, False),
)
CTL_POINTS = tuple(row[0] for row in CTL_ROWS)


def droop_model(controls: int) -> SunSpecModel:
    """Model 711 with `controls` stored control sets."""
    rows = list(FIXED_ROWS)
    for index in range(1, controls + 1):
        rows += [(f"Ctl{index}.{name}", *rest) for name, *rest in CTL_ROWS]  # type: ignore[misc]
    points: tuple[SunSpecPoint, ...] = point_rows(*rows)
    return SunSpecModel(
        model_id=711, length=sum(row[1] for row in rows) - 2, points=points
    )
