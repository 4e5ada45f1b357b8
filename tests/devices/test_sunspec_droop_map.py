"""The committed model 711 point map matches the official model JSON (fixtures/sunspec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from custom_components.v2g_home.devices import sunspec_droop_map as dm
from custom_components.v2g_home.devices.registers import RegisterType

FIXTURES = Path(__file__).parent / "fixtures" / "sunspec"


def _rows(
    points: list[dict[str, Any]],
) -> dict[str, tuple[int, str, str | None, str | None]]:
    rows: dict[str, tuple[int, str, str | None, str | None]] = {}
    offset = 0
    for point in points:
        units = point["units"].strip() if "units" in point else None
        rows[point["name"]] = (offset, point["type"], point.get("sf"), units)
        offset += point["size"]
    return rows


def _map(
    points: dict[str, dm.Point],
) -> dict[str, tuple[int, str, str | None, str | None]]:
    return {
        name: (p.offset, RegisterType(p.type).value, p.sf, p.unit)
        for name, p in points.items()
    }


def test_fixed_points_and_the_control_set_match_the_json() -> None:
    """Offsets, types, scale factors and units of every point; the set starts after the fixed part."""
    group = json.loads((FIXTURES / "model_711.json").read_text(encoding="utf-8"))[
        "group"
    ]
    fixed = _rows(group["points"])
    del fixed["ID"], fixed["L"]
    assert _map(dm.MODEL_711) == fixed
    assert sum(p["size"] for p in group["points"]) == dm.CTL_START
    (controls,) = group["groups"]
    assert _map(dm.CTL) == _rows(controls["points"])
    assert sum(p["size"] for p in controls["points"]) == dm.CTL_SIZE
    symbols = {s["name"]: s["value"] for s in group["points"][4]["symbols"]}
    assert (
        symbols["COMPLETED"],
        symbols["FAILED"],
    ) == (dm.ADOPT_COMPLETED, dm.ADOPT_FAILED)
