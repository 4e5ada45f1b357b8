"""House load forecast: weekly rhythm blended with the recent level, fallbacks, Danish time across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.planner.load_forecast import (
    DANISH_TIME,
    LoadForecaster,
    LoadSample,
    forecast_load_kw,
)

if TYPE_CHECKING:
    from collections.abc import Callable

HOUR = timedelta(hours=1)


def recorded(
    first_local: datetime, days: int, power_kw: Callable[[datetime], float]
) -> list[LoadSample]:
    """Hourly samples from local midnight `first_local` for `days` local days; power_kw sees local time."""
    start = first_local.replace(tzinfo=DANISH_TIME).astimezone(UTC)
    end = (
        (first_local + timedelta(days=days)).replace(tzinfo=DANISH_TIME).astimezone(UTC)
    )
    samples = []
    moment = start
    while moment < end:
        samples.append(
            LoadSample(start=moment, power_kw=power_kw(moment.astimezone(DANISH_TIME)))
        )
        moment += HOUR
    return samples


def local(year: int, month: int, day: int, hour: int) -> datetime:
    """A Danish wall-clock time as UTC."""
    return datetime(year, month, day, hour, tzinfo=DANISH_TIME).astimezone(UTC)


def evening_peak(moment: datetime) -> float:
    """3 kW at 18:00 on weekdays, 1 kW at 18:00 at weekends, 0.5 kW otherwise."""
    if moment.hour != 18:
        return 0.5
    return 1.0 if moment.weekday() >= 5 else 3.0


def test_weekday_rhythm_is_blended_with_the_last_week() -> None:
    """Saturday evening: its own weeks say 1 kW, the last seven evenings say 3 kW (median)."""
    history = recorded(datetime(2026, 1, 5), 35, evening_peak)  # Mon 5 Jan .. Sun 8 Feb
    saturday, monday = local(2026, 2, 14, 18), local(2026, 2, 9, 18)
    assert forecast_load_kw(history, [saturday, monday]) == pytest.approx([2.0, 3.0])
    assert forecast_load_kw(history, [local(2026, 2, 14, 3)]) == [0.5]


def test_only_the_most_recent_weeks_count() -> None:
    """Three cold Mondays in early January: outvoted within four weeks, not within eight."""

    def cold_then_mild(moment: datetime) -> float:
        return 9.0 if moment.date() < datetime(2026, 1, 26).date() else 1.0

    history = recorded(datetime(2026, 1, 1), 45, cold_then_mild)  # to Sat 14 Feb
    monday = local(2026, 2, 16, 12)
    assert forecast_load_kw(history, [monday]) == [1.0]
    assert forecast_load_kw(history, [monday], weeks=8) == [(5.0 + 1.0) / 2]


def test_short_history_uses_the_same_hour_of_recent_days() -> None:
    """Three days of history: no weekday match yet, so the same hour of those days."""
    history = recorded(datetime(2026, 3, 2), 3, lambda m: 2.0 + m.day - 2 + m.hour / 10)
    slot = local(2026, 3, 6, 7)
    assert forecast_load_kw(history, [slot]) == [pytest.approx(3.0 + 0.7)]


def test_one_matching_week_is_not_enough_for_the_weekday_rhythm() -> None:
    """Eight days: the slot's weekday appears once, so recent days decide alone."""
    history = recorded(datetime(2026, 1, 5), 8, evening_peak)  # Mon 5 .. Mon 12 Jan
    saturday = local(2026, 1, 17, 18)
    assert forecast_load_kw(history, [saturday]) == [3.0]
    assert forecast_load_kw(history, [saturday], min_weekday_matches=1) == [2.0]


def test_history_from_the_slots_own_day_only_gives_the_mean() -> None:
    """Installed this morning: every slot gets the mean of the hours seen so far."""
    history = [
        LoadSample(start=local(2026, 5, 4, hour), power_kw=kw)
        for hour, kw in ((6, 1.0), (7, 2.0), (8, 6.0))
    ]
    slots = [local(2026, 5, 4, 18), local(2026, 5, 5, 6)]
    assert forecast_load_kw(history, slots) == [3.0, 1.0]


def test_no_history_forecasts_nothing() -> None:
    """Without any history the house is assumed to draw nothing."""
    assert forecast_load_kw([], [local(2026, 5, 4, 18)]) == [0.0]
    assert forecast_load_kw([], []) == []


def test_spring_forward_keeps_the_evening_peak_at_local_time() -> None:
    """After 29 March 2026 the 18:00 peak is at 16:00 UTC instead of 17:00 UTC."""
    history = recorded(datetime(2026, 3, 2), 28, evening_peak)  # to Sun 29 Mar (23 h)
    monday_peak = datetime(2026, 3, 30, 16, tzinfo=UTC)
    forecast = forecast_load_kw(history, [monday_peak, monday_peak + HOUR])
    assert forecast == [3.0, 0.5]


def test_fall_back_hours_share_one_local_hour() -> None:
    """25 October 2026 has two 02:00 hours: history averages them, and both slots get the value."""
    history = recorded(
        datetime(2026, 10, 4), 21, lambda m: m.hour / 10
    )  # to Sat 24 Oct
    first, second = (datetime(2026, 10, 25, h, tzinfo=UTC) for h in (0, 1))
    assert forecast_load_kw(history, [first, second, second + HOUR]) == [0.2, 0.2, 0.3]
    history += [
        LoadSample(start=first, power_kw=1.0),
        LoadSample(start=second, power_kw=3.0),
    ]
    forecaster = LoadForecaster(history, min_weekday_matches=99, recent_days=1)
    assert forecaster.power_kw(datetime(2026, 10, 26, 1, tzinfo=UTC)) == 2.0


def test_quarter_hour_samples_and_slots() -> None:
    """Finer samples count once per hour; a quarter-hour slot gets its hour's value."""
    quarter = timedelta(minutes=15)
    history = [
        LoadSample(start=local(2026, 6, day, 9) + quarter * q, power_kw=float(q))
        for day in (1, 2, 3)
        for q in range(4)
    ]
    slot = local(2026, 6, 4, 9) + 2 * quarter
    assert forecast_load_kw(history, [slot]) == [1.5]


def test_broken_readings_are_ignored_and_the_forecast_is_never_negative() -> None:
    """NaN and infinite samples are dropped; a meter below zero gives 0, not export."""
    history = [
        LoadSample(start=local(2026, 6, 1, 9), power_kw=-0.3),
        LoadSample(start=local(2026, 6, 2, 9), power_kw=math.nan),
        LoadSample(start=local(2026, 6, 2, 10), power_kw=math.inf),
    ]
    assert forecast_load_kw(history, [local(2026, 6, 3, 9), local(2026, 6, 3, 10)]) == [
        0.0,
        0.0,
    ]
