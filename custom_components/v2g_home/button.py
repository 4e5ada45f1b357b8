"""The site's "plan again now" button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .scheduling.entities import SchedulerEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 1

# The plan is made again at every quarter hour and on every change it depends on: a button for the curious.
REPLAN = ButtonEntityDescription(
    key="replan",
    translation_key="replan",
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the re-plan button to the site."""
    async_add_entities([ReplanButton(entry.runtime_data.scheduler, entry, REPLAN)])


class ReplanButton(SchedulerEntity, ButtonEntity):
    """Plans again with the latest prices and readings."""

    async def async_press(self) -> None:
        """Plan now."""
        await self.scheduler.async_request_replan("button")
