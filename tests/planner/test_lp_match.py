"""The plan matches independent HiGHS solves of the same model on real DK1 days (no dead band).

Two references: the LP (what `relaxed_objective` reports) and the MILP that also forbids charging
and discharging one battery in the same slot (what a single setpoint per slot can do; the two differ
only on days where negative import prices pay for burning energy in the battery's losses).
"""

from __future__ import annotations

import pytest

from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp
from .scenarios import dk1_days, problem_for

DAYS = sorted(dk1_days())
CONFIGS = {
    "leaf": {"devices": 1},
    "leaf-load": {"devices": 1, "with_load": True},
    "leaf-commute": {"devices": 1, "with_departure": True},
    "three-load-commute": {"devices": 3, "with_load": True, "with_departure": True},
    "three-spot-only": {"devices": 3, "with_charges": False},
}


def _close(ours: float, reference: float) -> bool:
    """Within 0.1 % of the reference (or 0.001 currency units when it is near zero)."""
    return abs(ours - reference) <= 1e-3 * max(abs(reference), 1.0)


def test_enough_varied_days_are_shipped() -> None:
    days = dk1_days()
    assert len(days) >= 20
    assert any(min(p for _, p in hours) < 0 for hours in days.values())
    assert {len(hours) for hours in days.values()} == {23, 24, 25}


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("day", DAYS)
def test_plan_objective_matches_the_optimum(day: str, config: str) -> None:
    problem = problem_for(day, **CONFIGS[config])
    ours = plan(problem)
    linear = solve_lp(problem)
    single = solve_lp(problem, single_setpoint=True)
    assert ours.feasible
    assert _close(ours.relaxed_objective, linear.objective), (
        ours.relaxed_objective,
        linear.objective,
    )
    assert _close(ours.objective, single.objective), (ours.objective, single.objective)
    # The plan never claims to beat an optimum (it would be breaking a constraint).
    assert ours.objective >= single.objective - 1e-6 * max(abs(single.objective), 1.0)
