"""Turn a PlanningProblem into numpy arrays, with every SoC requirement clipped to what is reachable."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np

from .model import (
    Infeasibility,
    InfeasibilityKind,
    PlanningProblem,
    Slot,
    StorageDevice,
    TerminalValue,
)

FloatArray = np.ndarray[tuple[int, ...], np.dtype[np.floating[Any]]]
BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]


def floats(values: FloatArray) -> list[float]:
    """A 1-D array as plain floats (fast to index in Python loops)."""
    return cast("list[float]", values.tolist())


def indices(mask: BoolArray) -> list[int]:
    """Where a 1-D mask is true."""
    return cast("list[int]", np.flatnonzero(mask).tolist())


@dataclass(frozen=True, kw_only=True)
class DeviceArrays:
    """One device over the horizon: power bounds per slot, energy bounds per boundary."""

    device: StorageDevice
    available: BoolArray  # per slot
    max_charge_kw: FloatArray  # per slot, 0 where unavailable
    max_discharge_kw: FloatArray
    trip_kwh: FloatArray  # per slot: energy leaving with the car during that slot
    required_kwh: (
        FloatArray  # per boundary: departure or end requirement (0 where none)
    )
    energy_min_kwh: FloatArray  # per boundary, reachable and clipped
    energy_max_kwh: FloatArray
    terminal_value_per_kwh: float
    infeasibilities: tuple[Infeasibility, ...]


@dataclass(frozen=True, kw_only=True)
class ProblemArrays:
    """The whole problem as arrays (index t = slot, boundaries 0..T)."""

    hours: FloatArray
    buy_per_kwh: FloatArray
    sell_per_kwh: FloatArray  # min(sell, buy): keeps the grid cost convex
    net_load_kw: FloatArray  # house load minus solar
    solar_kw: FloatArray
    import_limit_kw: float
    export_limit_kw: float
    boundaries: tuple[datetime, ...]
    devices: tuple[DeviceArrays, ...]


def terminal_value_per_kwh(
    policy: TerminalValue, sell_per_kwh: FloatArray, device: StorageDevice
) -> float:
    """The value of one stored kWh at the end of the horizon (see TerminalValue)."""
    if policy.price_per_kwh is not None:
        return policy.price_per_kwh
    if sell_per_kwh.size == 0:
        return 0.0
    typical = float(np.quantile(sell_per_kwh, policy.quantile))
    return max(0.0, (typical - device.wear_per_kwh) * device.discharge_efficiency)


def _availability(device: StorageDevice, slots: tuple[Slot, ...]) -> BoolArray:
    if device.availability is None:
        return np.ones(len(slots), dtype=bool)
    starts = np.array([s.start.timestamp() for s in slots])
    ends = np.array([s.end.timestamp() for s in slots])
    mask = np.zeros(len(slots), dtype=bool)
    for window in device.availability:
        mask |= (starts >= window.start.timestamp()) & (ends <= window.end.timestamp())
    return mask


def _requirements(
    device: StorageDevice, boundaries: tuple[datetime, ...]
) -> tuple[FloatArray, FloatArray]:
    n_slots = len(boundaries) - 1
    required = np.zeros(n_slots + 1)
    trips = np.zeros(max(n_slots, 0))
    cap = device.capacity_kwh
    for departure in device.departures:
        k = bisect_right(boundaries, departure.time) - 1
        if k < 0:
            continue
        need = max(departure.target_soc * cap, departure.trip_energy_kwh)
        required[k] = max(required[k], need)
        if k < n_slots:
            trips[k] += departure.trip_energy_kwh
    if device.end_soc_min is not None:
        required[n_slots] = max(required[n_slots], device.end_soc_min * cap)
    return required, trips


def _reachable(
    device: StorageDevice,
    hours: FloatArray,
    limits: tuple[FloatArray, FloatArray],
    required: FloatArray,
    trips: FloatArray,
    boundaries: tuple[datetime, ...],
) -> tuple[FloatArray, FloatArray, list[Infeasibility]]:
    """Energy bounds per boundary: the SoC window intersected with what can be reached."""
    cap = device.capacity_kwh
    floor = max(device.soc_min, device.reserve_soc) * cap
    top = device.soc_max * cap
    up = floats(hours * limits[0] * device.charge_efficiency)
    down = floats(hours * limits[1] / device.discharge_efficiency)
    trip_list = floats(trips)
    required_list = floats(required)
    n_slots = len(hours)
    low = [0.0] * (n_slots + 1)
    high = [0.0] * (n_slots + 1)
    idle = low[0] = high[0] = device.initial_soc * cap
    problems: list[Infeasibility] = []
    if required_list[0] > idle + 1e-9:
        problems.append(_shortfall(device, 0, required_list[0] - idle, boundaries))
    for t in range(n_slots):
        idle -= trip_list[t]
        window_high = max(top, idle)
        window_low = min(max(0.0, min(floor, idle), required_list[t + 1]), window_high)
        reach_low = low[t] - down[t] - trip_list[t]
        reach_high = high[t] + up[t] - trip_list[t]
        if reach_high < window_low - 1e-9:
            problems.append(
                _shortfall(device, t + 1, window_low - reach_high, boundaries)
            )
            low[t + 1] = high[t + 1] = reach_high
        else:  # doing nothing stays inside the window, so only a requirement can be out of reach
            low[t + 1] = max(reach_low, window_low)
            high[t + 1] = min(reach_high, window_high)
    return np.array(low), np.array(high), problems


def _shortfall(
    device: StorageDevice, k: int, kwh: float, boundaries: tuple[datetime, ...]
) -> Infeasibility:
    at = boundaries[k]
    # Only departures and the end requirement can ask for more than doing nothing leaves.
    departing = any(
        bisect_right(boundaries, d.time) - 1 == k for d in device.departures
    )
    kind = (
        InfeasibilityKind.DEPARTURE_TARGET if departing else InfeasibilityKind.END_SOC
    )
    return Infeasibility(kind=kind, device_id=device.device_id, at=at, shortfall=kwh)


def compile_problem(problem: PlanningProblem) -> ProblemArrays:
    """Arrays for the optimiser; unreachable requirements become infeasibility records."""
    slots = problem.slots
    hours = np.array([s.hours for s in slots])
    buy = np.array([s.buy_price_per_kwh for s in slots])
    sell = np.minimum(np.array([s.sell_price_per_kwh for s in slots]), buy)
    load = np.array([s.house_load_kw for s in slots])
    solar = np.array([s.solar_kw for s in slots])
    boundaries = (*(s.start for s in slots), slots[-1].end) if slots else ()
    site = problem.site
    devices = []
    for device in problem.devices:
        available = _availability(device, slots)
        charge = np.where(available, device.max_charge_kw, 0.0)
        discharge = np.where(available, device.max_discharge_kw, 0.0)
        required, trips = (
            _requirements(device, boundaries) if slots else (np.zeros(1), hours)
        )
        low, high, problems = _reachable(
            device, hours, (charge, discharge), required, trips, boundaries
        )
        devices.append(
            DeviceArrays(
                device=device,
                available=available,
                max_charge_kw=charge,
                max_discharge_kw=discharge,
                trip_kwh=trips,
                required_kwh=required,
                energy_min_kwh=low,
                energy_max_kwh=high,
                terminal_value_per_kwh=terminal_value_per_kwh(
                    problem.terminal_value, sell, device
                ),
                infeasibilities=tuple(problems),
            )
        )
    return ProblemArrays(
        hours=hours,
        buy_per_kwh=buy,
        sell_per_kwh=sell,
        net_load_kw=load - solar,
        solar_kw=solar,
        import_limit_kw=site.import_limit_kw,
        export_limit_kw=site.export_limit_kw if site.export_allowed else 0.0,
        boundaries=boundaries,
        devices=tuple(devices),
    )
