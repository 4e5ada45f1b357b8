"""Site settings and departures: the next daily departure in local time (DST included), one-off trips."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.v2g_home.control.settings import (
    OneOffDeparture,
    SchedulerSettings,
    next_daily_departure,
    next_departure,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def test_a_typo_in_a_setting_name_is_refused() -> None:
    """Unknown names raise rather than being ignored."""
    with pytest.raises(TypeError, match="reserve"):
        SchedulerSettings().changed(reserve=5)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # before 07:00 local: today; after: tomorrow
        (
            datetime(2026, 1, 15, 5, 0, tzinfo=UTC),
            datetime(2026, 1, 15, 6, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 1, 15, 6, 0, tzinfo=UTC),
            datetime(2026, 1, 16, 6, 0, tzinfo=UTC),
        ),
        # spring forward (29 March): 07:00 is already summer time, UTC+2
        (
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 5, 0, tzinfo=UTC),
        ),
        # fall back (25 October): 07:00 is winter time again, UTC+1
        (
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 6, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_daily_departure_is_the_next_07_local(
    now: datetime, expected: datetime
) -> None:
    """The departure time is local wall-clock time on every day, DST days included."""
    departure = next_daily_departure(SchedulerSettings(), now, COPENHAGEN)
    assert departure == expected
    assert departure is not None
    assert departure.astimezone(COPENHAGEN).time() == time(7, 0)


def test_no_daily_departure_without_a_time() -> None:
    """A home without trips has no departure."""
    now = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)
    settings = SchedulerSettings(departure_time=None)
    assert next_daily_departure(settings, now, COPENHAGEN) is None
    assert next_departure(settings, {}, "car", now, COPENHAGEN) is None


def test_a_one_off_trip_comes_before_the_daily_one() -> None:
    """The car's own trip first, then one for every car, then the daily departure."""
    now = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)
    mine = OneOffDeparture(when=now + timedelta(hours=3), target_soc_pct=95.0)
    every = OneOffDeparture(when=now + timedelta(hours=2), target_soc_pct=60.0)
    settings = SchedulerSettings()
    assert next_departure(
        settings, {"car": mine, None: every}, "car", now, COPENHAGEN
    ) == (
        mine.when,
        95.0,
    )
    assert next_departure(settings, {None: every}, "car", now, COPENHAGEN) == (
        every.when,
        60.0,
    )


def test_a_past_one_off_trip_gives_way_to_the_daily_one() -> None:
    """Once its time has passed, a one-off trip no longer counts."""
    now = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)
    past = OneOffDeparture(when=now - timedelta(minutes=1), target_soc_pct=95.0)
    assert next_departure(
        SchedulerSettings(), {"car": past}, "car", now, COPENHAGEN
    ) == (
        datetime(2026, 1, 15, 6, 0, tzinfo=UTC),
        80.0,
    )
