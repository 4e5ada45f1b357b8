"""The scheduler's site settings, stored across restarts."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import time
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from ..control.settings import SchedulerSettings

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

STORAGE_VERSION = 1


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
