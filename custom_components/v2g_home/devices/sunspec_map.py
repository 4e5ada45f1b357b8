"""SunSpec models 1, 802 and 124 as point offsets (generated from the SunSpec JSON models, Apache-2.0)."""

from __future__ import annotations

from dataclasses import dataclass

from .registers import Register, RegisterType

# Offsets count from the model's ID register (ID = 0, L = 1), as in the SunSpec JSON.
# tests/devices/test_sunspec_map.py re-derives every entry from the JSON files and compares.


@dataclass(frozen=True, kw_only=True)
class Point:
    """One SunSpec point: offset inside its model, type, scale-factor point and unit."""

    offset: int
    type: RegisterType
    count: int = 1
    sf: str | None = None
    unit: str | None = None


def registers_at(
    points: dict[str, Point], model_address: int, model_length: int
) -> dict[str, Register]:
    """Absolute registers of the points (and their scale factors) inside a model of that length."""
    registers = {
        name: Register(
            address=model_address + point.offset,
            type=point.type,
            count=point.count,
            sf=point.sf,
            unit=point.unit,
        )
        for name, point in points.items()
    }
    end = model_address + 2 + model_length
    inside = {
        name: reg for name, reg in registers.items() if reg.address + reg.words <= end
    }
    # A point whose scale factor lies beyond a short model cannot be interpreted either.
    return {
        name: reg for name, reg in inside.items() if reg.sf is None or reg.sf in inside
    }


# Model 1 (common): length 66.
MODEL_1: dict[str, Point] = {
    "Mn": Point(offset=2, type=RegisterType.STRING, count=16),
    "Md": Point(offset=18, type=RegisterType.STRING, count=16),
    "Opt": Point(offset=34, type=RegisterType.STRING, count=8),
    "Vr": Point(offset=42, type=RegisterType.STRING, count=8),
    "SN": Point(offset=50, type=RegisterType.STRING, count=16),
    "DA": Point(offset=66, type=RegisterType.UINT16),
}

# Model 802 (battery): length 62.
MODEL_802: dict[str, Point] = {
    "AHRtg": Point(offset=2, type=RegisterType.UINT16, sf="AHRtg_SF", unit="Ah"),
    "WHRtg": Point(offset=3, type=RegisterType.UINT16, sf="WHRtg_SF", unit="Wh"),
    "WChaRteMax": Point(
        offset=4, type=RegisterType.UINT16, sf="WChaDisChaMax_SF", unit="W"
    ),
    "WDisChaRteMax": Point(
        offset=5, type=RegisterType.UINT16, sf="WChaDisChaMax_SF", unit="W"
    ),
    "DisChaRte": Point(
        offset=6, type=RegisterType.UINT16, sf="DisChaRte_SF", unit="%WHRtg"
    ),
    "SoCMax": Point(offset=7, type=RegisterType.UINT16, sf="SoC_SF", unit="%WHRtg"),
    "SoCMin": Point(offset=8, type=RegisterType.UINT16, sf="SoC_SF", unit="%WHRtg"),
    "SocRsvMax": Point(offset=9, type=RegisterType.UINT16, sf="SoC_SF", unit="%WHRtg"),
    "SoCRsvMin": Point(offset=10, type=RegisterType.UINT16, sf="SoC_SF", unit="%WHRtg"),
    "SoC": Point(offset=11, type=RegisterType.UINT16, sf="SoC_SF", unit="%WHRtg"),
    "DoD": Point(offset=12, type=RegisterType.UINT16, sf="DoD_SF", unit="%"),
    "SoH": Point(offset=13, type=RegisterType.UINT16, sf="SoH_SF", unit="%"),
    "NCyc": Point(offset=14, type=RegisterType.UINT32),
    "ChaSt": Point(offset=16, type=RegisterType.ENUM16),
    "LocRemCtl": Point(offset=17, type=RegisterType.ENUM16),
    "Hb": Point(offset=18, type=RegisterType.UINT16),
    "CtrlHb": Point(offset=19, type=RegisterType.UINT16),
    "AlmRst": Point(offset=20, type=RegisterType.UINT16),
    "Typ": Point(offset=21, type=RegisterType.ENUM16),
    "State": Point(offset=22, type=RegisterType.ENUM16),
    "StateVnd": Point(offset=23, type=RegisterType.ENUM16),
    "WarrDt": Point(offset=24, type=RegisterType.UINT32),
    "Evt1": Point(offset=26, type=RegisterType.BITFIELD32),
    "Evt2": Point(offset=28, type=RegisterType.BITFIELD32),
    "EvtVnd1": Point(offset=30, type=RegisterType.BITFIELD32),
    "EvtVnd2": Point(offset=32, type=RegisterType.BITFIELD32),
    "V": Point(offset=34, type=RegisterType.UINT16, sf="V_SF", unit="V"),
    "VMax": Point(offset=35, type=RegisterType.UINT16, sf="V_SF", unit="V"),
    "VMin": Point(offset=36, type=RegisterType.UINT16, sf="V_SF", unit="V"),
    "CellVMax": Point(offset=37, type=RegisterType.UINT16, sf="CellV_SF", unit="V"),
    "CellVMaxStr": Point(offset=38, type=RegisterType.UINT16),
    "CellVMaxMod": Point(offset=39, type=RegisterType.UINT16),
    "CellVMin": Point(offset=40, type=RegisterType.UINT16, sf="CellV_SF", unit="V"),
    "CellVMinStr": Point(offset=41, type=RegisterType.UINT16),
    "CellVMinMod": Point(offset=42, type=RegisterType.UINT16),
    "CellVAvg": Point(offset=43, type=RegisterType.UINT16, sf="CellV_SF", unit="V"),
    "A": Point(offset=44, type=RegisterType.INT16, sf="A_SF", unit="A"),
    "AChaMax": Point(offset=45, type=RegisterType.UINT16, sf="AMax_SF", unit="A"),
    "ADisChaMax": Point(offset=46, type=RegisterType.UINT16, sf="AMax_SF", unit="A"),
    "W": Point(offset=47, type=RegisterType.INT16, sf="W_SF", unit="W"),
    "ReqInvState": Point(offset=48, type=RegisterType.ENUM16),
    "ReqW": Point(offset=49, type=RegisterType.INT16, sf="W_SF", unit="W"),
    "SetOp": Point(offset=50, type=RegisterType.ENUM16),
    "SetInvState": Point(offset=51, type=RegisterType.ENUM16),
    "AHRtg_SF": Point(offset=52, type=RegisterType.SUNSSF),
    "WHRtg_SF": Point(offset=53, type=RegisterType.SUNSSF),
    "WChaDisChaMax_SF": Point(offset=54, type=RegisterType.SUNSSF),
    "DisChaRte_SF": Point(offset=55, type=RegisterType.SUNSSF),
    "SoC_SF": Point(offset=56, type=RegisterType.SUNSSF),
    "DoD_SF": Point(offset=57, type=RegisterType.SUNSSF),
    "SoH_SF": Point(offset=58, type=RegisterType.SUNSSF),
    "V_SF": Point(offset=59, type=RegisterType.SUNSSF),
    "CellV_SF": Point(offset=60, type=RegisterType.SUNSSF),
    "A_SF": Point(offset=61, type=RegisterType.SUNSSF),
    "AMax_SF": Point(offset=62, type=RegisterType.SUNSSF),
    "W_SF": Point(offset=63, type=RegisterType.SUNSSF),
}

