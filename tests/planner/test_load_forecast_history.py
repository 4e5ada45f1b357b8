"""Hourly house load from raw power and energy readings (sensors without long-term statistics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math

import pytest

from custom_components.v2g_home.planner.load_history import (
    hourly_from_energy,
    hourly_from_power,
)

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def test_power_readings_are_weighted_by_how_long_they_held() -> None:
    """1 kW for 45 minutes then 3 kW for 15 minutes is 1.5 kW; an unreadable value ends a reading."""
    readings = [
        (T0 + 45 * MINUTE, 3.0),
        (T0, 1.0),
        (T0 + 90 * MINUTE, math.nan),  # unavailable 11:30-11:45
        (T0 + 105 * MINUTE, 1.0),
    ]
    samples = hourly_from_power(readings, T0 + 2 * HOUR)
    assert [(s.start, s.power_kw) for s in samples] == [
        (T0, pytest.approx(1.5)),
        (T0 + HOUR, pytest.approx((30 * 3.0 + 15 * 1.0) / 45)),
    ]


def test_power_only_counts_the_covered_part_of_an_hour_and_stops_at_the_end() -> None:
    """A sensor that appeared at 10:30 gives its own value for that hour; nothing after `end`."""
    readings = [(T0 + 30 * MINUTE, 2.0), (T0 + 150 * MINUTE, 5.0)]
    samples = hourly_from_power(readings, T0 + 2 * HOUR)
    assert [(s.start, s.power_kw) for s in samples] == [(T0, 2.0), (T0 + HOUR, 2.0)]
    assert hourly_from_power([], T0) == []


def test_energy_meter_hours_are_differences_at_the_hour_ends() -> None:
    """A meter read every 20 minutes; the hour with a reset is left out; unfinished hours too."""
    values = [100.0, 100.4, 100.9, 101.2, 101.5, 101.9, 0.3, 0.8, 1.1, 1.6]
    readings = [(T0 + 20 * MINUTE * index, value) for index, value in enumerate(values)]
    samples = hourly_from_energy(readings, T0 + 3 * HOUR + 10 * MINUTE)
    assert [(s.start, s.power_kw) for s in samples] == [
        (T0, pytest.approx(1.2)),
        # 11:00-12:00 has the reset (101.2 -> 0.3)
        (T0 + 2 * HOUR, pytest.approx(1.3)),
    ]


def test_energy_needs_a_reading_before_the_hour() -> None:
    """The first hour started before the first reading cannot be measured; a value holds until it changes."""
    readings = [
        (T0 + 5 * MINUTE, 10.0),
        (T0 + 65 * MINUTE, 11.0),
        (T0 + 125 * MINUTE, 12.5),
    ]
    samples = hourly_from_energy(readings, T0 + 3 * HOUR)
    assert [(s.start, s.power_kw) for s in samples] == [
        (T0 + HOUR, pytest.approx(1.0)),
        (T0 + 2 * HOUR, pytest.approx(1.5)),
    ]
    assert hourly_from_energy([], T0 + HOUR) == []
