"""Which slots of a negative-price run charge and which discharge, when one setpoint per slot must burn.

For each device and each run of contested slots (see one_way.py), a dynamic programme over the
stored energy finds the cheapest path with one signed power per slot, the other devices' flows
held as they are. Only its directions are kept: the linear model then re-optimises every power
with those directions fixed, jointly for all devices.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .arrays import BoolArray, FloatArray, ProblemArrays, floats, indices
from .lp_layout import penalty_per_kwh

_STATES = (
    240  # energy levels across the window: fine enough to place pulses, cheap to sweep
)
_MARGIN_H = 24.0  # hours around a run in which the path may differ from the plan's


def runs(mask: BoolArray) -> list[tuple[int, int]]:
    """[first, last) of each stretch of True."""
    edges = indices(np.diff(np.concatenate([[0], mask.astype(int), [0]])) != 0)
    return list(zip(edges[::2], edges[1::2], strict=True))


def _slot_costs(
    arrays: ProblemArrays, i: int, others_kw: float, t: int, stored_kwh: FloatArray
) -> FloatArray:
    """What the site pays in slot t when device i moves `stored_kwh` (per move), others as given."""
    device = arrays.devices[i]
    spec = device.device
    h = float(arrays.hours[t])
    power = np.where(
        stored_kwh > 0,
        stored_kwh / (spec.charge_efficiency * h),
        stored_kwh * spec.discharge_efficiency / h,
    )
    grid = others_kw + power
    imported = np.maximum(grid, 0.0)
    over = np.maximum(imported - arrays.import_limit_kw, 0.0)
    surplus = np.maximum(-grid, 0.0)
    solar = float(arrays.solar_kw[t])
    sell = float(arrays.sell_per_kwh[t])
    exported = np.minimum(surplus, arrays.export_limit_kw)
    if sell < 0:  # curtailing solar beats exporting it
        exported = np.maximum(surplus - solar, 0.0)
    cost = h * (
        float(arrays.buy_per_kwh[t]) * (imported - over)
        + penalty_per_kwh(arrays) * over
        - sell * exported
        + spec.wear_per_kwh * np.maximum(-power, 0.0)
    )
    return np.where(surplus - solar > arrays.export_limit_kw + 1e-9, np.inf, cost)


def dp_directions(
    arrays: ProblemArrays,
    flows_kw: FloatArray,
    energy_kwh: FloatArray,
    contested: BoolArray,
) -> FloatArray:
    """Directions (devices x slots: +1 charge, -1 discharge, 0 free) for the contested runs.

    `flows_kw` (devices x slots, net) and `energy_kwh` (devices x boundaries) are the plan the
    runs start from. Each run is searched with a day's margin on either side, so the path may
    arrive at and leave the run with other energies than the plan; the window starts and ends
    where the plan stands (at the horizon's end, stored energy is worth the terminal value).
    Devices are taken one after the other, each against the others' latest flows.
    """
    flows = flows_kw.copy()
    pattern = np.zeros_like(flows)
    for i in range(len(arrays.devices)):
        for window in _windows(arrays.hours, contested[i]):
            power = _best_path(arrays, flows, energy_kwh[i], i, window)
            first, last = window
            flows[i, first:last] = power
            pattern[i, first:last] = np.where(
                contested[i, first:last],
                np.sign(np.where(np.abs(power) > 1e-6, power, 0.0)),
                0.0,
            )
    return pattern


def _windows(hours: FloatArray, contested: BoolArray) -> list[tuple[int, int]]:
    """The runs of contested slots widened by the margin, overlapping ones merged."""
    ends = np.concatenate([[0.0], np.cumsum(hours)])
    windows: list[tuple[int, int]] = []
    for first, last in runs(contested):
        start = int(np.searchsorted(ends, ends[first] - _MARGIN_H, side="left"))
        stop = int(np.searchsorted(ends, ends[last] + _MARGIN_H, side="right")) - 1
        stop = min(max(stop, last), hours.size)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], stop)
        else:
            windows.append((start, stop))
    return windows


def _best_path(
    arrays: ProblemArrays,
    flows: FloatArray,
    energy_kwh: FloatArray,
    i: int,
    window: tuple[int, int],
) -> FloatArray:
    """Device i's grid power per slot of the window on the cheapest discretised path."""
    first, last = window
    device = arrays.devices[i]
    spec = device.device
    low = floats(device.energy_min_kwh[first : last + 1])
    high = floats(device.energy_max_kwh[first : last + 1])
    start, target = float(energy_kwh[first]), float(energy_kwh[last])
    bottom, top = min(low), max(high)
    # Make a flat-out charge a whole number of steps: burning charges flat out.
    full = float(
        (device.max_charge_kw * arrays.hours)[first:last].max() * spec.charge_efficiency
    )
    step = max((top - bottom) / _STATES, 1e-3)
    if full > step:
        step = full / round(full / step)
    below = int(np.floor((start - bottom) / step + 1e-9))
    levels = start + step * np.arange(-below, int((top - start) / step + 1e-9) + 1)
    others = flows.sum(axis=0) - flows[i] + arrays.net_load_kw
    if (
        last == arrays.hours.size
    ):  # the horizon's end: stored energy is worth its terminal value
        value = -device.terminal_value_per_kwh * levels
    else:
        value = np.where(np.abs(levels - target) <= step, 0.0, np.inf)
    value = np.where(
        (levels >= low[-1] - 1e-9) & (levels <= high[-1] + 1e-9), value, np.inf
    )
    moves_per_slot: list[FloatArray] = []
    for t in range(last - 1, first - 1, -1):
        h = float(arrays.hours[t])
        lowest = -int(
            device.max_discharge_kw[t] * h / spec.discharge_efficiency / step + 1e-9
        )
        highest = int(
            device.max_charge_kw[t] * h * spec.charge_efficiency / step + 1e-9
        )
        moves = np.arange(lowest, highest + 1)
        cost = _slot_costs(arrays, i, float(others[t]), t, moves * step)
        padded = np.concatenate(
            [np.full(-lowest, np.inf), value, np.full(highest, np.inf)]
        )
        total = sliding_window_view(padded, moves.size) + cost[None, :]
        best = np.argmin(total, axis=1)
        value = total[np.arange(levels.size), best]
        k = t - first
        inside = (levels >= low[k] - 1e-9) & (levels <= high[k] + 1e-9)
        value = np.where(inside, value, np.inf)
        moves_per_slot.append(moves[best])
    state = below
    power = np.zeros(last - first)
    if not np.isfinite(value[state]):
        return flows[
            i, first:last
        ].copy()  # no discretised path: keep what the plan had
    for k, chosen in enumerate(reversed(moves_per_slot)):
        move = int(chosen[state])
        h = float(arrays.hours[first + k])
        stored = move * step
        power[k] = (
            stored / (spec.charge_efficiency * h)
            if stored > 0
            else stored * spec.discharge_efficiency / h
        )
        state += move
    return power
