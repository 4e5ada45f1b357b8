"""When to fetch prices again: after publication (~13:00 Danish time), with backoff after failures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .models import PriceSeries

DANISH_TIME: Final = ZoneInfo("Europe/Copenhagen")
PUBLISHED_AT: Final = time(13, 0)
WAIT_FOR_PUBLICATION: Final = timedelta(minutes=10)
FIRST_BACKOFF: Final = timedelta(minutes=1)
MAX_BACKOFF: Final = timedelta(minutes=30)


def danish_day(now: datetime, days_ahead: int = 0) -> date:
    """Return the Danish calendar date of an instant, shifted by whole days."""
    return now.astimezone(DANISH_TIME).date() + timedelta(days=days_ahead)


def danish_midnight(day: date) -> datetime:
    """Return the instant a Danish day starts (aware, in Danish time)."""
    return datetime.combine(day, time(0), tzinfo=DANISH_TIME)


def covers_day(series_end: datetime | None, day: date) -> bool:
    """Tell whether prices known until series_end reach the end of the Danish day."""
    return series_end is not None and series_end >= danish_midnight(
        day + timedelta(days=1)
    )


def known_until(series: PriceSeries) -> datetime | None:
    """Return the end of the last slot of a series."""
    return series.slots[-1].end if series.slots else None


def next_fetch_after_success(now: datetime, *, tomorrow_known: bool) -> datetime:
    """Tomorrow known: fetch at the next publication; else at publication, or every few minutes after it."""
    local = now.astimezone(DANISH_TIME)
    publication_today = datetime.combine(local.date(), PUBLISHED_AT, tzinfo=DANISH_TIME)
    if tomorrow_known:
        return datetime.combine(
            local.date() + timedelta(days=1), PUBLISHED_AT, tzinfo=DANISH_TIME
        )
    if local < publication_today:
        return publication_today
    return now + WAIT_FOR_PUBLICATION


def next_fetch_after_failure(
    now: datetime, *, failures: int, retry_after_s: float = 0.0
) -> datetime:
    """Back off 1, 2, 4 ... 30 minutes, and never earlier than the service's Retry-After."""
    backoff = min(FIRST_BACKOFF * (1 << min(max(failures - 1, 0), 10)), MAX_BACKOFF)
    return now + max(backoff, timedelta(seconds=retry_after_s))
