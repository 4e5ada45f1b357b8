"""The learned terminal value: expected prices from history, and plans that look ahead over them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import math

import pytest

from custom_components.v2g_home.planner.expected import expected_prices
from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Slot,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan

from .scenarios import leaf

START = datetime(2024, 3, 4, 23, tzinfo=UTC)  # Tuesday 00:00 Danish time (winter)
HOUR = timedelta(hours=1)


def hourly(
    prices: list[float], first: datetime = START, **extra: float
) -> tuple[Slot, ...]:
    """Hourly slots from `first`, buy = sell."""
    return tuple(
        Slot(
            start=first + i * HOUR,
            duration=HOUR,
            buy_price_per_kwh=p,
            sell_price_per_kwh=p,
            **extra,
        )
        for i, p in enumerate(prices)
    )


def test_expected_prices_blend_the_recent_shape_and_the_latest_day() -> None:
    # Ten days: hour h costs h/10 each day, and the latest day costs one more.
    history = [
        (START + (24 * day + h) * HOUR, h / 10 + (1.0 if day == 9 else 0.0))
        for day in range(10)
        for h in range(24)
    ]
    after = [START + (240 + h) * HOUR for h in range(24)]
    expected = expected_prices(history, after)
    # median of ten days (h/10), latest day (h/10 + 1), half and half
    assert expected == pytest.approx([h / 10 + 0.5 for h in range(24)])
    latest_only = expected_prices(history, after, latest_weight=1.0)
    assert latest_only == pytest.approx([h / 10 + 1.0 for h in range(24)])


def test_expected_prices_use_only_the_last_days_and_fall_back_per_hour() -> None:
    old = [(START + h * HOUR, 100.0) for h in range(24)]
    recent = [(START + (24 * 30 + h) * HOUR, 1.0) for h in range(12)]  # half a day
    after = [START + (24 * 31 + h) * HOUR for h in range(24)]
    expected = expected_prices(old + recent, after, days=14)
    assert expected == pytest.approx(
        [1.0] * 24
    )  # the 100s are too old, missing hours take 1.0
    assert expected_prices([], after) == []


def test_a_dear_expected_tomorrow_keeps_the_energy_a_cheap_one_sells_it() -> None:
    today = hourly([0.5] * 20 + [1.0] * 4)
    tomorrow = START + 24 * HOUR
    car = leaf(wear_per_kwh=0.0, initial_soc=0.9)
    dear = TerminalValue(lookahead=hourly([3.0] * 24, tomorrow), price_per_kwh=0.0)
    cheap = TerminalValue(lookahead=hourly([0.1] * 24, tomorrow), price_per_kwh=0.0)
    kept = plan(PlanningProblem(slots=today, devices=(car,), terminal_value=dear))
    sold = plan(PlanningProblem(slots=today, devices=(car,), terminal_value=cheap))
    assert (
        len(kept.device("leaf").setpoint_kw) == 24
    )  # the lookahead is not part of the plan
    assert len(kept.device("leaf").soc) == 25
    assert kept.device("leaf").soc[-1] == pytest.approx(0.9, abs=1e-6)
    assert sold.device("leaf").soc[-1] == pytest.approx(0.2, abs=1e-6)
    assert kept.totals.export_revenue == pytest.approx(0.0, abs=1e-6)
    assert sold.totals.export_revenue > 0
    assert kept.feasible
    assert sold.feasible


def test_a_departure_in_the_lookahead_is_prepared_for_in_the_cheap_known_hours() -> (
    None
):
    today = hourly([0.1] * 6 + [2.0] * 18)
    tomorrow = START + 24 * HOUR
    leave = tomorrow + 7 * HOUR
    car = leaf(
        wear_per_kwh=0.0,
        initial_soc=0.2,
        availability=(AvailabilityWindow(start=START, end=leave),),
        departures=(Departure(time=leave, target_soc=0.8, trip_energy_kwh=8.0),),
    )
    ahead = hourly([3.0] * 24, tomorrow)
    result = plan(
        PlanningProblem(
            slots=today, devices=(car,), terminal_value=TerminalValue(lookahead=ahead)
        )
    )
    own = result.device("leaf")
    assert own.soc[6] >= 0.8 - 1e-6  # charged in the cheap hours it knows about
    assert (
        result.feasible
    )  # the departure lies beyond the horizon: nothing is missed in it
    without = plan(PlanningProblem(slots=today, devices=(car,)))
    # Without the lookahead the planner has to be ready by the horizon's end, at any price.
    assert without.device("leaf").soc[-1] >= 0.8 - 1e-6


def test_the_lookahead_must_follow_the_horizon_and_be_finite() -> None:
    today = hourly([1.0] * 4)
    with pytest.raises(ValueError, match="lookahead"):
        PlanningProblem(
            slots=today,
            devices=(leaf(),),
            terminal_value=TerminalValue(lookahead=hourly([1.0] * 2, START + HOUR)),
        )
    with pytest.raises(ValueError, match="overlaps"):
        TerminalValue(lookahead=(today[1], today[0]))
    with pytest.raises(ValueError, match="buy_price_per_kwh"):
        replace(today[0], buy_price_per_kwh=math.nan)


def test_an_empty_horizon_ignores_the_lookahead() -> None:
    ahead = TerminalValue(lookahead=hourly([1.0] * 3))
    result = plan(PlanningProblem(slots=(), devices=(leaf(),), terminal_value=ahead))
    assert result.device("leaf").setpoint_kw == ()
