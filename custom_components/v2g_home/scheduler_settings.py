"""The scheduler's site settings, stored across restarts, and one-off departures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

STORAGE_VERSION = 1


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


def next_daily_departure(settings: SchedulerSettings, now: datetime) -> datetime | None:
    """The next occurrence of the daily departure time in Home Assistant's time zone, as UTC."""
    if settings.departure_time is None:
        return None
    local_now = dt_util.as_local(now)
    candidate = datetime.combine(
        local_now.date(), settings.departure_time, tzinfo=local_now.tzinfo
    )
    if candidate <= local_now:
        candidate = datetime.combine(
            local_now.date() + timedelta(days=1),
            settings.departure_time,
            tzinfo=local_now.tzinfo,
        )
    return dt_util.as_utc(candidate)


def next_departure(
    settings: SchedulerSettings,
    one_offs: Mapping[str | None, OneOffDeparture],
    device_id: str,
    now: datetime,
) -> tuple[datetime, float] | None:
    """A car's next departure and target SoC (%): its one-off trip, every car's, else the daily one."""
    for key in (device_id, None):
        one_off = one_offs.get(key)
        if one_off is not None and one_off.when > now:
            return one_off.when, one_off.target_soc_pct
    daily = next_daily_departure(settings, now)
    if daily is None:
        return None
    return daily, settings.departure_target_soc_pct


def _to_json(settings: SchedulerSettings) -> dict[str, Any]:
    data = asdict(settings)
    departure = settings.departure_time
    data["departure_time"] = None if departure is None else departure.isoformat()
    return data


def _from_json(data: dict[str, Any]) -> SchedulerSettings:
    defaults = SchedulerSettings()
    values: dict[str, Any] = {}
    for field in fields(SchedulerSettings):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name == "departure_time":
            values[field.name] = None if value is None else time.fromisoformat(value)
        elif isinstance(getattr(defaults, field.name), bool):
            values[field.name] = bool(value)
        else:
            values[field.name] = float(value)
    return defaults.changed(**values)


def settings_store_key(entry_id: str) -> str:
    """The .storage key of a site's scheduler settings."""
    return f"{DOMAIN}.scheduler.{entry_id}"


class SettingsStore:
    """Keeps the settings in .storage so a restart resumes them exactly."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One store per site."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, settings_store_key(entry_id)
        )

    async def async_load(self) -> SchedulerSettings:
        """The stored settings, or the defaults when none (or unreadable ones) are stored."""
        data = await self._store.async_load()
        if not data:
            return SchedulerSettings()
        try:
            return _from_json(data)
        except (TypeError, ValueError):
            return SchedulerSettings()

    async def async_save(self, settings: SchedulerSettings) -> None:
        """Write the settings (changes are rare, so each one is written at once)."""
        await self._store.async_save(_to_json(settings))
