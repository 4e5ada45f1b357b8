"""Live point values of a simulated SunSpec DER storage device (models 701, 702, 704, 713)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sunspec_layout import PointValue, scale_factor_for

if TYPE_CHECKING:
    from .sunspec_der import SimulatedDerStorage

GRID_VOLTAGE_V = 230.0
HZ_SCALE_FACTOR = -2
PCT_SCALE_FACTOR = -1
WSET_PCT_SCALE_FACTOR = -2  # WSetPct 10000 = 100 %
CURRENT_SCALE_FACTOR = -2
VOLTAGE_SCALE_FACTOR = -1
PF_SCALE_FACTOR = -3
ON, RUNNING, STANDBY, FAULT, CONNECTED = 1, 3, 7, 6, 1
STORAGE_OK, STORAGE_ERROR = 0, 2
MAX_W_AND_FIXED_W = 0b11  # 702 CtrlModes: MAX_W and FIXED_W


def _scaled(value: float, scale_factor: int) -> int:
    return round(value * 10.0**-scale_factor)


def w_scale_factor(device: SimulatedDerStorage) -> int:
    """W_SF (701, 702) and WSet_SF (704): the power rating fits an int16."""
    return scale_factor_for(device.max_power_kw * 1000)


def ac_values(device: SimulatedDerStorage) -> dict[str, PointValue]:
    """Model 701: W > 0 while the DER generates (discharges), < 0 while it absorbs (charges)."""
    flow_w = device.flow_w()
    w_sf = w_scale_factor(device)
    if device.alarm_bits:
        inverter_state = FAULT
    else:
        inverter_state = RUNNING if flow_w else STANDBY
    return {
        "ACType": 0,
        "St": ON,
        "InvSt": inverter_state,
        "ConnSt": CONNECTED,
        "Alrm": device.alarm_bits,
        "DERMode": 0,
        "W": _scaled(-flow_w, w_sf),
        "VA": _scaled(abs(flow_w), w_sf),
        "Var": 0,
        "PF": _scaled(1.0, PF_SCALE_FACTOR),
        "A": _scaled(flow_w / GRID_VOLTAGE_V, CURRENT_SCALE_FACTOR),
        "LNV": _scaled(GRID_VOLTAGE_V, VOLTAGE_SCALE_FACTOR),
        "Hz": _scaled(device.frequency_hz, HZ_SCALE_FACTOR),
        "TotWhInj": round(device.meter.energy_out_kwh * 1000),
        "TotWhAbs": round(device.meter.energy_in_kwh * 1000),
        "WL1": _scaled(-flow_w, w_sf),
        "VL1": _scaled(GRID_VOLTAGE_V, VOLTAGE_SCALE_FACTOR),
        "AL1": _scaled(flow_w / GRID_VOLTAGE_V, CURRENT_SCALE_FACTOR),
        "A_SF": CURRENT_SCALE_FACTOR,
        "V_SF": VOLTAGE_SCALE_FACTOR,
        "Hz_SF": HZ_SCALE_FACTOR,
        "W_SF": w_sf,
        "PF_SF": PF_SCALE_FACTOR,
        "VA_SF": w_sf,
        "Var_SF": w_sf,
        "TotWh_SF": 0,
    }


def capacity_values(device: SimulatedDerStorage) -> dict[str, PointValue]:
    """Model 702 ratings (its settings WMax, WChaRteMax, WDisChaRteMax come from the device)."""
    w_sf = w_scale_factor(device)
    max_w = _scaled(device.max_power_kw * 1000, w_sf)
    return {
        "WMaxRtg": max_w,
        "VAMaxRtg": max_w,
        "WChaRteMaxRtg": max_w,
        "WDisChaRteMaxRtg": max_w,
        "VNomRtg": _scaled(GRID_VOLTAGE_V, VOLTAGE_SCALE_FACTOR),
        "AMaxRtg": _scaled(
            device.max_power_kw * 1000 / GRID_VOLTAGE_V, CURRENT_SCALE_FACTOR
        ),
        "NorOpCatRtg": 1,
        "AbnOpCatRtg": 2,
        "CtrlModes": MAX_W_AND_FIXED_W,
        "W_SF": w_sf,
        "VA_SF": w_sf,
        "V_SF": VOLTAGE_SCALE_FACTOR,
        "A_SF": CURRENT_SCALE_FACTOR,
    }


def control_values(device: SimulatedDerStorage) -> dict[str, PointValue]:
    """Model 704's read-only points: the time left on the revert timer and the scale factors."""
    return {
        "WSetRvrtRem": device.revert_remaining_s() if device.with_revert else None,
        "WSet_SF": w_scale_factor(device),
        "WSetPct_SF": WSET_PCT_SCALE_FACTOR,
    }


def storage_values(device: SimulatedDerStorage) -> dict[str, PointValue]:
    """Model 713: rating, energy available (WHRtg x SoC x SoH), SoC and SoH."""
    capacity_wh = device.capacity_kwh * 1000
    wh_sf = scale_factor_for(capacity_wh, limit=0xFFFF)
    soc = device.stored_energy_kwh / device.capacity_kwh
    return {
        "WHRtg": _scaled(capacity_wh, wh_sf),
        "WHAvail": _scaled(capacity_wh * soc * device.soh_pct / 100, wh_sf),
        "SoC": _scaled(soc * 100, PCT_SCALE_FACTOR),
        "SoH": _scaled(device.soh_pct, PCT_SCALE_FACTOR),
        "Sta": STORAGE_ERROR if device.alarm_bits else STORAGE_OK,
        "WH_SF": wh_sf,
        "Pct_SF": PCT_SCALE_FACTOR,
    }


def default_settings(device: SimulatedDerStorage) -> dict[tuple[int, str], int]:
    """Power-on values of the writable points the device implements, as signed integers."""
    max_w = _scaled(device.max_power_kw * 1000, w_scale_factor(device))
    settings = {
        (1, "DA"): 1,
        (702, "WMax"): max_w,
        (702, "WChaRteMax"): max_w,
        (702, "WDisChaRteMax"): max_w,
        (704, "WSetEna"): 0,
        (704, "WSetMod"): 1 if device.with_watts_mode else 0,
        (704, "WSetPct"): 0,
    }
    if device.with_watts_mode:
        settings[704, "WSet"] = 0
    if device.with_revert:
        settings |= {
            (704, "WSetEnaRvrt"): 0,
            (704, "WSetPctRvrt"): 0,
            (704, "WSetRvrtTms"): 0,
        }
        if device.with_watts_mode:
            settings[704, "WSetRvrt"] = 0
    return settings
