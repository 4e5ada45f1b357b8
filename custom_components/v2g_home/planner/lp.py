"""The linear model without dead band, solved by a structured primal-dual interior-point method."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import FloatArray, ProblemArrays
from .lp_layout import CURTAIL, EXPORT, IMPORT, OVER_LIMIT, LinearProgram, build_program

_TOLERANCE = 1e-9
_MAX_ITERATIONS = 80
_STEP = 0.995
_ONE_WAY_ROUNDS = 5
_BOTH_WAYS_KW = 1e-5


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """The linear optimum: per device (rows) and slot (columns) flows, plus grid flows per slot."""

    charge_kw: FloatArray
    discharge_kw: FloatArray
    energy_kwh: FloatArray  # per device and boundary 0..T
    import_kw: FloatArray
    import_over_limit_kw: FloatArray
    export_kw: FloatArray
    curtailed_kw: FloatArray
    objective: float
    iterations: int
    converged: bool  # False: the bounds leave no feasible plan (or the method stalled)


@dataclass(frozen=True, kw_only=True)
class FlowBounds:
    """Tighter charge and discharge bounds (devices x slots), e.g. one direction off, or >= dead band."""

    charge_min_kw: FloatArray
    charge_max_kw: FloatArray
    discharge_min_kw: FloatArray
    discharge_max_kw: FloatArray

    @classmethod
    def of(cls, arrays: ProblemArrays) -> FlowBounds:
        """The device limits themselves."""
        charge = np.stack([d.max_charge_kw for d in arrays.devices])
        discharge = np.stack([d.max_discharge_kw for d in arrays.devices])
        return cls(
            charge_min_kw=np.zeros_like(charge),
            charge_max_kw=charge,
            discharge_min_kw=np.zeros_like(discharge),
            discharge_max_kw=discharge,
        )


def solve_relaxation(arrays: ProblemArrays, flows: FlowBounds | None = None) -> Relaxation:
    """Minimise cost - terminal value over the linear model, optionally with tighter flow bounds."""
    program = build_program(arrays)
    if flows is not None:
        size = flows.charge_max_kw.size
        program.lower[:size] = flows.charge_min_kw.ravel()
        program.upper[:size] = flows.charge_max_kw.ravel()
        program.lower[size : 2 * size] = flows.discharge_min_kw.ravel()
        program.upper[size : 2 * size] = flows.discharge_max_kw.ravel()
    with np.errstate(all="ignore"):
        try:
            x, iterations, converged = _interior_point(program)
        except np.linalg.LinAlgError:  # bounds that leave no plan break the factorisation
            x, iterations, converged = np.clip(program.lower, None, program.upper), 0, False
    return _result(program, arrays, x, iterations, converged=converged)


def one_setpoint_per_slot(
    arrays: ProblemArrays, relaxation: Relaxation, flows: FlowBounds
) -> Relaxation:
    """The optimum (within `flows`) when no device charges and discharges in the same slot.

    The linear model may charge and discharge one battery at once when import prices are negative
    (the losses then earn money); one setpoint per slot cannot do that. Such slots are fixed to the
    direction in which their stored energy moves, which keeps the SoC path feasible, and the model
    is solved again until no slot does both.
    """
    gain_c = np.array([[d.device.charge_efficiency] for d in arrays.devices])
    loss_d = np.array([[1.0 / d.device.discharge_efficiency] for d in arrays.devices])
    for _ in range(_ONE_WAY_ROUNDS):
        both = np.minimum(relaxation.charge_kw, relaxation.discharge_kw) > _BOTH_WAYS_KW
        if not both.any():
            break
        stored = gain_c * relaxation.charge_kw - loss_d * relaxation.discharge_kw
        flows = FlowBounds(
            charge_min_kw=flows.charge_min_kw,
            charge_max_kw=np.where(both & (stored < 0), 0.0, flows.charge_max_kw),
            discharge_min_kw=flows.discharge_min_kw,
            discharge_max_kw=np.where(both & (stored >= 0), 0.0, flows.discharge_max_kw),
        )
        relaxation = solve_relaxation(arrays, flows)
    return relaxation


def _interior_point(program: LinearProgram) -> tuple[FloatArray, int, bool]:
    """Mehrotra's predictor-corrector on the bounded LP; fixed variables stay put."""
    layout, cost, lower, upper, rhs = (
        program.layout,
        program.cost,
        program.lower,
        program.upper,
        program.rhs,
    )
    free = (upper - lower > 1e-12).astype(float)
    fixed = 1.0 - free
    scale_b = 1.0 + float(np.abs(rhs).max(initial=0.0))
    scale_c = 1.0 + float(np.abs(cost).max(initial=0.0))
    x = lower + free * np.minimum((upper - lower) / 2, scale_b)
    gap_low = free * (x - lower) + fixed
    gap_up = free * (upper - x) + fixed
    z_low = free * (1.0 + np.abs(cost))
    # A far bound (an absent limit) starts with a small dual so it does not dominate the gap.
    z_up = z_low * np.minimum(1.0, scale_b / gap_up)
    y = np.zeros(rhs.size)
    n_pairs = max(2 * int(free.sum()), 1)
    for iteration in range(1, _MAX_ITERATIONS + 1):
        residual_p = rhs - layout.times(x)
        residual_d = free * (cost - layout.transposed_times(y) - z_low + z_up)
        mu = float(gap_low @ z_low + gap_up @ z_up) / n_pairs
        if not np.isfinite(mu):
            break
        if (
            np.abs(residual_p).max(initial=0.0) < _TOLERANCE * scale_b
            and np.abs(residual_d).max(initial=0.0) < _TOLERANCE * scale_c
            and mu * n_pairs < _TOLERANCE * (1.0 + abs(float(cost @ x)))
        ):
            return np.clip(x, lower, upper), iteration, True
        theta = free / (z_low / gap_low + z_up / gap_up + fixed)

        def direction(
            comp_low: FloatArray, comp_up: FloatArray
        ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
            q = residual_d - comp_low / gap_low + comp_up / gap_up
            dy = layout.normal_solve(theta, residual_p + layout.times(theta * q))
            dx = theta * (layout.transposed_times(dy) - q)
            return dx, dy, (comp_low - z_low * dx) / gap_low, (comp_up + z_up * dx) / gap_up

        dx, _, dzl, dzu = direction(-gap_low * z_low, -gap_up * z_up)
        alpha_p = min(1.0, _max_step(gap_low, dx), _max_step(gap_up, -dx))
        alpha_d = min(1.0, _max_step(z_low, dzl), _max_step(z_up, dzu))
        mu_aff = float(
            (gap_low + alpha_p * dx) @ (z_low + alpha_d * dzl)
            + (gap_up - alpha_p * dx) @ (z_up + alpha_d * dzu)
        ) / n_pairs
        target = free * ((mu_aff / mu) ** 3 * mu)
        dx, dy, dzl, dzu = direction(
            target - gap_low * z_low - dx * dzl, target - gap_up * z_up + dx * dzu
        )
        alpha_p = min(1.0, _STEP * min(_max_step(gap_low, dx), _max_step(gap_up, -dx)))
        alpha_d = min(1.0, _STEP * min(_max_step(z_low, dzl), _max_step(z_up, dzu)))
        x = x + alpha_p * dx
        gap_low = gap_low + alpha_p * dx
        gap_up = gap_up - alpha_p * dx
        y = y + alpha_d * dy
        z_low = z_low + alpha_d * dzl
        z_up = z_up + alpha_d * dzu
    return np.clip(x, lower, upper), _MAX_ITERATIONS, False


def _max_step(value: FloatArray, change: FloatArray) -> float:
    """The largest step a keeping value + a * change >= 0."""
    shrinking = change < 0
    steps = np.divide(value, -change, out=np.full_like(value, np.inf), where=shrinking)
    return float(steps.min(initial=np.inf))


def _result(
    program: LinearProgram,
    arrays: ProblemArrays,
    x: FloatArray,
    iterations: int,
    *,
    converged: bool,
) -> Relaxation:
    layout = program.layout
    charge, discharge, energy, grid = layout.split(x)
    flows = {kind: grid[i] for i, kind in enumerate(layout.grid_kinds)}
    zeros = np.zeros(layout.n_slots)
    start = np.array([d.energy_min_kwh[0] for d in arrays.devices]).reshape(-1, 1)
    return Relaxation(
        charge_kw=charge,
        discharge_kw=discharge,
        energy_kwh=np.concatenate([start, energy], axis=1),
        import_kw=flows[IMPORT],
        import_over_limit_kw=flows.get(OVER_LIMIT, zeros),
        export_kw=flows.get(EXPORT, zeros),
        curtailed_kw=flows.get(CURTAIL, zeros),
        objective=float(program.cost @ x),
        iterations=iterations,
        converged=converged,
    )
