"""Two real backtest plans on which the normal equations turned singular just short of the optimum.

Fixture: tests/fixtures/planner/solver_breakdown_cases.json (DK1 spot prices, Energi Data Service).
Both plans fell back to idle before the solver kept its best point through a singular factorisation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.planner.arrays import compile_problem
from custom_components.v2g_home.planner.lp import solve_relaxation
from custom_components.v2g_home.planner.model import (
    PlanningProblem,
    Site,
    Slot,
    StorageDevice,
)
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp

FIXTURE = (
    Path(__file__).parent.parent
    / "fixtures"
    / "planner"
    / "solver_breakdown_cases.json"
)
CASES: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def _problem(case: dict[str, Any]) -> PlanningProblem:
    start = datetime.fromisoformat(case["first_slot_utc"])
    slots = tuple(
        Slot(
            start=start + timedelta(hours=hour),
            duration=timedelta(hours=1),
            buy_price_per_kwh=price,
            sell_price_per_kwh=price,
        )
        for hour, price in enumerate(case["hourly_spot_price_per_kwh"])
    )
    return PlanningProblem(
        slots=slots, devices=(StorageDevice(**case["device"]),), site=Site()
    )


@pytest.mark.parametrize("case", CASES, ids=[c["plan_made"][:10] for c in CASES])
def test_the_relaxation_converges_to_the_highs_optimum(case: dict[str, Any]) -> None:
    problem = _problem(case)
    relaxation = solve_relaxation(compile_problem(problem))
    assert relaxation.converged
    reference = solve_lp(problem).objective
    # The gap left is the tie-break (1e-7 per kWh moved), which HiGHS does not carry.
    assert relaxation.objective == pytest.approx(reference, rel=1e-5)


@pytest.mark.parametrize("case", CASES, ids=[c["plan_made"][:10] for c in CASES])
def test_the_plan_trades_and_matches_the_single_setpoint_optimum(
    case: dict[str, Any],
) -> None:
    problem = _problem(case)
    result = plan(problem)
    assert result.solver_converged
    assert any(p != 0.0 for p in result.devices[0].setpoint_kw)
    assert result.totals.savings > 0.0
    single = solve_lp(problem, single_setpoint=True).objective
    assert result.objective == pytest.approx(single, rel=1e-5)
