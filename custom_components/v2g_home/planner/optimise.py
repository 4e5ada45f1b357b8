"""The planner's entry point: `plan(problem) -> Plan`."""

from __future__ import annotations

import numpy as np

from .arrays import DeviceArrays, FloatArray, ProblemArrays, compile_problem
from .dispatch import realise
from .lp import Relaxation, solve_relaxation
from .lp_layout import penalty_per_kwh
from .model import (
    DevicePlan,
    Infeasibility,
    InfeasibilityKind,
    Plan,
    PlanningProblem,
    PlanTotals,
)
from .reasons import device_reasons, stack

_ONE_WAY_ROUNDS = 5
_BOTH_WAYS_KW = 1e-5


def grid_flows(arrays: ProblemArrays, storage_kw: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Import and export per slot when the storage draws `storage_kw` in total (solar curtailable)."""
    grid = arrays.net_load_kw + storage_kw
    imported = np.maximum(grid, 0.0)
    surplus = np.maximum(-grid, 0.0)
    # At a negative sell price, curtailing solar beats exporting it.
    curtailed = np.where(arrays.sell_per_kwh < 0, np.minimum(surplus, arrays.solar_kw), 0.0)
    exported = np.minimum(surplus - curtailed, arrays.export_limit_kw)
    return imported, exported


def _energy_path(device: DeviceArrays, hours: FloatArray, setpoint_kw: FloatArray) -> FloatArray:
    spec = device.device
    stored = np.where(
        setpoint_kw > 0,
        setpoint_kw * spec.charge_efficiency,
        setpoint_kw / spec.discharge_efficiency,
    )
    steps = hours * stored - device.trip_kwh
    return np.concatenate([[device.energy_min_kwh[0]], device.energy_min_kwh[0] + np.cumsum(steps)])


def _relaxed_objective(arrays: ProblemArrays, relaxation: Relaxation) -> float:
    """The LP optimum with the over-fuse penalty replaced by the plain buy price."""
    over = relaxation.import_over_limit_kw * arrays.hours
    penalty = penalty_per_kwh(arrays)
    return relaxation.objective - float(((penalty - arrays.buy_per_kwh) * over).sum())


def _shortfalls(
    arrays: ProblemArrays, energies: list[FloatArray], imported: FloatArray
) -> list[Infeasibility]:
    """Requirements the realised plan misses, beyond those already known to be unreachable."""
    found: list[Infeasibility] = []
    for device, energy in zip(arrays.devices, energies, strict=True):
        found.extend(device.infeasibilities)
        known = {p.at for p in device.infeasibilities}
        miss = device.required_kwh - energy
        for k in np.flatnonzero(miss > 1e-6).tolist():
            at = arrays.boundaries[k]
            if at not in known:
                found.append(
                    Infeasibility(
                        kind=InfeasibilityKind.DEPARTURE_TARGET
                        if k < len(arrays.hours)
                        else InfeasibilityKind.END_SOC,
                        device_id=device.device.device_id,
                        at=at,
                        shortfall=float(miss[k]),
                    )
                )
    over = imported - arrays.import_limit_kw
    found.extend(
        Infeasibility(
            kind=InfeasibilityKind.IMPORT_LIMIT,
            device_id=None,
            at=arrays.boundaries[t],
            shortfall=float(over[t]),
        )
        for t in np.flatnonzero(over > 1e-6).tolist()
    )
    return found


def _single_setpoint(arrays: ProblemArrays, relaxation: Relaxation) -> Relaxation:
    """The optimum when no device charges and discharges in the same slot.

    The linear model may charge and discharge one battery at once when import prices are negative
    (the losses then earn money); one setpoint per slot cannot do that. Such slots are fixed to the
    direction in which their stored energy moves, which keeps the SoC path feasible, and the model
    is solved again until no slot does both.
    """
    gain_c = np.array([[d.device.charge_efficiency] for d in arrays.devices])
    loss_d = np.array([[1.0 / d.device.discharge_efficiency] for d in arrays.devices])
    no_charge = np.zeros(relaxation.charge_kw.shape, dtype=bool)
    no_discharge = np.zeros_like(no_charge)
    for _ in range(_ONE_WAY_ROUNDS):
        both = np.minimum(relaxation.charge_kw, relaxation.discharge_kw) > _BOTH_WAYS_KW
        if not both.any():
            break
        stored = gain_c * relaxation.charge_kw - loss_d * relaxation.discharge_kw
        no_discharge |= both & (stored >= 0)
        no_charge |= both & (stored < 0)
        relaxation = solve_relaxation(arrays, (no_charge, no_discharge))
    return relaxation


def plan(problem: PlanningProblem) -> Plan:
    """The cheapest schedule for every device over the problem's slots (see docs/planner.md)."""
    arrays = compile_problem(problem)
    hours = arrays.hours
    n_slots = hours.size
    relaxation = solve_relaxation(arrays) if n_slots and arrays.devices else None
    realisable = None if relaxation is None else _single_setpoint(arrays, relaxation)
    setpoints = [
        realise(device, hours, realisable.charge_kw[i] - realisable.discharge_kw[i])
        if realisable is not None
        else np.zeros(n_slots)
        for i, device in enumerate(arrays.devices)
    ]
    energies = [_energy_path(d, hours, p) for d, p in zip(arrays.devices, setpoints, strict=True)]
    storage_kw = stack(setpoints, n_slots).sum(axis=0)
    imported, exported = grid_flows(arrays, storage_kw)
    base_import, base_export = grid_flows(arrays, np.zeros(n_slots))
    import_cost = float((arrays.buy_per_kwh * imported * hours).sum())
    export_revenue = float((arrays.sell_per_kwh * exported * hours).sum())
    device_plans = []
    terminal_total = 0.0
    wear_total = 0.0
    for device, power, energy in zip(arrays.devices, setpoints, energies, strict=True):
        spec = device.device
        wear = float((np.maximum(-power, 0.0) * hours).sum() * spec.wear_per_kwh)
        wear_total += wear
        terminal_total += device.terminal_value_per_kwh * float(energy[-1])
        reasons = device_reasons(
            device,
            power,
            energy,
            arrays.buy_per_kwh,
            arrays.net_load_kw,
            arrays.net_load_kw + storage_kw,
        )
        device_plans.append(
            DevicePlan(
                device_id=spec.device_id,
                setpoint_kw=tuple(power.tolist()),
                soc=tuple((energy / spec.capacity_kwh).tolist()),
                reasons=reasons,
                wear_cost=wear,
                terminal_value=device.terminal_value_per_kwh,
            )
        )
    baseline = float(
        (arrays.buy_per_kwh * base_import * hours).sum()
        - (arrays.sell_per_kwh * base_export * hours).sum()
    )
    net_cost = import_cost - export_revenue + wear_total
    objective = net_cost - terminal_total
    return Plan(
        slots=problem.slots,
        devices=tuple(device_plans),
        grid_import_kw=tuple(imported.tolist()),
        grid_export_kw=tuple(exported.tolist()),
        totals=PlanTotals(
            import_cost=import_cost,
            export_revenue=export_revenue,
            wear_cost=wear_total,
            baseline_cost=baseline,
            net_cost=net_cost,
            savings=baseline - net_cost,
        ),
        objective=objective,
        relaxed_objective=objective
        if relaxation is None
        else _relaxed_objective(arrays, relaxation),
        infeasibilities=tuple(_shortfalls(arrays, energies, imported)),
    )
