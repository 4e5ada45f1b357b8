"""An independent LP of the planning model, solved by scipy's HiGHS (test and benchmark use only)."""

from __future__ import annotations

from dataclasses import dataclass
import time
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import PlanningProblem, StorageDevice


@dataclass(frozen=True, kw_only=True)
class LpResult:
    """The LP optimum and how long HiGHS took (model building excluded)."""

    objective: float
    solve_seconds: float
    setpoint_kw: np.ndarray  # devices x slots, net (charge - discharge)
    soc: np.ndarray  # devices x (slots + 1), fractions


def _available(device: StorageDevice, problem: PlanningProblem) -> list[bool]:
    if device.availability is None:
        return [True] * len(problem.slots)
    return [
        any(w.start <= s.start and s.end <= w.end for w in device.availability)
        for s in problem.slots
    ]


def _boundary_index(problem: PlanningProblem, when: object) -> int | None:
    """Index k of the last slot boundary at or before `when` (None before the horizon)."""
    boundaries = [s.start for s in problem.slots] + [problem.slots[-1].end]
    index = None
    for k, boundary in enumerate(boundaries):
        if boundary <= when:  # type: ignore[operator]
            index = k
    return index


def _terminal_value(problem: PlanningProblem, device: StorageDevice) -> float:
    policy = problem.terminal_value
    if policy.price_per_kwh is not None:
        return policy.price_per_kwh
    sell = [min(s.sell_price_per_kwh, s.buy_price_per_kwh) for s in problem.slots]
    typical = float(np.quantile(sell, policy.quantile))
    return max(0.0, (typical - device.wear_per_kwh) * device.discharge_efficiency)


def _requirements(
    problem: PlanningProblem, device: StorageDevice
) -> tuple[list[float], list[float]]:
    """Per boundary: the energy a departure (or the end) requires; per slot: trip energy leaving.

    A trip needs its energy on top of the floor (the car comes back at its floor or above).
    """
    n_slots = len(problem.slots)
    cap = device.capacity_kwh
    floor = max(device.soc_min, device.reserve_soc) * cap
    required = [0.0] * (n_slots + 1)
    trips = [0.0] * (n_slots + 1)
    for departure in device.departures:
        k = _boundary_index(problem, departure.time)
        if k is None:
            continue
        trip_floor = departure.trip_energy_kwh + floor
        required[k] = max(
            required[k],
            departure.target_soc * cap,
            trip_floor if departure.trip_energy_kwh > 0 else 0.0,
        )
        if k < n_slots:
            trips[k] += departure.trip_energy_kwh
    if device.end_soc_min is not None:
        required[n_slots] = max(required[n_slots], device.end_soc_min * cap)
    return required, trips


@dataclass
class Model:
    """The reference model's columns (cost, lower, upper), equality rows and each device's columns."""

    columns: list[tuple[float, float, float]]
    rows: list[tuple[list[int], list[float], float]]
    device_columns: list[tuple[list[int], list[int], list[int]]]

    def add(self, cost: float, lower: float, upper: float) -> int:
        """A new column; its index."""
        self.columns.append((cost, lower, upper))
        return len(self.columns) - 1


def build_model(problem: PlanningProblem) -> Model:
    """Columns and equality rows of the planning model (no dead band, no binaries)."""
    model = Model(columns=[], rows=[], device_columns=[])
    slots = problem.slots
    n_slots = len(slots)
    site = problem.site
    add = model.add
    rows = model.rows
    grid_terms: list[list[tuple[int, float]]] = [[] for _ in slots]
    device_columns = model.device_columns
    for device in problem.devices:
        cap = device.capacity_kwh
        available = _available(device, problem)
        floor = max(device.soc_min, device.reserve_soc) * cap
        top = device.soc_max * cap
        required, trips = _requirements(problem, device)
        idle = device.initial_soc * cap
        energy = [add(0.0, idle, idle)]
        # The lowest energy the battery is sure to hold: it may discharge only from the floor up,
        # and below it (at the start, back from a trip) it only climbs until a requirement.
        sure = max(idle, required[0])
        charge, discharge = [], []
        for t, slot in enumerate(slots):
            may_discharge = sure >= floor - 1e-9
            idle -= trips[t]
            own_floor = max(0.0, min(floor, sure - trips[t]))
            lower = max(own_floor, required[t + 1])
            sure = lower
            upper = max(top, idle)
            value = _terminal_value(problem, device) if t == n_slots - 1 else 0.0
            energy.append(add(-value, lower, upper))
            c_max = device.max_charge_kw if available[t] else 0.0
            d_max = device.max_discharge_kw if available[t] and may_discharge else 0.0
            charge.append(add(0.0, 0.0, c_max))
            discharge.append(add(device.wear_per_kwh * slot.hours, 0.0, d_max))
            rows.append(
                (
                    [energy[t + 1], energy[t], charge[t], discharge[t]],
                    [
                        1.0,
                        -1.0,
                        -slot.hours * device.charge_efficiency,
                        slot.hours / device.discharge_efficiency,
                    ],
                    -trips[t],
                )
            )
            grid_terms[t] += [(charge[t], -1.0), (discharge[t], 1.0)]
        device_columns.append((charge, discharge, energy))
    for t, slot in enumerate(slots):
        export_cap = site.export_limit_kw if site.export_allowed else 0.0
        sell = min(slot.sell_price_per_kwh, slot.buy_price_per_kwh)
        imp = add(slot.buy_price_per_kwh * slot.hours, 0.0, site.import_limit_kw)
        exp = add(-sell * slot.hours, 0.0, export_cap)
        curtail = add(0.0, 0.0, slot.solar_kw)
        terms = [(imp, 1.0), (exp, -1.0), (curtail, -1.0), *grid_terms[t]]
        rows.append(
            (
                [c for c, _ in terms],
                [v for _, v in terms],
                slot.house_load_kw - slot.solar_kw,
            )
        )
    return model


