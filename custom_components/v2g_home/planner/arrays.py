"""Turn a PlanningProblem into numpy arrays, with every SoC requirement clipped to what is reachable."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import numpy as np

from .array_types import BoolArray, FloatArray
from .model import (
    Infeasibility,
    InfeasibilityKind,
    PlanningProblem,
    Slot,
    StorageDevice,
)
from .reserve_arrays import ReserveArrays, band_kwh, compile_reserves, offered_slots
from .terminal_value import terminal_value_per_kwh

__all__ = [
    "BoolArray",
    "DeviceArrays",
    "FloatArray",
    "ProblemArrays",
    "compile_problem",
    "floats",
    "indices",
    "terminal_value_per_kwh",
]


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
    departing: frozenset[int] = frozenset()  # boundaries at which a departure is due


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
    reserves: ReserveArrays | None = None  # None: no reserves offered


def _availability(device: StorageDevice, slots: tuple[Slot, ...]) -> BoolArray:
    if device.availability is None:
        return np.ones(len(slots), dtype=bool)
    starts = np.array([s.start.timestamp() for s in slots])
    ends = np.array([s.end.timestamp() for s in slots])
    mask = np.zeros(len(slots), dtype=bool)
    for window in device.availability:
        mask |= (starts >= window.start.timestamp()) & (ends <= window.end.timestamp())
    return mask


def _floor_kwh(device: StorageDevice) -> float:
    """The energy a discharge may never go below: the larger of soc_min and the reserve."""
    return max(device.soc_min, device.reserve_soc) * device.capacity_kwh


def _requirements(
    device: StorageDevice, boundaries: tuple[datetime, ...]
) -> tuple[FloatArray, FloatArray, set[int]]:
    """Per boundary the energy required, per slot the trip energy leaving, and the departure boundaries.

    A trip needs its energy on top of the floor, so the car comes back at its floor or above.
    """
    n_slots = len(boundaries) - 1
    required = np.zeros(n_slots + 1)
    trips = np.zeros(max(n_slots, 0))
    departing: set[int] = set()
    cap = device.capacity_kwh
    trip_floor = _floor_kwh(device)
    for departure in device.departures:
        k = bisect_right(boundaries, departure.time) - 1
        if k < 0:
            continue
        need = departure.target_soc * cap
        if departure.trip_energy_kwh > 0:
            need = max(need, departure.trip_energy_kwh + trip_floor)
        required[k] = max(required[k], need)
        departing.add(k)
        if k < n_slots:
            trips[k] += departure.trip_energy_kwh
    if device.end_soc_min is not None:
        required[n_slots] = max(required[n_slots], device.end_soc_min * cap)
    return required, trips, departing


@dataclass(frozen=True, kw_only=True)
class _Reach:
    """What `_reachable` finds for one device."""

    low: FloatArray  # per boundary
    high: FloatArray
    trip_kwh: (
        FloatArray  # per slot: what the trip really takes (never more than is stored)
    )
    may_discharge: BoolArray  # per slot: sure to start at the floor or above
    problems: list[Infeasibility]


def _reachable(
    device: StorageDevice,
    hours: FloatArray,
    limits: tuple[FloatArray, FloatArray],
    requirements: tuple[FloatArray, FloatArray, set[int]],
    boundaries: tuple[datetime, ...],
    band: tuple[list[float], list[float]] | None = None,
) -> _Reach:
    """Energy bounds per boundary: the SoC window intersected with what can be reached.

    The floor holds in every plan: a discharge is allowed only in a slot the battery is sure to
    start at its floor or above, and a battery below it (at the start, or back from a trip it could
    not be charged for) may only climb until a requirement lifts it to the floor. A reserve offer's
    SoC band (kWh per boundary) narrows the window as far as it can be reached, never below a
    requirement; missing it is not a planning problem.
    """
    required, trips, departing = requirements
    cap = device.capacity_kwh
    floor = _floor_kwh(device)
    top = device.soc_max * cap
    up = floats(hours * limits[0] * device.charge_efficiency)
    down = floats(hours * limits[1] / device.discharge_efficiency)
    required_list = floats(required)
    n_slots = len(hours)
    low = [0.0] * (n_slots + 1)
    high = [0.0] * (n_slots + 1)
    taken = [0.0] * n_slots
    may_discharge = [False] * n_slots
    idle = low[0] = high[0] = device.initial_soc * cap
    problems: list[Infeasibility] = []
    if required_list[0] > idle + 1e-9:
        problems.append(
            _shortfall(device, 0, required_list[0] - idle, boundaries, departing)
        )
    for t, trip in enumerate(floats(trips)):
        may_discharge[t] = low[t] >= floor - 1e-9
        # An unreachable requirement before a trip pins low == high, so this is what is stored.
        taken[t] = min(trip, low[t])
        idle -= taken[t]
        window_high = max(top, idle)
        own_floor = max(0.0, min(floor, low[t] - taken[t]))
        wanted = max(own_floor, required_list[t + 1])
        reach_low = low[t] - (down[t] if may_discharge[t] else 0.0) - taken[t]
        reach_high = high[t] + up[t] - taken[t]
        best = min(reach_high, window_high)
        if (
            best < wanted - 1e-9
        ):  # out of reach in time, or above what the battery may hold
            problems.append(
                _shortfall(device, t + 1, wanted - best, boundaries, departing)
            )
        if band is not None:
            window_high = min(window_high, max(band[1][t + 1], reach_low, wanted))
            wanted = max(wanted, min(band[0][t + 1], window_high))
        window_low = min(wanted, window_high)
        if reach_high < window_low - 1e-9:
            low[t + 1] = high[t + 1] = reach_high
        else:
            low[t + 1] = max(reach_low, window_low)
            high[t + 1] = min(reach_high, window_high)
    return _Reach(
        low=np.array(low),
        high=np.array(high),
        trip_kwh=np.array(taken),
        may_discharge=np.array(may_discharge, dtype=bool),
        problems=problems,
    )


def _shortfall(
    device: StorageDevice,
    k: int,
    kwh: float,
    boundaries: tuple[datetime, ...],
    departing: set[int],
) -> Infeasibility:
    # Only departures and the end requirement can ask for more than doing nothing leaves.
    kind = (
        InfeasibilityKind.DEPARTURE_TARGET
        if k in departing
        else InfeasibilityKind.END_SOC
    )
    return Infeasibility(
        kind=kind, device_id=device.device_id, at=boundaries[k], shortfall=kwh
    )


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
    # Energy nobody can take (no export, no house load to serve) is worth nothing later; a car's
    # trips still use it.
    takers = site.export_allowed or bool(np.any(load - solar > 0.0))
    devices = []
    market = problem.reserves
    offered: dict[int, BoolArray] = {}
    for index, device in enumerate(problem.devices):
        available = _availability(device, slots)
        charge = np.where(available, device.max_charge_kw, 0.0)
        discharge = np.where(available, device.max_discharge_kw, 0.0)
        requirements = (
            _requirements(device, boundaries)
            if slots
            else (np.zeros(1), hours, set[int]())
        )
        band = None
        mask = None
        if market is not None and slots:
            mask = offered_slots(market, device.device_id, slots, available)
        offer = None if market is None else market.offer(device.device_id)
        if mask is not None and offer is not None:
            offered[index] = mask
            band = band_kwh(offer, device.capacity_kwh, mask)
        reach = _reachable(
            device, hours, (charge, discharge), requirements, boundaries, band
        )
        devices.append(
            DeviceArrays(
                device=device,
                available=available,
                max_charge_kw=charge,
                max_discharge_kw=np.where(reach.may_discharge, discharge, 0.0),
                trip_kwh=reach.trip_kwh,
                required_kwh=requirements[0],
                energy_min_kwh=reach.low,
                energy_max_kwh=reach.high,
                terminal_value_per_kwh=terminal_value_per_kwh(
                    problem.terminal_value,
                    sell,
                    device,
                    usable=takers or bool(device.departures),
                ),
                infeasibilities=tuple(reach.problems),
                departing=frozenset(requirements[2]),
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
        reserves=None
        if market is None or not offered
        else compile_reserves(market, slots, tuple(devices), offered, (buy, sell)),
    )
