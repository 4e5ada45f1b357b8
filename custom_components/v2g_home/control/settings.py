"""The site's scheduling settings and departures (pure; the glue stores them)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import tzinfo


@dataclass(frozen=True, kw_only=True)
class SchedulerSettings:
    """What the user set for the site: floors, the daily departure, export limits and wear."""

    enabled: bool = True
    reserve_soc_pct: float = 20.0
    departure_time: time | None = time(7, 0)  # local time, every day; None: no trips
    departure_target_soc_pct: float = 80.0
    max_export_kw: float = 10.0
    export_allowed: bool = True
    wear_per_kwh: float = 0.10

    def changed(self, **changes: Any) -> SchedulerSettings:
        """A copy with the changes applied (unknown names are refused)."""
        known = {field.name for field in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown scheduler settings: {sorted(unknown)}")
        return replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class OneOffDeparture:
    """A departure the user set for one trip (replaces the daily one until it has passed)."""

    when: datetime  # UTC
    target_soc_pct: float


def next_daily_departure(
    settings: SchedulerSettings, now: datetime, zone: tzinfo
) -> datetime | None:
    """The next occurrence of the daily departure time in the home's time zone, in `now`'s zone."""
    if settings.departure_time is None:
        return None
    local_now = now.astimezone(zone)
    candidate = datetime.combine(local_now.date(), settings.departure_time, zone)
    if candidate <= local_now:
        candidate = datetime.combine(
            local_now.date() + timedelta(days=1), settings.departure_time, zone
        )
    return candidate.astimezone(now.tzinfo)


def next_departure(
    settings: SchedulerSettings,
    one_offs: Mapping[str | None, OneOffDeparture],
    device_id: str,
    now: datetime,
    zone: tzinfo,
) -> tuple[datetime, float] | None:
    """A car's next departure and target SoC (%): its one-off trip, every car's, else the daily one."""
    for key in (device_id, None):
        one_off = one_offs.get(key)
        if one_off is not None and one_off.when > now:
            return one_off.when, one_off.target_soc_pct
    daily = next_daily_departure(settings, now, zone)
    if daily is None:
        return None
    return daily, settings.departure_target_soc_pct
