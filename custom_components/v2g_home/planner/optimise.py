"""The planner's entry point: `plan(problem) -> Plan`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .arrays import FloatArray, ProblemArrays, compile_problem, floats
from .deadband import dead_band_plan, has_dead_band
from .dispatch import realise
from .evaluate import Outcome, evaluate, grid_flows, over_fuse
from .horizon import horizon_part
from .lp import Relaxation, solve_relaxation
from .lp_layout import penalty_per_kwh
from .model import DevicePlan, Plan, PlanningProblem, PlanTotals
from .one_way import realisable
from .reasons import device_reasons
from .reserve_plan import reserve_plans, reserves_ahead


def _relaxed_objective(arrays: ProblemArrays, relaxation: Relaxation) -> float:
    """The LP optimum with the over-fuse penalty replaced by the plain buy price."""
    over = relaxation.import_over_limit_kw * arrays.hours
    penalty = penalty_per_kwh(arrays)
    extra = float(((penalty - arrays.buy_per_kwh) * over).sum())
    return relaxation.objective - extra + relaxation.bonus


def _outcome(arrays: ProblemArrays) -> tuple[Outcome, float | None, bool]:
    """The chosen setpoints' outcome, the linear optimum (None if none) and whether it converged."""
    n_slots = arrays.hours.size
    idle: list[FloatArray] = [np.zeros(n_slots) for _ in arrays.devices]
    if not n_slots or not arrays.devices:
        return evaluate(arrays, idle), None, True
    relaxation = solve_relaxation(arrays)
    if not relaxation.converged:  # numerical trouble: doing nothing is always safe
        return evaluate(arrays, idle), None, False
    one_way = realisable(
        arrays,
        relaxation,
        lambda r: evaluate(arrays, _followed(arrays, r), r.reserve_kw).rank,
    )
    held = one_way.reserve_kw
    if has_dead_band(arrays):
        setpoints, held = dead_band_plan(
            arrays, one_way, lambda s, r: evaluate(arrays, s, r).rank
        )
    else:
        setpoints = _followed(arrays, one_way)
    relaxed = _relaxed_objective(arrays, relaxation)
    return evaluate(arrays, setpoints, held), relaxed, True


def _followed(arrays: ProblemArrays, relaxation: Relaxation) -> list[FloatArray]:
    """Setpoints that follow a linear optimum's net flows (see dispatch.realise)."""
    net = relaxation.charge_kw - relaxation.discharge_kw
    return [realise(d, arrays.hours, net[i]) for i, d in enumerate(arrays.devices)]


def plan(problem: PlanningProblem) -> Plan:
    """The cheapest schedule for every device over the problem's slots (see docs/planner.md).

    With a lookahead (see TerminalValue) the problem is planned over the horizon and the lookahead
    together; the plan keeps the horizon's part. `objective` and `relaxed_objective` stay what was
    minimised over both.
    """
    policy = problem.terminal_value
    ahead = policy.lookahead if problem.slots else ()
    whole = replace(
        problem,
        slots=problem.slots + ahead,
        terminal_value=replace(policy, lookahead=()),
    )
    arrays = compile_problem(whole)
    outcome, relaxed, converged = _outcome(arrays)
    objective = outcome.objective
    held_ahead = reserves_ahead(arrays, outcome, len(problem.slots)) if ahead else ()
    if ahead:
        arrays = horizon_part(arrays, len(problem.slots))
        kept = [power[: len(problem.slots)] for power in outcome.setpoints]
        held = outcome.reserve_kw
        outcome = evaluate(
            arrays, kept, None if held is None else held[:, :, : len(problem.slots)]
        )
    base_import, base_export = grid_flows(arrays, np.zeros(arrays.hours.size))
    baseline = float(
        (arrays.buy_per_kwh * base_import * arrays.hours).sum()
        - (arrays.sell_per_kwh * base_export * arrays.hours).sum()
    )
    grid_kw = arrays.net_load_kw + outcome.storage_kw
    devices = tuple(
        DevicePlan(
            device_id=device.device.device_id,
            setpoint_kw=tuple(floats(power)),
            soc=tuple(floats(energy / device.device.capacity_kwh)),
            reasons=device_reasons(
                device, power, energy, arrays.buy_per_kwh, arrays.net_load_kw, grid_kw
            ),
            wear_cost=wear,
            terminal_value=device.terminal_value_per_kwh,
        )
        for device, power, energy, wear in zip(
            arrays.devices,
            outcome.setpoints,
            outcome.energies,
            outcome.wear_costs,
            strict=True,
        )
    )
    net_cost = (
        outcome.import_cost
        - outcome.export_revenue
        + sum(outcome.wear_costs)
        - outcome.reserve_net
    )
    known = [p for d in arrays.devices for p in d.infeasibilities]
    return Plan(
        slots=problem.slots,
        devices=devices,
        grid_import_kw=tuple(floats(outcome.import_kw)),
        grid_export_kw=tuple(floats(outcome.export_kw)),
        totals=PlanTotals(
            import_cost=outcome.import_cost,
            export_revenue=outcome.export_revenue,
            wear_cost=sum(outcome.wear_costs),
            baseline_cost=baseline,
            net_cost=net_cost,
            savings=baseline - net_cost,
            reserve_income=0.0
            if outcome.reserve_income is None
            else float(outcome.reserve_income.sum()),
            activation_cost=0.0
            if outcome.activation_cost is None
            else float(outcome.activation_cost.sum()),
        ),
        objective=objective,
        relaxed_objective=objective if relaxed is None else relaxed,
        infeasibilities=(
            *known,
            *outcome.misses,
            *over_fuse(arrays, outcome.import_kw),
        ),
        solver_converged=converged,
        reserves=reserve_plans(arrays, outcome),
        ahead_slots=ahead,
        reserves_ahead=held_ahead,
    )
