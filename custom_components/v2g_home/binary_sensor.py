"""Binary sensors: whether the car is plugged in, whether its charger offers discharge now, and prices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .common.compat import BinarySensorDeviceClass
from .coordinators.charger import ChargerCoordinator
from .coordinators.entity import V2GEntity
from .devices.charger import ChargerKind
from .pricing.entities import async_add_price_binary_sensors

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 0

PLUGGED_IN = BinarySensorEntityDescription(
    key="plugged_in", device_class=BinarySensorDeviceClass.PLUG
)
DISCHARGE_OFFERED = BinarySensorEntityDescription(
    key="discharge_offered", translation_key="discharge_offered"
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a plugged-in sensor per Leaf, and the price binary sensors to the site."""
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        if isinstance(coordinator, ChargerCoordinator):
            sensors: list[BinarySensorEntity] = [
                LeafPluggedInSensor(coordinator, PLUGGED_IN, on_leaf=True)
            ]
            if coordinator.driver.kind is not ChargerKind.QUASAR:
                # The Quasar always offers discharge; other chargers offer it only at times.
                sensors.append(DischargeOfferedSensor(coordinator, DISCHARGE_OFFERED))
            async_add_entities(sensors, config_subentry_id=subentry_id)
    if entry.runtime_data.prices is not None:
        async_add_price_binary_sensors(
            entry.runtime_data.prices, entry, async_add_entities
        )


class LeafPluggedInSensor(V2GEntity[ChargerCoordinator], BinarySensorEntity):
    """On while a car is on the charger's gun (unknown when the charger cannot tell)."""

    @property
    def is_on(self) -> bool | None:
        """From the charger state."""
        return self.coordinator.data.car.plugged_in


class DischargeOfferedSensor(V2GEntity[ChargerCoordinator], BinarySensorEntity):
    """On while the charger offers discharge (V2G) now; the plan discharges only then."""

    @property
    def is_on(self) -> bool | None:
        """From the charger's limits of the moment."""
        return self.coordinator.data.status.capabilities.discharge_offered
