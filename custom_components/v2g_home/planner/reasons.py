"""Explain each planned action with a short machine-readable reason."""

from __future__ import annotations

from .arrays import DeviceArrays, FloatArray, floats
from .model import Reason

_ACTIVE_KW = 1e-6


def _departure_binding(device: DeviceArrays, energy_kwh: FloatArray) -> list[bool]:
    """Per slot: whether the next requirement ahead is met only just (the plan works towards it)."""
    cap = device.device.capacity_kwh
    required = floats(device.required_kwh)
    energy = floats(energy_kwh)
    n_slots = len(energy) - 1
    binding = [False] * n_slots
    ahead = False
    for t in range(n_slots - 1, -1, -1):
        k = t + 1
        if required[k] > 0.0:
            ahead = energy[k] <= required[k] + 0.01 * cap
        binding[t] = ahead
    return binding


def device_reasons(
    device: DeviceArrays,
    setpoint_kw: FloatArray,
    energy_kwh: FloatArray,
    buy_per_kwh: FloatArray,
    net_load_kw: FloatArray,
    grid_kw: FloatArray,
) -> tuple[Reason, ...]:
    """One reason per slot for one device, given the realised plan and the site's grid flow."""
    spec = device.device
    floor = max(spec.soc_min, spec.reserve_soc) * spec.capacity_kwh
    binding = _departure_binding(device, energy_kwh)
    reasons = []
    for t, power in enumerate(floats(setpoint_kw)):
        if not device.available[t]:
            reasons.append(Reason.UNAVAILABLE)
        elif power > _ACTIVE_KW:
            if buy_per_kwh[t] < 0:
                reasons.append(Reason.CHARGE_NEGATIVE_PRICE)
            elif net_load_kw[t] < 0 and grid_kw[t] <= _ACTIVE_KW:
                reasons.append(Reason.CHARGE_SOLAR)
            elif energy_kwh[t] < floor - 1e-6:
                reasons.append(Reason.CHARGE_TO_RESERVE)
            elif binding[t]:
                reasons.append(Reason.CHARGE_FOR_DEPARTURE)
            else:
                reasons.append(Reason.CHARGE_CHEAP)
        elif power < -_ACTIVE_KW:
            exporting = grid_kw[t] < -_ACTIVE_KW
            reasons.append(Reason.EXPORT_PEAK if exporting else Reason.SERVE_HOME)
        elif binding[t] and energy_kwh[t] > floor + 1e-6:
            reasons.append(Reason.HOLD_FOR_DEPARTURE)
        else:
            reasons.append(Reason.IDLE)
    return tuple(reasons)
