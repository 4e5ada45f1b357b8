"""Sensors: the charger, its Leaf, the packs, and the site's prices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.sensor import SensorEntity

from .accounting_entities import async_add_accounting_sensors
from .charger_coordinator import ChargerCoordinator
from .entity import V2GEntity
from .pack_coordinator import PackCoordinator
from .pack_energy import ENERGY_COUNTERS, PackEnergySensor
from .price_entities import async_add_price_sensors
from .scheduler_entities import async_add_scheduler_sensors
from .sensor_descriptions import (
    CHARGER_SENSORS,
    PACK_SENSORS,
    ChargerSensorDescription,
    PackSensorDescription,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each device's sensors to its subentry, and the price sensors to the site."""
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        if isinstance(coordinator, ChargerCoordinator):
            async_add_entities(
                (
                    ChargerSensor(coordinator, description)
                    for description in CHARGER_SENSORS
                ),
                config_subentry_id=subentry_id,
            )
        elif isinstance(coordinator, PackCoordinator):
            async_add_entities(
                [
                    *(
                        PackSensor(coordinator, description)
                        for description in PACK_SENSORS
                        if description.exists_fn(coordinator.data)
                    ),
                    *(
                        PackEnergySensor(coordinator, description)
                        for description in ENERGY_COUNTERS
                    ),
                ],
                config_subentry_id=subentry_id,
            )
    if entry.runtime_data.prices is not None:
        async_add_price_sensors(entry.runtime_data.prices, entry, async_add_entities)
    async_add_scheduler_sensors(entry, async_add_entities)
    async_add_accounting_sensors(entry, async_add_entities)


class ChargerSensor(V2GEntity[ChargerCoordinator], SensorEntity):
    """A sensor of the charger or its Leaf."""

    entity_description: ChargerSensorDescription

    def __init__(
        self, coordinator: ChargerCoordinator, description: ChargerSensorDescription
    ) -> None:
        """Attach to the charger, or to the Leaf for car values."""
        super().__init__(coordinator, description, on_leaf=description.on_leaf)

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the latest poll."""
        return self.entity_description.value_fn(self.coordinator.data)


class PackSensor(V2GEntity[PackCoordinator], SensorEntity):
    """A sensor of a stationary pack."""

    entity_description: PackSensorDescription

    @property
    def native_value(self) -> StateType:
        """The value from the latest poll."""
        return self.entity_description.value_fn(self.coordinator.data)
