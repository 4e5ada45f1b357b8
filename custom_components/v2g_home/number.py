"""The charge and discharge power the control mode uses (1.38-7.4 kW on a Quasar 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import EntityCategory, UnitOfPower

from .const import CHARGER_MAX_POWER_KW, CHARGER_MIN_POWER_KW
from .coordinators.charger import ChargerCoordinator, ControlSettings
from .coordinators.entity import V2GEntity
from .scheduling.entities import async_add_setting_numbers

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PowerNumberDescription(NumberEntityDescription):
    """A power magnitude the charge or discharge mode runs at."""

    charging: bool


POWER_NUMBERS: tuple[PowerNumberDescription, ...] = tuple(
    PowerNumberDescription(
        key=key,
        translation_key=key,
        device_class=NumberDeviceClass.POWER,
        entity_category=EntityCategory.CONFIG,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        native_min_value=CHARGER_MIN_POWER_KW,
        native_max_value=CHARGER_MAX_POWER_KW,
        native_step=0.01,
        mode=NumberMode.BOX,
        charging=charging,
    )
    for key, charging in (("charge_power", True), ("discharge_power", False))
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charge and discharge power per charger."""
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        if isinstance(coordinator, ChargerCoordinator):
            async_add_entities(
                (
                    ChargerPowerNumber(coordinator, description)
                    for description in POWER_NUMBERS
                ),
                config_subentry_id=subentry_id,
            )
    async_add_setting_numbers(entry, entry.runtime_data.scheduler, async_add_entities)


class ChargerPowerNumber(V2GEntity[ChargerCoordinator], RestoreNumber):
    """Changing it while its mode runs re-commands the charger at once."""

    entity_description: PowerNumberDescription

    async def async_added_to_hass(self) -> None:
        """Resume the power chosen before a restart."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if last is None or last.native_value is None:
            return
        value = min(max(last.native_value, CHARGER_MIN_POWER_KW), CHARGER_MAX_POWER_KW)
        if self.entity_description.charging:
            self.coordinator.restore_control(charge_power_kw=value)
        else:
            self.coordinator.restore_control(discharge_power_kw=value)

    @property
    def native_value(self) -> float:
        """The power (kW) this mode uses."""
        return _power_of(
            self.coordinator.control, charging=self.entity_description.charging
        )

    async def async_set_native_value(self, value: float) -> None:
        """Store the power; the charger follows if it is running in this direction."""
        if self.entity_description.charging:
            await self.coordinator.async_set_control(charge_power_kw=value)
        else:
            await self.coordinator.async_set_control(discharge_power_kw=value)


def _power_of(control: ControlSettings, *, charging: bool) -> float:
    return control.charge_power_kw if charging else control.discharge_power_kw
