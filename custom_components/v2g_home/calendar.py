"""The site's plan as a calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .scheduling.plan_calendar import PLAN_CALENDAR, PlanCalendar

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the plan calendar to the site."""
    async_add_entities(
        [PlanCalendar(entry.runtime_data.scheduler, entry, PLAN_CALENDAR)]
    )