def solve_lp(
    problem: PlanningProblem,
    *,
    single_setpoint: bool = False,
    dead_band: bool = False,
    binaries_where_negative: bool = False,
    time_limit_s: float | None = None,
) -> LpResult:
    """Minimise import cost - export revenue + wear - terminal value, with hard constraints.

    With `single_setpoint`, a binary per device and slot forbids charging and discharging in the
    same slot (a MILP: one setpoint per slot cannot do both); `dead_band` adds each device's
    min_power_kw as "0 or at least" (the true dead-band optimum, for measuring the heuristic).
    `binaries_where_negative` puts the single-setpoint binaries only on slots with a negative buy
    or sell price (the only ones where doing both can pay): the same optimum, for long horizons.
    """
    model = build_model(problem)
    columns, rows, device_columns = model.columns, model.rows, model.device_columns
    slots = problem.slots
    n_slots = len(slots)
    row_index, col_index, values, rhs = [], [], [], []
    for r, (cols, vals, b) in enumerate(rows):
        row_index += [r] * len(cols)
        col_index += cols
        values += vals
        rhs.append(b)
    a_eq = coo_matrix((values, (row_index, col_index)), shape=(len(rows), len(columns)))
    cost = np.array([c for c, _, _ in columns])
    bounds = [(lo, None if np.isinf(hi) else hi) for _, lo, hi in columns]
    started = time.perf_counter()
    if single_setpoint or dead_band:
        minimum = [d.min_power_kw if dead_band else 0.0 for d in problem.devices]
        chosen = [
            not binaries_where_negative
            or dead_band
            or min(s.buy_price_per_kwh, s.sell_price_per_kwh) < 0
            for s in slots
        ]
        result = _solve_milp(
            cost,
            a_eq,
            np.array(rhs),
            (columns, device_columns),
            (minimum, chosen),
            time_limit_s,
        )
    else:
        result = linprog(
            cost, A_eq=a_eq.tocsr(), b_eq=np.array(rhs), bounds=bounds, method="highs"
        )
    elapsed = time.perf_counter() - started
    if result.status != 0:
        raise AssertionError(f"reference LP failed: {result.message}")
    x = result.x
    setpoints = np.array(
        [
            [x[c] - x[d] for c, d in zip(ch, dis, strict=True)]
            for ch, dis, _ in device_columns
        ]
    )
    socs = np.array(
        [
            [x[e] / dev.capacity_kwh for e in en]
            for (_, _, en), dev in zip(device_columns, problem.devices, strict=True)
        ]
    )
    return LpResult(
        objective=float(result.fun),
        solve_seconds=elapsed,
        setpoint_kw=setpoints.reshape(len(problem.devices), n_slots),
        soc=socs,
    )


def _solve_milp(cost, a_eq, rhs, layout, binaries, time_limit_s):  # type: ignore[no-untyped-def]
    """The same model with one direction per device and slot, and the dead band if given.

    Binaries per device and chosen slot: z (charging) and w (discharging), z + w <= 1,
    min * z <= charge <= max * z, min * w <= discharge <= max * w.
    """
    columns, device_columns = layout
    minimum_kw, chosen = binaries
    n_cont = len(columns)
    pairs = [
        (c, d, low)
        for (charge, discharge, _), low in zip(device_columns, minimum_kw, strict=True)
        for c, d, use in zip(charge, discharge, chosen, strict=True)
        if use
    ]
    n_bin = 2 * len(pairs)
    rows, cols, vals, upper = [], [], [], []
    row = 0
    for i, (c, d, low) in enumerate(pairs):
        z, w = n_cont + 2 * i, n_cont + 2 * i + 1
        for flow, binary in ((c, z), (d, w)):
            rows += [row, row, row + 1, row + 1]
            cols += [flow, binary, flow, binary]
            vals += [1.0, -columns[flow][2], -1.0, low]
            upper += [0.0, 0.0]
            row += 2
        rows += [row, row]
        cols += [z, w]
        vals += [1.0, 1.0]
        upper.append(1.0)
        row += 1
    link = coo_matrix((vals, (rows, cols)), shape=(row, n_cont + n_bin))
    equal = coo_matrix(
        (a_eq.data, (a_eq.row, a_eq.col)), shape=(a_eq.shape[0], n_cont + n_bin)
    )
    lower = [lo for _, lo, _ in columns] + [0.0] * n_bin
    top = [hi for _, _, hi in columns] + [1.0] * n_bin
    constraints = [LinearConstraint(equal.tocsr(), rhs, rhs)]
    if row:
        constraints.append(LinearConstraint(link.tocsr(), -np.inf, np.array(upper)))
    result = milp(
        np.concatenate([cost, np.zeros(n_bin)]),
        constraints=constraints,
        integrality=np.concatenate([np.zeros(n_cont), np.ones(n_bin)]),
        bounds=Bounds(lower, top),
        options={"mip_rel_gap": 1e-7}
        | ({"time_limit": time_limit_s} if time_limit_s else {}),
    )
    result.x = result.x[:n_cont]
    return result
