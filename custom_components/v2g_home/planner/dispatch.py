"""Turn the linear optimum into setpoints a device can follow: one signed power per slot, dead band kept."""

from __future__ import annotations

import numpy as np

from .arrays import DeviceArrays, FloatArray, floats

# Flows below this are noise from the interior-point solution, not decisions.
_NOISE_KW = 1e-3
# A flow this close to a device limit is that limit (so "flat out" stores exactly what was reachable).
_AT_LIMIT_KW = 1e-6
_EDGE_KWH = 1e-9  # a stored energy this far beyond a bound is that bound


def _guard_bounds(
    device: DeviceArrays, hours: FloatArray
) -> tuple[list[float], list[float]]:
    """Energy bounds per boundary that also keep every later bound reachable (look-ahead).

    low[t] = max over s >= t of (low[s] - most energy that can be added from t to s), a reversed
    running maximum once expressed against the cumulative charging capacity (same for high).
    """
    spec = device.device
    up = hours * device.max_charge_kw * spec.charge_efficiency - device.trip_kwh
    down = hours * device.max_discharge_kw / spec.discharge_efficiency + device.trip_kwh
    added = np.concatenate([[0.0], np.cumsum(up)])
    removed = np.concatenate([[0.0], np.cumsum(down)])
    low = np.maximum.accumulate((device.energy_min_kwh - added)[::-1])[::-1] + added
    high = (
        np.minimum.accumulate((device.energy_max_kwh + removed)[::-1])[::-1] - removed
    )
    return floats(low), floats(high)


def realise(device: DeviceArrays, hours: FloatArray, net_kw: FloatArray) -> FloatArray:
    """Setpoints following `net_kw` (charge - discharge of the optimum) as closely as the device allows.

    The energy the rounding leaves out is carried into the next slots (error diffusion), so small
    flows merge into fewer slots at full duty, and flows that cancel out (a little charge, a little
    discharge, typical at the SoC floor) cancel instead of making the battery flip-flop.
    """
    spec = device.device
    if spec.min_power_kw <= 0:
        top, bottom = device.max_charge_kw, -device.max_discharge_kw
        clipped = np.clip(net_kw, bottom, top)
        clipped = np.where(np.abs(clipped - top) < _AT_LIMIT_KW, top, clipped)
        clipped = np.where(np.abs(clipped - bottom) < _AT_LIMIT_KW, bottom, clipped)
        return _within_energy(
            device, hours, np.where(np.abs(clipped) < _NOISE_KW, 0.0, clipped)
        )
    eff_c, eff_d = spec.charge_efficiency, spec.discharge_efficiency
    dead_band = spec.min_power_kw
    low, high = _guard_bounds(device, hours)
    charge_max = floats(device.max_charge_kw)
    discharge_max = floats(device.max_discharge_kw)
    trips = floats(device.trip_kwh)
    energy = low[0]
    carry_kwh = 0.0
    setpoints = [0.0] * len(charge_max)
    for t, (h, wanted) in enumerate(zip(floats(hours), floats(net_kw), strict=True)):
        if charge_max[t] <= 0.0 and discharge_max[t] <= 0.0:
            energy -= trips[t]
            continue
        desired = wanted + carry_kwh / h
        # The power range that keeps the SoC inside its (look-ahead) bounds at the next boundary.
        room_up = high[t + 1] - energy + trips[t]
        room_down = energy - trips[t] - low[t + 1]
        p_max = min(charge_max[t], _power_for(room_up, h, eff_c, eff_d))
        p_min = max(-discharge_max[t], _power_for(-room_down, h, eff_c, eff_d))
        power = _choose(
            desired, p_min, p_max, dead_band, charge_max[t], discharge_max[t]
        )
        setpoints[t] = power
        carry_kwh = min(
            max(carry_kwh + (wanted - power) * h, -dead_band * h), dead_band * h
        )
        energy += h * (power * eff_c if power > 0 else power / eff_d) - trips[t]
    return np.array(setpoints)


def _within_energy(
    device: DeviceArrays, hours: FloatArray, power_kw: FloatArray
) -> FloatArray:
    """The powers, trimmed where the linear optimum's rounding would leave the energy bounds.

    An interior-point optimum meets its bounds to about 1e-6 of the data's scale; following its
    flows exactly could then end a slot a few Wh beyond the SoC window, which a battery refuses.
    """
    spec = device.device
    eff_c, eff_d = spec.charge_efficiency, spec.discharge_efficiency
    stored = np.where(power_kw > 0, power_kw * eff_c, power_kw / eff_d) * hours
    path = device.energy_min_kwh[0] + np.cumsum(stored - device.trip_kwh)
    low, high = device.energy_min_kwh[1:], device.energy_max_kwh[1:]
    if bool(((path >= low - _EDGE_KWH) & (path <= high + _EDGE_KWH)).all()):
        return power_kw
    result = power_kw.copy()
    energy = float(device.energy_min_kwh[0])
    trips = floats(device.trip_kwh)
    charge_max, discharge_max = (
        floats(device.max_charge_kw),
        floats(device.max_discharge_kw),
    )
    for t, (h, power) in enumerate(zip(floats(hours), floats(power_kw), strict=True)):
        after = energy - trips[t]
        wanted = after + h * (power * eff_c if power > 0 else power / eff_d)
        target = min(max(wanted, float(low[t])), max(float(high[t]), after))
        if target != wanted and power != 0.0:
            trimmed = _power_for(target - after, h, eff_c, eff_d)
            result[t] = min(max(trimmed, -discharge_max[t]), charge_max[t])
            wanted = after + h * (
                result[t] * eff_c if result[t] > 0 else result[t] / eff_d
            )
        energy = wanted
    return result


def _power_for(energy_kwh: float, hours: float, eff_c: float, eff_d: float) -> float:
    """The grid-side power that moves the stored energy by `energy_kwh` in one slot."""
    if energy_kwh >= 0:
        return energy_kwh / (hours * eff_c)
    return energy_kwh * eff_d / hours


def _choose(
    desired: float,
    p_min: float,
    p_max: float,
    dead_band: float,
    charge_max: float,
    discharge_max: float,
) -> float:
    """The allowed setpoint nearest to `desired`: 0, or at least the dead band in either direction."""
    candidates = []
    if p_min <= 0.0 <= p_max:
        candidates.append(0.0)
    charge_low, charge_high = max(dead_band, p_min), min(charge_max, p_max)
    if charge_low <= charge_high:
        candidates.append(min(max(desired, charge_low), charge_high))
    discharge_low, discharge_high = max(-discharge_max, p_min), min(-dead_band, p_max)
    if discharge_low <= discharge_high:
        candidates.append(min(max(desired, discharge_low), discharge_high))
    if candidates:
        return min(candidates, key=lambda p: (abs(p - desired), abs(p)))
    # Only a power inside the dead band would keep the SoC bounds: take the nearest legal one.
    legal = [0.0]
    if charge_max >= dead_band:
        legal.append(dead_band)
    if discharge_max >= dead_band:
        legal.append(-dead_band)
    return min(legal, key=lambda p: max(p_min - p, p - p_max))
