"""The linear model without dead band, solved by a structured primal-dual interior-point method."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import BoolArray, FloatArray, ProblemArrays
from .lp_layout import CURTAIL, EXPORT, IMPORT, OVER_LIMIT, LinearProgram, build_program

_TOLERANCE = 1e-9
_MAX_ITERATIONS = 80
_STEP = 0.995


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


def solve_relaxation(
    arrays: ProblemArrays, one_way: tuple[BoolArray, BoolArray] | None = None
) -> Relaxation:
    """Minimise cost - terminal value over the linear model.

    `one_way` = (no_charge, no_discharge) masks (devices x slots) switch one direction off.
    """
    program = build_program(arrays)
    upper = program.upper
    if one_way is not None:
        size = one_way[0].size
        upper[:size] = np.where(one_way[0].ravel(), 0.0, upper[:size])
        upper[size : 2 * size] = np.where(one_way[1].ravel(), 0.0, upper[size : 2 * size])
    x, iterations = _interior_point(program)
    return _result(program, arrays, x, iterations)


def _interior_point(program: LinearProgram) -> tuple[FloatArray, int]:
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
    iteration = 0
    for iteration in range(1, _MAX_ITERATIONS + 1):  # noqa: B007
        residual_p = rhs - layout.times(x)
        residual_d = free * (cost - layout.transposed_times(y) - z_low + z_up)
        mu = float(gap_low @ z_low + gap_up @ z_up) / n_pairs
        if (
            np.abs(residual_p).max(initial=0.0) < _TOLERANCE * scale_b
            and np.abs(residual_d).max(initial=0.0) < _TOLERANCE * scale_c
            and mu * n_pairs < _TOLERANCE * (1.0 + abs(float(cost @ x)))
        ):
            break
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
    return np.clip(x, lower, upper), iteration


def _max_step(value: FloatArray, change: FloatArray) -> float:
    """The largest step a keeping value + a * change >= 0."""
    shrinking = change < 0
    steps = np.divide(value, -change, out=np.full_like(value, np.inf), where=shrinking)
    return float(steps.min(initial=np.inf))


def _result(
    program: LinearProgram, arrays: ProblemArrays, x: FloatArray, iterations: int
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
    )
