"""Each device's control mode: auto (follow the plan), off, charge, discharge or hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.helpers.restore_state import RestoreEntity

from .control.modes import ControlMode
from .coordinators.charger import ChargerCoordinator
from .coordinators.entity import V2GEntity
from .coordinators.pack import PackCoordinator

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 1

CONTROL_MODE = SelectEntityDescription(
    key="control_mode",
    translation_key="control_mode",
    options=[mode.value for mode in ControlMode],
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a control mode select per charger and per pack."""
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        if isinstance(coordinator, ChargerCoordinator):
            async_add_entities(
                [ControlModeSelect(coordinator, CONTROL_MODE)],
                config_subentry_id=subentry_id,
            )
        elif isinstance(coordinator, PackCoordinator):
            async_add_entities(
                [PackModeSelect(coordinator, CONTROL_MODE)],
                config_subentry_id=subentry_id,
            )


class ControlModeSelect(V2GEntity[ChargerCoordinator], SelectEntity, RestoreEntity):
    """Commands the charger: charge or discharge at the set power, hold idle, or hand it back."""

    async def async_added_to_hass(self) -> None:
        """Resume the mode chosen before a restart (the next poll commands the charger)."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None and last.state in self.options:
            self.coordinator.restore_control(mode=ControlMode(last.state))

    @property
    def current_option(self) -> str:
        """The mode in force."""
        return self.coordinator.control.mode.value

    async def async_select_option(self, option: str) -> None:
        """Command the charger to the chosen mode."""
        await self.coordinator.async_set_control(mode=ControlMode(option))


class PackModeSelect(V2GEntity[PackCoordinator], SelectEntity, RestoreEntity):
    """Commands a pack: follow the plan, charge or discharge at its rated power, hold, or hand it back."""

    async def async_added_to_hass(self) -> None:
        """Resume the mode chosen before a restart (the next poll commands the pack)."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None and last.state in self.options:
            self.coordinator.restore_mode(ControlMode(last.state))

    @property
    def current_option(self) -> str:
        """The mode in force."""
        return self.coordinator.mode.value

    async def async_select_option(self, option: str) -> None:
        """Command the pack to the chosen mode."""
        await self.coordinator.async_set_mode(ControlMode(option))
