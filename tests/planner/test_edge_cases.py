"""Edge cases a household meets: empty horizons, odd prices, an absent car, impossible targets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    InfeasibilityKind,
    PlanningProblem,
    Reason,
    Site,
    Slot,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp
from .scenarios import leaf, pack, problem_for

START = datetime(2024, 6, 1, 22, tzinfo=UTC)
HOUR = timedelta(hours=1)


def hourly(
    buy: list[float], sell: list[float] | None = None, **extra: float
) -> tuple[Slot, ...]:
    """Hourly slots from START with the given prices."""
    sell = buy if sell is None else sell
    return tuple(
        Slot(
            start=START + i * HOUR,
            duration=HOUR,
            buy_price_per_kwh=b,
            sell_price_per_kwh=s,
            **extra,
        )
        for i, (b, s) in enumerate(zip(buy, sell, strict=True))
    )


def test_zero_length_horizon_gives_an_empty_plan() -> None:
    result = plan(PlanningProblem(slots=(), devices=(leaf(),)))
    assert result.devices[0].setpoint_kw == ()
    assert result.devices[0].soc == (0.5,)
    assert result.feasible
    assert result.totals.net_cost == 0.0


def test_without_devices_the_plan_is_the_baseline() -> None:
    result = plan(
        PlanningProblem(slots=hourly([1.0, 2.0], house_load_kw=1.0), devices=())
    )
    assert result.totals.import_cost == pytest.approx(3.0)
    assert result.totals.savings == pytest.approx(0.0)
    assert result.grid_import_kw == (1.0, 1.0)


def test_flat_prices_leave_the_battery_idle() -> None:
    result = plan(
        PlanningProblem(slots=hourly([1.2] * 24), devices=(leaf(), pack("p")))
    )
    for device in result.devices:
        assert set(device.setpoint_kw) == {0.0}
        assert set(device.reasons) == {Reason.IDLE}
    assert result.totals.net_cost == 0.0


def test_all_negative_prices_fill_the_battery() -> None:
    problem = problem_for("2023-08-08", with_charges=False)
    result = plan(problem)
    soc = result.device("leaf").soc
    assert soc[-1] == pytest.approx(0.9, abs=1e-6)
    cheapest = min(
        range(len(problem.slots)), key=lambda t: problem.slots[t].buy_price_per_kwh
    )
    assert result.device("leaf").setpoint_kw[cheapest] == pytest.approx(7.4)
    assert result.device("leaf").reasons[cheapest] is Reason.CHARGE_NEGATIVE_PRICE
    assert result.objective < 0  # being paid to take energy


def test_unplugged_all_day_does_nothing_and_says_so() -> None:
    car = leaf(availability=())
    result = plan(PlanningProblem(slots=hourly([0.5, 3.0] * 6), devices=(car,)))
    assert set(result.devices[0].setpoint_kw) == {0.0}
    assert set(result.devices[0].reasons) == {Reason.UNAVAILABLE}
    assert set(result.devices[0].soc) == {0.5}


def test_departure_right_now_below_target_is_flagged_and_the_trip_leaves() -> None:
    car = leaf(
        availability=(
            AvailabilityWindow(start=START + 8 * HOUR, end=START + 12 * HOUR),
        ),
        departures=(Departure(time=START, target_soc=0.8, trip_energy_kwh=5.0),),
    )
    result = plan(PlanningProblem(slots=hourly([1.0] * 12), devices=(car,)))
    (problem,) = result.infeasibilities
    assert problem.kind is InfeasibilityKind.DEPARTURE_TARGET
    assert problem.at == START
    assert problem.shortfall == pytest.approx((0.8 - 0.5) * 37)
    assert result.device("leaf").soc[1] == pytest.approx(0.5 - 5 / 37)


def test_unreachable_departure_charges_flat_out_and_reports_the_shortfall() -> None:
    leave = START + 2 * HOUR
    car = leaf(
        initial_soc=0.2,
        availability=(AvailabilityWindow(start=START, end=leave),),
        departures=(Departure(time=leave, target_soc=0.9, trip_energy_kwh=6.0),),
    )
    result = plan(PlanningProblem(slots=hourly([3.0, 3.0, 0.1, 0.1]), devices=(car,)))
    assert not result.feasible
    (problem,) = result.infeasibilities
    assert problem.kind is InfeasibilityKind.DEPARTURE_TARGET
    assert problem.at == leave
    best = 0.2 * 37 + 2 * 7.4 * 0.92
    assert problem.shortfall == pytest.approx(0.9 * 37 - best)
    assert result.device("leaf").setpoint_kw[:2] == pytest.approx((7.4, 7.4))
    assert result.device("leaf").reasons[:2] == (Reason.CHARGE_FOR_DEPARTURE,) * 2
    assert result.device("leaf").soc[2] == pytest.approx(best / 37)


def test_reachable_departure_is_met_and_held() -> None:
    leave = START + 6 * HOUR
    car = leaf(
        availability=(AvailabilityWindow(start=START, end=leave),),
        departures=(Departure(time=leave, target_soc=0.8),),
    )
    prices = [0.5, 0.4, 0.3, 0.45, 0.45, 0.45, 0.1, 0.1]
    result = plan(PlanningProblem(slots=hourly(prices), devices=(car,)))
    assert result.feasible
    device = result.device("leaf")
    assert device.soc[6] == pytest.approx(0.8)
    assert device.setpoint_kw[2] == pytest.approx(7.4)  # the cheapest hour first
    assert device.reasons[1:3] == (Reason.CHARGE_FOR_DEPARTURE,) * 2
    assert device.reasons[3:6] == (Reason.HOLD_FOR_DEPARTURE,) * 3


@pytest.mark.parametrize(("day", "hours"), [("2023-03-26", 23), ("2024-10-27", 25)])
def test_dst_days_plan_every_hour(day: str, hours: int) -> None:
    problem = problem_for(day, devices=3, with_load=True, quarter_hours=True)
    result = plan(problem)
    assert len(result.device("leaf").setpoint_kw) == 4 * hours
    assert len(result.device("leaf").soc) == 4 * hours + 1
    reference = solve_lp(problem).objective
    assert result.relaxed_objective == pytest.approx(reference, rel=1e-3, abs=1e-3)


def test_mixed_quarter_and_hourly_slots_match_the_lp() -> None:
    quarters = problem_for("2024-11-05", quarter_hours=True, with_load=True).slots[:24]
    hours = problem_for("2024-11-05", with_load=True).slots[6:]
    problem = PlanningProblem(slots=quarters + hours, devices=(leaf(), pack("p")))
    result = plan(problem)
    assert result.relaxed_objective == pytest.approx(
        solve_lp(problem).objective, abs=1e-3
    )
    assert result.objective == pytest.approx(
        solve_lp(problem, single_setpoint=True).objective, abs=1e-3
    )


def test_the_fuse_caps_import_and_an_impossible_load_is_flagged() -> None:
    slots = hourly([0.1, 0.1, 3.0, 3.0], house_load_kw=12.0)
    site = Site(import_limit_kw=16.0)
    result = plan(PlanningProblem(slots=slots, devices=(leaf(),), site=site))
    assert max(result.grid_import_kw) <= 16.0 + 1e-6
    assert result.feasible
    overloaded = hourly([1.0, 1.0], house_load_kw=30.0)
    empty = leaf(initial_soc=0.2)
    result = plan(PlanningProblem(slots=overloaded, devices=(empty,), site=site))
    kinds = {p.kind for p in result.infeasibilities}
    assert kinds == {InfeasibilityKind.IMPORT_LIMIT}


def test_no_export_when_export_is_not_allowed() -> None:
    slots = hourly([0.1, 5.0, 5.0, 5.0], house_load_kw=0.5)
    site = Site(export_allowed=False)
    result = plan(PlanningProblem(slots=slots, devices=(leaf(),), site=site))
    assert max(result.grid_export_kw) == 0.0
    assert min(result.device("leaf").setpoint_kw) >= -0.5 - 1e-6
    assert Reason.SERVE_HOME in result.device("leaf").reasons
    assert Reason.EXPORT_PEAK not in result.device("leaf").reasons


def test_surplus_solar_charges_the_battery_and_negative_prices_curtail() -> None:
    sunny = hourly([2.0] * 3, [0.1] * 3, solar_kw=4.0, house_load_kw=1.0)
    evening = hourly([2.0] * 3, [0.1] * 3, house_load_kw=2.0)
    evening = tuple(replace(s, start=s.start + 3 * HOUR) for s in evening)
    result = plan(
        PlanningProblem(slots=sunny + evening, devices=(pack("p", initial_soc=0.05),))
    )
    assert result.devices[0].reasons[:3] == (Reason.CHARGE_SOLAR,) * 3
    assert result.devices[0].reasons[3:] == (Reason.SERVE_HOME,) * 3
    assert max(result.grid_import_kw[:3]) == pytest.approx(0.0, abs=1e-6)
    negative = hourly([0.5, 0.5], [-0.2, -0.2], solar_kw=6.0)
    full = pack("p", initial_soc=1.0)
    result = plan(PlanningProblem(slots=negative, devices=(full,)))
    assert result.grid_export_kw == (0.0, 0.0)


def test_wear_above_the_spread_means_no_export() -> None:
    prices = [0.2, 0.2, 0.6, 0.6]
    worn = leaf(wear_per_kwh=1.0, charge_efficiency=1.0, discharge_efficiency=1.0)
    result = plan(PlanningProblem(slots=hourly(prices), devices=(worn,)))
    assert max(result.grid_export_kw) == 0.0
    cheap = replace(worn, wear_per_kwh=0.0)
    result = plan(PlanningProblem(slots=hourly(prices), devices=(cheap,)))
    assert max(result.grid_export_kw) > 0.0


def test_terminal_value_keeps_energy_for_tomorrow() -> None:
    prices = [0.2, 0.2, 1.0, 1.0]
    devices = (leaf(initial_soc=0.5),)
    keep = TerminalValue(price_per_kwh=5.0)
    dump = TerminalValue(price_per_kwh=0.0)
    kept = plan(
        PlanningProblem(slots=hourly(prices), devices=devices, terminal_value=keep)
    )
    dumped = plan(
        PlanningProblem(slots=hourly(prices), devices=devices, terminal_value=dump)
    )
    assert kept.device("leaf").soc[-1] == pytest.approx(0.9)
    assert dumped.device("leaf").soc[-1] == pytest.approx(0.2)
    assert kept.device("leaf").terminal_value == 5.0


def test_energy_nothing_can_take_is_not_bought_for_later() -> None:
    """No export, no house load, no trip: a cheap hour is no reason to fill the car."""
    prices = [0.05, 1.0, 1.0, 1.0]
    closed = Site(export_allowed=False)
    idle = plan(PlanningProblem(slots=hourly(prices), devices=(leaf(),), site=closed))
    assert idle.device("leaf").terminal_value == 0.0
    assert idle.device("leaf").soc[-1] == pytest.approx(0.5)
    # A house to serve (or export) makes the stored kWh worth something again.
    home = plan(
        PlanningProblem(
            slots=hourly(prices, house_load_kw=0.5), devices=(leaf(),), site=closed
        )
    )
    assert home.device("leaf").terminal_value > 0.0
    assert home.device("leaf").setpoint_kw[0] > 0.0


def test_below_the_floor_the_plan_only_charges_back() -> None:
    low = leaf(initial_soc=0.1)
    result = plan(PlanningProblem(slots=hourly([0.1, 3.0, 3.0, 3.0]), devices=(low,)))
    device = result.device("leaf")
    assert device.reasons[0] is Reason.CHARGE_TO_RESERVE
    assert min(device.soc) >= 0.1 - 1e-9
    assert result.feasible


def test_end_soc_requirement_is_kept() -> None:
    keeper = leaf(end_soc_min=0.5)
    prices = [0.3, 3.0, 3.0, 3.0]
    result = plan(PlanningProblem(slots=hourly(prices), devices=(keeper,)))
    assert result.device("leaf").soc[-1] >= 0.5 - 1e-9
    impossible = leaf(end_soc_min=0.9, max_charge_kw=1.0)
    result = plan(PlanningProblem(slots=hourly(prices), devices=(impossible,)))
    assert [p.kind for p in result.infeasibilities] == [InfeasibilityKind.END_SOC]


def test_a_departure_before_the_horizon_is_ignored() -> None:
    gone = leaf(
        departures=(Departure(time=START - HOUR, target_soc=0.9, trip_energy_kwh=5),)
    )
    hold = TerminalValue(price_per_kwh=0.9)  # neither buying nor selling at 1.0 pays
    problem = PlanningProblem(
        slots=hourly([1.0, 1.0]), devices=(gone,), terminal_value=hold
    )
    result = plan(problem)
    assert result.feasible
    assert result.device("leaf").soc == (0.5, 0.5, 0.5)


def test_a_battery_above_its_window_never_rises_above_where_it_started() -> None:
    full = pack("p", initial_soc=0.8, soc_max=0.5, max_discharge_kw=1.0)
    result = plan(PlanningProblem(slots=hourly([1.0, 0.1, 0.1, 3.0]), devices=(full,)))
    soc = result.devices[0].soc
    assert max(soc) <= 0.8 + 1e-9
    assert result.devices[0].setpoint_kw[3] == pytest.approx(-1.0)
    assert result.feasible
