"""The site's scheduler entities: their base, and the settings numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower

from ..control.settings import SchedulerSettings
from ..coordinators.entity import SiteEntity

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity import EntityDescription
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .scheduler import Scheduler


class SchedulerEntity(SiteEntity):
    """An entity of the site that shows or sets something of its scheduler (follows its changes)."""

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: EntityDescription,
    ) -> None:
        """Attach to the site device."""
        super().__init__(scheduler, entry, description)
        self.scheduler = scheduler


@dataclass(frozen=True, kw_only=True)
class SettingNumberDescription(NumberEntityDescription):
    """A number setting of the scheduler, read from and written to its settings."""

    setting: str
    value_fn: Callable[[SchedulerSettings], float]


def _percent(key: str, setting: str) -> SettingNumberDescription:
    return SettingNumberDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.BOX,
        setting=setting,
        value_fn=lambda settings: float(getattr(settings, setting)),
    )


SETTING_NUMBERS: tuple[SettingNumberDescription, ...] = (
    _percent("reserve_soc", "reserve_soc_pct"),
    _percent("departure_target_soc", "departure_target_soc_pct"),
    # Set once for the connection and the battery, and rarely after: disabled until a user enables them.
    SettingNumberDescription(
        key="max_export_power",
        translation_key="max_export_power",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        device_class=None,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        native_min_value=0,
        native_max_value=50,
        native_step=0.1,
        mode=NumberMode.BOX,
        setting="max_export_kw",
        value_fn=lambda settings: settings.max_export_kw,
    ),
    SettingNumberDescription(
        key="wear_cost",
        translation_key="wear_cost",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        native_min_value=0,
        native_max_value=5,
        native_step=0.01,
        mode=NumberMode.BOX,
        setting="wear_per_kwh",
        value_fn=lambda settings: settings.wear_per_kwh,
    ),
)


class SettingNumber(SchedulerEntity, NumberEntity):
    """A scheduler setting; changing it stores it and plans again."""

    entity_description: SettingNumberDescription

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: SettingNumberDescription,
    ) -> None:
        """Wear is in the prices' currency per kWh."""
        super().__init__(scheduler, entry, description)
        if description.setting == "wear_per_kwh":
            self._attr_native_unit_of_measurement = f"{scheduler.currency}/kWh"

    @property
    def native_value(self) -> float:
        """The current setting."""
        return self.entity_description.value_fn(self.scheduler.settings)

    async def async_set_native_value(self, value: float) -> None:
        """Store the setting and plan again."""
        await self.scheduler.async_update_settings(
            **{self.entity_description.setting: value}
        )


def async_add_setting_numbers(
    entry: ConfigEntry,
    scheduler: Scheduler,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the settings numbers to the site (called from the number platform)."""
    async_add_entities(
        SettingNumber(scheduler, entry, description) for description in SETTING_NUMBERS
    )