# Model 124 (storage control): length 24.
MODEL_124: dict[str, Point] = {
    "WChaMax": Point(offset=2, type=RegisterType.UINT16, sf="WChaMax_SF", unit="W"),
    "WChaGra": Point(
        offset=3, type=RegisterType.UINT16, sf="WChaDisChaGra_SF", unit="% WChaMax/sec"
    ),
    "WDisChaGra": Point(
        offset=4, type=RegisterType.UINT16, sf="WChaDisChaGra_SF", unit="% WChaMax/sec"
    ),
    "StorCtl_Mod": Point(offset=5, type=RegisterType.BITFIELD16),
    "VAChaMax": Point(offset=6, type=RegisterType.UINT16, sf="VAChaMax_SF", unit="VA"),
    "MinRsvPct": Point(
        offset=7, type=RegisterType.UINT16, sf="MinRsvPct_SF", unit="% WChaMax"
    ),
    "ChaState": Point(
        offset=8, type=RegisterType.UINT16, sf="ChaState_SF", unit="% AhrRtg"
    ),
    "StorAval": Point(offset=9, type=RegisterType.UINT16, sf="StorAval_SF", unit="AH"),
    "InBatV": Point(offset=10, type=RegisterType.UINT16, sf="InBatV_SF", unit="V"),
    "ChaSt": Point(offset=11, type=RegisterType.ENUM16),
    "OutWRte": Point(
        offset=12, type=RegisterType.INT16, sf="InOutWRte_SF", unit="% WDisChaMax"
    ),
    "InWRte": Point(
        offset=13, type=RegisterType.INT16, sf="InOutWRte_SF", unit="% WChaMax"
    ),
    "InOutWRte_WinTms": Point(offset=14, type=RegisterType.UINT16, unit="Secs"),
    "InOutWRte_RvrtTms": Point(offset=15, type=RegisterType.UINT16, unit="Secs"),
    "InOutWRte_RmpTms": Point(offset=16, type=RegisterType.UINT16, unit="Secs"),
    "ChaGriSet": Point(offset=17, type=RegisterType.ENUM16),
    "WChaMax_SF": Point(offset=18, type=RegisterType.SUNSSF),
    "WChaDisChaGra_SF": Point(offset=19, type=RegisterType.SUNSSF),
    "VAChaMax_SF": Point(offset=20, type=RegisterType.SUNSSF),
    "MinRsvPct_SF": Point(offset=21, type=RegisterType.SUNSSF),
    "ChaState_SF": Point(offset=22, type=RegisterType.SUNSSF),
    "StorAval_SF": Point(offset=23, type=RegisterType.SUNSSF),
    "InBatV_SF": Point(offset=24, type=RegisterType.SUNSSF),
    "InOutWRte_SF": Point(offset=25, type=RegisterType.SUNSSF),
}
