"""Live point values of models 802 and 124 for a simulated pack, with the scale factors the pack uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sunspec_layout import PointValue, scale_factor_for

if TYPE_CHECKING:
    from .sunspec_pack import SimulatedSunSpecPack

NOMINAL_VOLTAGE_V = 51.2
SOC_SCALE_FACTOR = -1
VOLTAGE_SCALE_FACTOR = -1
CURRENT_SCALE_FACTOR = -1
LITHIUM_ION = 4
CONNECTED, DISCONNECTED = 3, 1
EMPTY, DISCHARGING, CHARGING, FULL, HOLDING = 2, 3, 4, 5, 6


def _scaled(value: float, scale_factor: int) -> int:
    return round(value * 10.0**-scale_factor)


def pack_voltage_v(soc_pct: float) -> float:
    """A 16-cell LFP pack: about 48 V empty to 54.4 V full."""
    return NOMINAL_VOLTAGE_V - 3.2 + 6.4 * soc_pct / 100.0


def charge_status(flow_w: float, soc_pct: float) -> int:
    """SunSpec ChaSt: charging/discharging while power flows, else full, empty or holding."""
    if flow_w > 0:
        return CHARGING
    if flow_w < 0:
        return DISCHARGING
    if soc_pct >= 100.0:
        return FULL
    if soc_pct <= 0.0:
        return EMPTY
    return HOLDING


def battery_values(pack: SimulatedSunSpecPack) -> dict[str, PointValue]:
    """Model 802 points (the writable ones come from the pack's settings)."""
    soc_pct = pack.stored_energy_kwh / pack.capacity_kwh * 100.0
    flow_w = pack.flow_w()
    signed_w = flow_w if pack.w_positive_means_charge else -flow_w
    voltage_v = pack_voltage_v(soc_pct)
    max_w = pack.max_power_kw * 1000.0
    capacity_wh = pack.capacity_kwh * 1000.0
    wh_sf = scale_factor_for(capacity_wh, limit=0xFFFF)
    w_sf = scale_factor_for(max_w)
    ah_rating = capacity_wh / NOMINAL_VOLTAGE_V
    ah_sf = scale_factor_for(ah_rating, limit=0xFFFF)
    amax_sf = scale_factor_for(max_w / voltage_v * 10, limit=0xFFFF)
    return {
        "AHRtg": _scaled(ah_rating, ah_sf),
        "WHRtg": _scaled(capacity_wh, wh_sf),
        "WChaRteMax": _scaled(max_w, w_sf),
        "WDisChaRteMax": _scaled(max_w, w_sf),
        "SoCMax": _scaled(100, SOC_SCALE_FACTOR),
        "SoCMin": 0,
        "SoC": _scaled(soc_pct, SOC_SCALE_FACTOR),
        "DoD": _scaled(100 - soc_pct, SOC_SCALE_FACTOR),
        "SoH": round(pack.soh_pct),
        "NCyc": int(pack.meter.energy_out_kwh / pack.capacity_kwh),
        "ChaSt": charge_status(flow_w, soc_pct),
        "LocRemCtl": 0
        if 124 in pack.models and pack.settings.get((124, "StorCtl_Mod"))
        else 1,
        "Hb": int(pack.clock.now()) & 0xFFFF,
        "Typ": LITHIUM_ION,
        "State": DISCONNECTED if pack.settings[802, "SetOp"] == 2 else CONNECTED,
        "Evt1": 0,
        "Evt2": 0,
        "EvtVnd1": 0,
        "EvtVnd2": 0,
        "V": _scaled(voltage_v, VOLTAGE_SCALE_FACTOR),
        "VMax": _scaled(pack_voltage_v(100), VOLTAGE_SCALE_FACTOR),
        "VMin": _scaled(pack_voltage_v(0), VOLTAGE_SCALE_FACTOR),
        "A": _scaled(signed_w / voltage_v, CURRENT_SCALE_FACTOR),
        "AChaMax": _scaled(max_w / voltage_v, amax_sf),
        "ADisChaMax": _scaled(max_w / voltage_v, amax_sf),
        "W": _scaled(signed_w, w_sf),
        "ReqInvState": 0,
        "AHRtg_SF": ah_sf,
        "WHRtg_SF": wh_sf,
        "WChaDisChaMax_SF": w_sf,
        "SoC_SF": SOC_SCALE_FACTOR,
        "DoD_SF": SOC_SCALE_FACTOR,
        "SoH_SF": 0,
        "V_SF": VOLTAGE_SCALE_FACTOR,
        "CellV_SF": -3,
        "A_SF": CURRENT_SCALE_FACTOR,
        "AMax_SF": amax_sf,
        "W_SF": w_sf,
    }


def storage_values(pack: SimulatedSunSpecPack) -> dict[str, PointValue]:
    """Model 124 read-only points (the controls come from the pack's settings)."""
    soc_pct = pack.stored_energy_kwh / pack.capacity_kwh * 100.0
    ah_available = pack.stored_energy_kwh * 1000.0 / NOMINAL_VOLTAGE_V
    ah_sf = -1 if pack.capacity_kwh * 1000.0 / NOMINAL_VOLTAGE_V * 10 <= 0xFFFF else 0
    return {
        "ChaState": _scaled(soc_pct, -2),
        "StorAval": _scaled(ah_available, ah_sf),
        "InBatV": _scaled(pack_voltage_v(soc_pct), VOLTAGE_SCALE_FACTOR),
        "ChaSt": charge_status(pack.flow_w(), soc_pct),
        "WChaMax_SF": scale_factor_for(pack.max_power_kw * 1000, limit=0xFFFF),
        "WChaDisChaGra_SF": 0,
        "MinRsvPct_SF": 0,
        "ChaState_SF": -2,
        "StorAval_SF": ah_sf,
        "InBatV_SF": VOLTAGE_SCALE_FACTOR,
        "InOutWRte_SF": -2,
        "VAChaMax_SF": None,
    }


def wchamax_word(max_power_kw: float) -> int:
    """Register value of WChaMax for the hardware maximum, at the pack's WChaMax_SF."""
    max_w = max_power_kw * 1000
    return round(max_w * 10.0 ** -scale_factor_for(max_w, limit=0xFFFF))


def default_settings(wchamax: int) -> dict[tuple[int, str], int]:
    """Power-on values of the writable points, keyed by (model id, point name), as register words."""
    return {
        (1, "DA"): 1,
        (802, "SocRsvMax"): 1000,
        (802, "SoCRsvMin"): 0,
        (802, "CtrlHb"): 0,
        (802, "AlmRst"): 0,
        (802, "SetOp"): 1,
        (802, "SetInvState"): 3,
        (124, "WChaMax"): wchamax,
        (124, "WChaGra"): 100,
        (124, "WDisChaGra"): 100,
        (124, "StorCtl_Mod"): 0,
        (124, "VAChaMax"): 0xFFFF,
        (124, "MinRsvPct"): 0,
        (124, "OutWRte"): 10000,
        (124, "InWRte"): 10000,
        (124, "InOutWRte_WinTms"): 0,
        (124, "InOutWRte_RvrtTms"): 0,
        (124, "InOutWRte_RmpTms"): 0,
        (124, "ChaGriSet"): 1,
    }


def control_value_ok(name: str, word: int, max_wchamax: int) -> bool:
    """Whether a written word is acceptable for the point (rates within +-100 %, known modes, WChaMax in range)."""
    if name in {"InWRte", "OutWRte"}:
        signed = word - 0x10000 if word >= 0x8000 else word
        return abs(signed) <= 10000
    if name == "StorCtl_Mod":
        return word <= 3
    if name == "WChaMax":
        return 0 < word <= max_wchamax
    if name == "SetOp":
        return word in {1, 2}
    if name == "MinRsvPct":
        return word <= 100  # percent at MinRsvPct_SF 0
    return True
