"""SunSpec models 1 (common), 802 (battery) and 124 (basic storage controls) as point tables.

Generated once from the official SunSpec information models (github.com/sunspec/models, json/model_1.json,
model_802.json, model_124.json; Apache-2.0) so the package needs no JSON at runtime. Offsets count from the
model's ID register; the model length L excludes ID and L themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class SunSpecPoint:
    """One point of a model: where it sits, its SunSpec type, its scale-factor point and whether it is writable."""

    name: str
    offset: int
    size: int
    type: str
    scale_factor: str | None
    writable: bool


@dataclass(frozen=True, kw_only=True)
class SunSpecModel:
    """A fixed-length SunSpec model (no repeating groups in the models used here)."""

    model_id: int
    length: int
    points: tuple[SunSpecPoint, ...]

    def point(self, name: str) -> SunSpecPoint:
        """The point called `name`."""
        for point in self.points:
            if point.name == name:
                return point
        raise KeyError(name)


def point_rows(
    *rows: tuple[str, int, str, str | None, bool],
) -> tuple[SunSpecPoint, ...]:
    """Points from (name, size, type, scale factor, writable) rows, each after the one before."""
    points: list[SunSpecPoint] = []
    offset = 0
    for name, size, kind, scale_factor, writable in rows:
        points.append(
            SunSpecPoint(
                name=name,
                offset=offset,
                size=size,
                type=kind,
                scale_factor=scale_factor,
                writable=writable,
            )
        )
        offset += size
    return tuple(points)


MODEL_1 = SunSpecModel(
    model_id=1,
    length=66,
    points=point_rows(
        ("ID", 1, "uint16", None, False),
        ("L", 1, "uint16", None, False),
        ("Mn", 16, "string", None, False),
        ("Md", 16, "string", None, False),
        ("Opt", 8, "string", None, False),
        ("Vr", 8, "string", None, False),
        ("SN", 16, "string", None, False),
        ("DA", 1, "uint16", None, True),
        ("Pad", 1, "pad", None, False),
    ),
)

MODEL_802 = SunSpecModel(
    model_id=802,
    length=62,
    points=point_rows(
        ("ID", 1, "uint16", None, False),
        ("L", 1, "uint16", None, False),
        ("AHRtg", 1, "uint16", "AHRtg_SF", False),
        ("WHRtg", 1, "uint16", "WHRtg_SF", False),
        ("WChaRteMax", 1, "uint16", "WChaDisChaMax_SF", False),
        ("WDisChaRteMax", 1, "uint16", "WChaDisChaMax_SF", False),
        ("DisChaRte", 1, "uint16", "DisChaRte_SF", False),
        ("SoCMax", 1, "uint16", "SoC_SF", False),
        ("SoCMin", 1, "uint16", "SoC_SF", False),
        ("SocRsvMax", 1, "uint16", "SoC_SF", True),
        ("SoCRsvMin", 1, "uint16", "SoC_SF", True),
        ("SoC", 1, "uint16", "SoC_SF", False),
        ("DoD", 1, "uint16", "DoD_SF", False),
        ("SoH", 1, "uint16", "SoH_SF", False),
        ("NCyc", 2, "uint32", None, False),
        ("ChaSt", 1, "enum16", None, False),
        ("LocRemCtl", 1, "enum16", None, False),
        ("Hb", 1, "uint16", None, False),
        ("CtrlHb", 1, "uint16", None, True),
        ("AlmRst", 1, "uint16", None, True),
        ("Typ", 1, "enum16", None, False),
        ("State", 1, "enum16", None, False),
        ("StateVnd", 1, "enum16", None, False),
        ("WarrDt", 2, "uint32", None, False),
        ("Evt1", 2, "bitfield32", None, False),
        ("Evt2", 2, "bitfield32", None, False),
        ("EvtVnd1", 2, "bitfield32", None, False),
        ("EvtVnd2", 2, "bitfield32", None, False),
        ("V", 1, "uint16", "V_SF", False),
        ("VMax", 1, "uint16", "V_SF", False),
        ("VMin", 1, "uint16", "V_SF", False),
        ("CellVMax", 1, "uint16", "CellV_SF", False),
        ("CellVMaxStr", 1, "uint16", None, False),
        ("CellVMaxMod", 1, "uint16", None, False),
        ("CellVMin", 1, "uint16", "CellV_SF", False),
        ("CellVMinStr", 1, "uint16", None, False),
        ("CellVMinMod", 1, "uint16", None, False),
        ("CellVAvg", 1, "uint16", "CellV_SF", False),
        ("A", 1, "int16", "A_SF", False),
        ("AChaMax", 1, "uint16", "AMax_SF", False),
        ("ADisChaMax", 1, "uint16", "AMax_SF", False),
        ("W", 1, "int16", "W_SF", False),
        ("ReqInvState", 1, "enum16", None, False),
        ("ReqW", 1, "int16", "W_SF", False),
        ("SetOp", 1, "enum16", None, True),
        ("SetInvState", 1, "enum16", None, True),
        ("AHRtg_SF", 1, "sunssf", None, False),
        ("WHRtg_SF", 1, "sunssf", None, False),
        ("WChaDisChaMax_SF", 1, "sunssf", None, False),
        ("DisChaRte_SF", 1, "sunssf", None, False),
        ("SoC_SF", 1, "sunssf", None, False),
        ("DoD_SF", 1, "sunssf", None, False),
        ("SoH_SF", 1, "sunssf", None, False),
        ("V_SF", 1, "sunssf", None, False),
        ("CellV_SF", 1, "sunssf", None, False),
        ("A_SF", 1, "sunssf", None, False),
        ("AMax_SF", 1, "sunssf", None, False),
        ("W_SF", 1, "sunssf", None, False),
    ),
)

MODEL_124 = SunSpecModel(
    model_id=124,
    length=24,
    points=point_rows(
        ("ID", 1, "uint16", None, False),
        ("L", 1, "uint16", None, False),
        ("WChaMax", 1, "uint16", "WChaMax_SF", True),
        ("WChaGra", 1, "uint16", "WChaDisChaGra_SF", True),
        ("WDisChaGra", 1, "uint16", "WChaDisChaGra_SF", True),
        ("StorCtl_Mod", 1, "bitfield16", None, True),
        ("VAChaMax", 1, "uint16", "VAChaMax_SF", True),
        ("MinRsvPct", 1, "uint16", "MinRsvPct_SF", True),
        ("ChaState", 1, "uint16", "ChaState_SF", False),
        ("StorAval", 1, "uint16", "StorAval_SF", False),
        ("InBatV", 1, "uint16", "InBatV_SF", False),
        ("ChaSt", 1, "enum16", None, False),
        ("OutWRte", 1, "int16", "InOutWRte_SF", True),
        ("InWRte", 1, "int16", "InOutWRte_SF", True),
        ("InOutWRte_WinTms", 1, "uint16", None, True),
        ("InOutWRte_RvrtTms", 1, "uint16", None, True),
        ("InOutWRte_RmpTms", 1, "uint16", None, True),
        ("ChaGriSet", 1, "enum16", None, True),
        ("WChaMax_SF", 1, "sunssf", None, False),
        ("WChaDisChaGra_SF", 1, "sunssf", None, False),
        ("VAChaMax_SF", 1, "sunssf", None, False),
        ("MinRsvPct_SF", 1, "sunssf", None, False),
        ("ChaState_SF", 1, "sunssf", None, False),
        ("StorAval_SF", 1, "sunssf", None, False),
        ("InBatV_SF", 1, "sunssf", None, False),
        ("InOutWRte_SF", 1, "sunssf", None, False),
    ),
)
