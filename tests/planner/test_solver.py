"""The interior-point solver reports trouble instead of raising it."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.v2g_home.planner import lp_layout
from custom_components.v2g_home.planner.arrays import FloatArray, compile_problem
from custom_components.v2g_home.planner.lp import FlowBounds, solve_relaxation

from .scenarios import problem_for


def test_impossible_flow_bounds_are_reported_as_not_converged() -> None:
    arrays = compile_problem(problem_for("2024-11-05"))
    limits = FlowBounds.of(arrays)
    # Charging at full power all day cannot fit in the battery.
    forced = FlowBounds(
        charge_min_kw=limits.charge_max_kw,
        charge_max_kw=limits.charge_max_kw,
        discharge_min_kw=limits.discharge_min_kw,
        discharge_max_kw=np.zeros_like(limits.discharge_max_kw),
    )
    assert not solve_relaxation(arrays, forced).converged
    assert solve_relaxation(arrays, limits).converged


def test_a_broken_factorisation_is_reported_as_not_converged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def singular(*_: object) -> None:
        raise np.linalg.LinAlgError

    monkeypatch.setattr(lp_layout, "BlockTridiagonal", singular)
    result = solve_relaxation(compile_problem(problem_for("2024-11-05")))
    assert not result.converged


def test_numbers_that_blow_up_stop_the_iteration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_a_number(_: object, rhs: FloatArray, *, rough: bool = False) -> FloatArray:
        return np.full_like(rhs, np.nan)

    monkeypatch.setattr(lp_layout.NormalEquations, "solve", not_a_number)
    result = solve_relaxation(compile_problem(problem_for("2024-11-05")))
    assert not result.converged


def test_a_late_numerical_breakdown_returns_the_best_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arrays = compile_problem(problem_for("2024-11-05"))
    exact = solve_relaxation(arrays)
    solve = lp_layout.NormalEquations.solve
    calls = []

    def degrading(
        self: lp_layout.NormalEquations, rhs: FloatArray, *, rough: bool = False
    ) -> FloatArray:
        calls.append(1)
        answer = solve(self, rhs, rough=rough)
        # Near the end (ill-conditioned in real life) the answers turn to noise.
        return answer + (1e3 if len(calls) > 2 * (exact.iterations - 2) else 0.0)

    monkeypatch.setattr(lp_layout.NormalEquations, "solve", degrading)
    result = solve_relaxation(arrays)
    assert result.converged
    assert result.objective == pytest.approx(exact.objective, rel=1e-5)


def test_plan_falls_back_to_idle_when_the_solver_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from custom_components.v2g_home.planner import optimise

    def failing(*_: object) -> object:
        raise np.linalg.LinAlgError

    monkeypatch.setattr(lp_layout, "BlockTridiagonal", failing)
    result = optimise.plan(problem_for("2024-11-05", devices=3, with_load=True))
    assert all(set(d.setpoint_kw) == {0.0} for d in result.devices)
    assert not result.solver_converged
    assert result.relaxed_objective == result.objective
    assert result.totals.savings == 0.0


def test_a_plan_the_solver_found_says_so() -> None:
    from custom_components.v2g_home.planner import optimise

    assert optimise.plan(problem_for("2024-11-05", devices=3)).solver_converged
