"""Plans with reserves match an independent LP of the same model (HiGHS) and keep every rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.v2g_home.planner.model import AvailabilityWindow, Plan
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.reserve_model import ReserveOffer

from .lp_reference_reserves import solve_reserve_lp
from .reserve_scenarios import (
    day_problem,
    real_dst_prices,
    rule_violations,
    with_reserves,
)
from .scenarios import problem_for

DAYS = ("2023-03-26", "2023-10-29", "2024-06-15", "2024-11-05", "2025-06-21")
CONFIGS = {
    "leaf": {},
    "leaf-load": {"with_load": True},
    "leaf-commute": {"with_departure": True},
    "quarter-hours": {"quarter_hours": True, "with_load": True},
    "three-devices": {"devices": 3, "with_load": True, "with_departure": True},
}


def _close(ours: float, reference: float, relative: float) -> bool:
    return abs(ours - reference) <= relative * max(abs(reference), 1.0)


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("day", DAYS)
def test_plan_matches_the_independent_lp(day: str, config: str) -> None:
    problem = day_problem(day, **CONFIGS[config])
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert ours.solver_converged
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert _close(ours.objective, reference.objective, 1e-3)
    assert ours.objective >= reference.objective - 1e-6 * abs(reference.objective)
    assert not rule_violations(problem, ours)
    assert any(max(r.kw) > 0.1 for r in ours.reserves)


def test_every_product_at_once_with_dk1_blocks_and_mfrr() -> None:
    keys = ("fcr_n", "fcr_d_up", "fcr_d_down", "fcr_dk1", "mfrr_up")
    problem = day_problem("2024-11-05", keys, with_load=True)
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert not rule_violations(problem, ours)


def test_two_devices_offer_and_a_pack_does_not() -> None:
    problem = day_problem("2024-11-05", devices=3, with_load=True)
    market = problem.reserves
    assert market is not None
    problem = replace(
        problem,
        reserves=replace(
            market,
            offers=(ReserveOffer(device_id="leaf"), ReserveOffer(device_id="pack_a")),
        ),
    )
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert {r.device_id for r in ours.reserves} == {"leaf", "pack_a"}
    assert not rule_violations(problem, ours)


def _sold(result: Plan) -> set[tuple[str, str]]:
    return {
        (r.device_id, r.product)
        for r in result.reserves
        if max(r.kw, default=0.0) > 1e-6
    }


def test_a_device_is_sold_only_in_what_it_can_deliver() -> None:
    """The car delivers FCR-D up only, the pack mFRR up only: the plan follows, and still matches."""
    problem = day_problem(
        "2024-11-05",
        ("fcr_n", "fcr_d_up", "fcr_d_down", "mfrr_up"),
        devices=3,
        with_load=True,
    )
    market = problem.reserves
    assert market is not None
    # Free to choose, the car would also sell FCR-D down and mFRR up.
    assert {("leaf", "fcr_d_down"), ("leaf", "mfrr_up")} <= _sold(plan(problem))
    problem = replace(
        problem,
        reserves=replace(
            market,
            offers=(
                ReserveOffer(device_id="leaf", products=frozenset({"fcr_d_up"})),
                ReserveOffer(device_id="pack_a", products=frozenset({"mfrr_up"})),
            ),
        ),
    )
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert _sold(ours) == {("leaf", "fcr_d_up"), ("pack_a", "mfrr_up")}
    assert not rule_violations(problem, ours)


def test_the_spring_dst_day_with_its_real_fcr_prices() -> None:
    base = problem_for("2025-03-30", with_load=True)
    assert len(base.slots) == 23
    problem = with_reserves(base, real_dst_prices())
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert not rule_violations(problem, ours)
    assert sum(r.income for r in ours.reserves) > 0


def test_a_band_and_offered_hours_match_too() -> None:
    problem = day_problem("2024-06-15", with_load=True)
    market = problem.reserves
    assert market is not None
    evening = AvailabilityWindow(
        start=problem.slots[16].start, end=problem.slots[23].end
    )
    offer = ReserveOffer(
        device_id="leaf", windows=(evening,), soc_low=0.4, soc_high=0.8
    )
    problem = replace(problem, reserves=replace(market, offers=(offer,)))
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert _close(ours.relaxed_objective, reference.objective, 1e-6)
    assert not rule_violations(problem, ours)
