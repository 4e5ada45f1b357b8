"""The Quasar's dead band (0 or >= 1.38 kW): legal setpoints, a small gap, no flip-flop at 20 %."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Reason,
    Slot,
)
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp
from .scenarios import dk1_days, problem_for

QUASAR_MIN_KW = 1.38
DAYS = [
    "2022-12-13",
    "2023-07-02",
    "2024-01-27",
    "2024-06-15",
    "2025-01-20",
    "2025-07-01",
]


def with_quasar(problem: PlanningProblem, **changes: object) -> PlanningProblem:
    """The same problem with the Leaf behind a Quasar (dead band) and optional other changes."""
    car = replace(problem.devices[0], min_power_kw=QUASAR_MIN_KW, **changes)
    return replace(problem, devices=(car, *problem.devices[1:]))


def legal(power_kw: float) -> bool:
    return power_kw == 0.0 or QUASAR_MIN_KW - 1e-6 <= abs(power_kw) <= 7.4 + 1e-6


@pytest.mark.parametrize("devices", [1, 3])
@pytest.mark.parametrize("day", DAYS)
def test_every_setpoint_is_zero_or_beyond_the_dead_band(day: str, devices: int) -> None:
    problem = with_quasar(
        problem_for(day, devices=devices, with_load=True, quarter_hours=True)
    )
    result = plan(problem)
    assert all(legal(p) for p in result.device("leaf").setpoint_kw)
    assert result.feasible
    assert result.objective >= result.relaxed_objective - 1e-6


@pytest.mark.parametrize("day", DAYS)
def test_single_leaf_plan_is_close_to_the_true_dead_band_optimum(day: str) -> None:
    problem = with_quasar(problem_for(day, with_load=True))
    result = plan(problem)
    best = solve_lp(problem, dead_band=True).objective
    savings = result.totals.baseline_cost - best
    assert result.objective >= best - 1e-6
    assert result.objective - best <= 0.01 * savings


def test_small_flows_merge_into_pulses_that_keep_a_departure_target() -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    quarter = timedelta(minutes=15)
    slots = tuple(
        Slot(
            start=start + i * quarter,
            duration=quarter,
            buy_price_per_kwh=1.0,  # a tie: the relaxation spreads the charge thinly
            sell_price_per_kwh=0.2,
        )
        for i in range(16)
    )
    leave = start + 4 * timedelta(hours=1)
    problem = with_quasar(
        PlanningProblem(slots=slots, devices=(problem_for("2024-06-15").devices[0],)),
        initial_soc=0.5,
        availability=(AvailabilityWindow(start=start, end=leave),),
        departures=(Departure(time=leave, target_soc=0.52),),
    )
    result = plan(problem)
    setpoints = result.device("leaf").setpoint_kw
    assert all(legal(p) for p in setpoints)
    assert result.device("leaf").soc[-1] >= 0.52 - 1e-9
    assert result.feasible
    assert (
        sum(1 for p in setpoints if p) <= 2
    )  # 0.74 kWh as one or two pulses, not 16 trickles


def _quick_reversals(setpoints: tuple[float, ...], soc: tuple[float, ...]) -> int:
    """Direction changes within an hour (4 quarter slots) while the SoC is within 2 points of 20 %."""
    count, last_sign, last_slot = 0, 0, -99
    for t, power in enumerate(setpoints):
        if power == 0:
            continue
        sign = 1 if power > 0 else -1
        near_edge = min(soc[t], soc[t + 1]) <= 0.22
        if last_sign and sign != last_sign and t - last_slot <= 4 and near_edge:
            count += 1
        last_sign, last_slot = sign, t
    return count


@pytest.mark.parametrize("day", sorted(dk1_days())[::3])
def test_no_flip_flop_at_the_leaf_bms_edge(day: str) -> None:
    problem = with_quasar(
        problem_for(day, with_load=True, quarter_hours=True), initial_soc=0.21
    )
    leaf_plan = plan(problem).device("leaf")
    assert _quick_reversals(leaf_plan.setpoint_kw, leaf_plan.soc) == 0


def test_no_flip_flop_on_jittering_prices_at_the_edge() -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    quarter = timedelta(minutes=15)
    slots = tuple(
        Slot(
            start=start + i * quarter,
            duration=quarter,
            buy_price_per_kwh=1.0 + 0.05 * (i % 2),
            sell_price_per_kwh=1.0 + 0.05 * (i % 2),
            house_load_kw=0.4,
        )
        for i in range(96)
    )
    problem = with_quasar(
        PlanningProblem(slots=slots, devices=(problem_for("2024-06-15").devices[0],)),
        initial_soc=0.205,
    )
    leaf_plan = plan(problem).device("leaf")
    assert _quick_reversals(leaf_plan.setpoint_kw, leaf_plan.soc) == 0


def test_a_target_only_reachable_inside_the_dead_band_is_missed_by_the_least() -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    quarter = timedelta(minutes=15)
    slots = tuple(
        Slot(
            start=start + i * quarter,
            duration=quarter,
            buy_price_per_kwh=1.0,
            sell_price_per_kwh=0.5,
        )
        for i in range(4)
    )
    leave = start + quarter
    problem = with_quasar(
        PlanningProblem(slots=slots, devices=(problem_for("2024-06-15").devices[0],)),
        initial_soc=0.897,
        availability=(AvailabilityWindow(start=start, end=leave),),
        departures=(Departure(time=leave, target_soc=0.9),),
    )
    result = plan(problem)
    assert result.device("leaf").setpoint_kw[0] in (0.0, QUASAR_MIN_KW)
    (miss,) = result.infeasibilities
    assert miss.at == leave
    assert miss.shortfall == pytest.approx(0.003 * 37)


@pytest.mark.parametrize("day", DAYS[:3])
def test_dead_band_with_a_commute_keeps_the_departure(day: str) -> None:
    problem = with_quasar(
        problem_for(day, devices=3, with_load=True, with_departure=True)
    )
    result = plan(problem)
    leaf_plan = result.device("leaf")
    assert all(legal(p) for p in leaf_plan.setpoint_kw)
    assert result.feasible
    assert Reason.UNAVAILABLE in leaf_plan.reasons
