"""Site switches: scheduling enabled, and whether export to the grid is allowed at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory

from .scheduling.entities import SchedulerEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class SettingSwitchDescription(SwitchEntityDescription):
    """A yes/no setting of the scheduler."""

    setting: str


SETTING_SWITCHES: tuple[SettingSwitchDescription, ...] = (
    SettingSwitchDescription(
        key="scheduling_enabled",
        translation_key="scheduling_enabled",
        setting="enabled",
    ),
    SettingSwitchDescription(
        key="export_allowed",
        translation_key="export_allowed",
        entity_category=EntityCategory.CONFIG,
        setting="export_allowed",
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the site's scheduler switches."""
    scheduler = entry.runtime_data.scheduler
    async_add_entities(
        SettingSwitch(scheduler, entry, description) for description in SETTING_SWITCHES
    )


class SettingSwitch(SchedulerEntity, SwitchEntity):
    """Turning it stores the setting and plans again."""

    entity_description: SettingSwitchDescription

    @property
    def is_on(self) -> bool:
        """The current setting."""
        return bool(getattr(self.scheduler.settings, self.entity_description.setting))

    async def async_turn_on(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Enable."""
        await self.scheduler.async_update_settings(
            **{self.entity_description.setting: True}
        )

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Disable."""
        await self.scheduler.async_update_settings(
            **{self.entity_description.setting: False}
        )
