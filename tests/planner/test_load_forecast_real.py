"""The house load forecast on eight weeks of a real household's load, against naive forecasts."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custom_components.v2g_home.planner.load_forecast import DANISH_TIME, LoadSample
from custom_components.v2g_home.planner.load_forecast_eval import (
    day_ahead_errors,
    lagged,
)

# Open Power System Data household_data, CC BY 4.0 (tests/fixtures/load/README.md).
FIXTURE = (
    Path(__file__).parent.parent
    / "fixtures"
    / "load"
    / "konstanz_residential4_2016-02-22_2016-04-17_hourly.csv"
)
HOUR = timedelta(hours=1)


def real_load() -> list[LoadSample]:
    """The fixture's recorded hours (the two empty hours are left out)."""
    with FIXTURE.open(encoding="utf-8") as file:
        return [
            LoadSample(
                start=datetime.fromisoformat(row["utc_timestamp"]).astimezone(UTC),
                power_kw=float(row["household_load_kwh"]),
            )
            for row in csv.DictReader(file)
            if row["household_load_kwh"]
        ]


def test_beats_naive_forecasts_hour_by_hour_on_real_load() -> None:
    """Four weeks forecast day-ahead: smaller hourly error than yesterday's or last week's load."""
    errors = day_ahead_errors(real_load())
    ours = errors["ours (weekday + recent)"]
    assert ours.days == 28
    assert ours.hourly_mae_kw < errors["same hour yesterday"].hourly_mae_kw
    assert ours.hourly_mae_kw < errors["same hour last week"].hourly_mae_kw
    assert ours.hourly_mae_kw < errors["same weekday only"].hourly_mae_kw
    # The household averages about 0.8 kW here; an error near that would mean no skill at all.
    assert ours.hourly_mae_kw < 0.45


def test_the_naive_forecast_falls_back_to_the_mean() -> None:
    """An hour missing a day earlier gets the history's mean; no history at all gives 0."""
    start = datetime(2026, 1, 5, tzinfo=UTC)
    history = [
        LoadSample(start=start, power_kw=1.0),
        LoadSample(start=start + HOUR, power_kw=3.0),
    ]
    yesterday = lagged(timedelta(days=1))
    tomorrow = start + timedelta(days=1)
    assert yesterday(history, [tomorrow, tomorrow + 2 * HOUR]) == [1.0, 2.0]
    assert yesterday([], [tomorrow]) == [0.0]


def test_days_without_any_recorded_hour_are_skipped() -> None:
    """A meter that was offline for a whole day does not count as a perfect or a failed forecast."""
    first = datetime(2026, 1, 5, tzinfo=DANISH_TIME).astimezone(UTC)
    samples = [
        LoadSample(start=first + index * HOUR, power_kw=1.0)
        for index in range(24 * 31)
        if not 29 * 24 <= index < 30 * 24  # 3 February is missing
    ]
    errors = day_ahead_errors(
        samples, {"flat": lambda _history, slots: [1.0] * len(slots)}
    )
    assert errors["flat"].days == 2
    assert errors["flat"].hourly_mae_kw == pytest.approx(0.0)
