"""Accepted bids, closed auctions, floors, the SoC band, the lookahead and the dead band with reserves."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    InfeasibilityKind,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.reserve_model import (
    ReserveCommitment,
    ReserveOffer,
)

from .lp_reference_reserves import solve_reserve_lp
from .reserve_scenarios import held, rule_violations
from .test_reserves_rules import START, _car, _problem, _slots


def _commit(hour: int, kw: float, key: str = "fcr_n") -> ReserveCommitment:
    begin = START + timedelta(hours=hour)
    return ReserveCommitment(
        device_id="car", product=key, start=begin, end=begin + timedelta(hours=1), kw=kw
    )


def test_an_accepted_bid_is_held_even_where_it_no_longer_pays() -> None:
    # The activation now costs more than the price: without the bid, nothing would be held.
    problem = _problem(
        ("fcr_n",),
        slots=_slots(3, buy=3.0),
        activation={"fcr_n": 1.0},
        commitments=(_commit(1, 2.5),),
    )
    result = plan(problem)
    assert held(result, "car")["fcr_n"].tolist() == pytest.approx(
        [0.0, 2.5, 0.0], abs=1e-6
    )
    assert result.feasible
    assert not rule_violations(problem, result)


def test_an_accepted_bid_is_all_that_is_held_in_its_hour() -> None:
    problem = _problem(("fcr_n",), commitments=(_commit(0, 1.0),))
    kw = held(plan(problem), "car")["fcr_n"]
    assert kw[0] == pytest.approx(1.0, abs=1e-6)
    assert kw[1] == pytest.approx(10 / 1.34, abs=1e-3)


def test_a_bid_that_cannot_be_held_is_reported_and_the_plan_still_made() -> None:
    car = _car(
        availability=(
            AvailabilityWindow(
                start=START + timedelta(hours=2), end=START + timedelta(hours=3)
            ),
        )
    )
    problem = _problem(("fcr_n",), car=car, commitments=(_commit(1, 2.0),))
    result = plan(problem)
    assert result.solver_converged
    (missed,) = result.infeasibilities
    assert missed.kind is InfeasibilityKind.RESERVE_COMMITMENT
    assert (missed.device_id, missed.at, missed.shortfall) == (
        "car",
        START + timedelta(hours=1),
        pytest.approx(2.0),
    )


def test_a_bid_larger_than_the_battery_can_hold_is_held_as_far_as_it_can() -> None:
    car = _car(
        capacity_kwh=10.0
    )  # 3 kWh above the floor: FCR-N 2.7 kW in the first hour
    problem = _problem(("fcr_n",), car=car, commitments=(_commit(0, 5.0),))
    result = plan(problem)
    assert held(result, "car")["fcr_n"][0] == pytest.approx(2.7, abs=1e-3)
    assert [p.kind for p in result.infeasibilities] == [
        InfeasibilityKind.RESERVE_COMMITMENT
    ]


def test_closed_auctions_hold_only_their_accepted_bids() -> None:
    problem = _problem(
        ("fcr_n",),
        closed_until=START + timedelta(hours=2),
        commitments=(_commit(0, 1.5),),
    )
    kw = held(plan(problem), "car")["fcr_n"]
    assert kw.tolist() == pytest.approx([1.5, 0.0, 10 / 1.34], abs=1e-3)


def test_floors_and_departures_hold_with_reserves() -> None:
    car = _car(
        capacity_kwh=20.0,
        initial_soc=0.3,
        reserve_soc=0.3,
        departures=(Departure(time=START + timedelta(hours=5), target_soc=0.8),),
        availability=(AvailabilityWindow(start=START, end=START + timedelta(hours=5)),),
    )
    problem = _problem(
        ("fcr_n", "fcr_d_up", "fcr_d_down"), car=car, slots=_slots(6, buy=1.0, sell=0.9)
    )
    result = plan(problem)
    soc = result.device("car").soc
    assert min(soc) >= 0.3 - 1e-9
    assert soc[5] >= 0.8 - 1e-6
    assert result.feasible
    assert not rule_violations(problem, result)
    assert all(kw[5] == 0.0 for kw in held(result, "car").values())  # away from 05:00


def test_the_band_is_kept_in_the_offered_hours() -> None:
    evening = AvailabilityWindow(
        start=START + timedelta(hours=2), end=START + timedelta(hours=6)
    )
    offer = ReserveOffer(device_id="car", windows=(evening,), soc_low=0.4, soc_high=0.6)
    car = _car(capacity_kwh=20.0, initial_soc=0.3)
    problem = _problem(
        ("fcr_n",), car=car, slots=_slots(6, buy=0.2, sell=0.1), offers=(offer,)
    )
    result = plan(problem)
    soc = result.device("car").soc
    assert all(0.4 - 1e-6 <= soc[k] <= 0.6 + 1e-6 for k in range(2, 7))
    kw = held(result, "car")["fcr_n"]
    assert kw[:2].tolist() == [0.0, 0.0]
    # The last hour fills the band instead: a stored kWh is worth 0.5 at the end.
    assert min(kw[2:5]) > 0.5
    assert not rule_violations(problem, result)
    assert result.relaxed_objective == pytest.approx(
        solve_reserve_lp(problem).objective, rel=1e-6
    )


def test_reserves_are_kept_for_the_horizon_when_planned_with_a_lookahead() -> None:
    problem = _problem(("fcr_n",), slots=_slots(4)[:2])
    ahead = _slots(4)[2:]
    market = problem.reserves
    assert market is not None
    prices = {"fcr_n": {s.start: 0.3 for s in _slots(4)}}
    problem = replace(
        problem,
        terminal_value=TerminalValue(lookahead=ahead),
        reserves=replace(market, prices=prices),
    )
    result = plan(problem)
    (reserve,) = result.reserves
    assert len(reserve.kw) == 2
    assert reserve.income == pytest.approx(0.6 * 0.3 * sum(reserve.kw))


def test_a_dead_band_device_keeps_the_rules() -> None:
    car = _car(capacity_kwh=20.0, min_power_kw=3.0)
    slots = _slots(4, buy=1.0, sell=0.2)
    slots = tuple(
        replace(s, buy_price_per_kwh=0.2 + 0.5 * (i % 2)) for i, s in enumerate(slots)
    )
    problem = _problem(("fcr_n", "fcr_d_up"), car=car, slots=slots)
    result = plan(problem)
    assert result.solver_converged
    assert not rule_violations(problem, result)
    powers = [abs(p) for p in result.device("car").setpoint_kw]
    assert all(p == 0.0 or p >= 3.0 - 1e-9 for p in powers)
