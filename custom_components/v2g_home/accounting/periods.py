"""The ledger's periods: lifetime, today and this month, rolling over at Danish midnight."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from homeassistant.util import dt as dt_util

type Period = Literal["lifetime", "today", "month"]

DANISH_TIME = dt_util.get_time_zone("Europe/Copenhagen")


def danish_date(when: datetime) -> date:
    """The Danish calendar day of an instant (days and months roll over at Danish midnight)."""
    return when.astimezone(DANISH_TIME).date()


def danish_midnight(day: date) -> datetime:
    """The instant (UTC) a Danish day begins."""
    return datetime.combine(day, datetime.min.time(), DANISH_TIME).astimezone(
        dt_util.UTC
    )


def period_start(day: date, period: Period) -> datetime | None:
    """When today or this month began (UTC); None for lifetime."""
    if period == "lifetime":
        return None
    return danish_midnight(day if period == "today" else day.replace(day=1))
