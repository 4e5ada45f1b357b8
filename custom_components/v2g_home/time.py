"""The daily departure time of the site's cars."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory

from .scheduling.entities import SchedulerEntity

if TYPE_CHECKING:
    from datetime import time

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 1

DEPARTURE_TIME = TimeEntityDescription(
    key="departure_time",
    translation_key="departure_time",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the departure time to the site."""
    async_add_entities(
        [DepartureTime(entry.runtime_data.scheduler, entry, DEPARTURE_TIME)]
    )


class DepartureTime(SchedulerEntity, TimeEntity):
    """When the car leaves every day (local time); the plan reaches the target SoC by then."""

    @property
    def native_value(self) -> time | None:
        """The daily departure time."""
        return self.scheduler.settings.departure_time

    async def async_set_value(self, value: time) -> None:
        """Store the time and plan again."""
        await self.scheduler.async_update_settings(departure_time=value)
