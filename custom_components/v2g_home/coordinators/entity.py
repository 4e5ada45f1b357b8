"""The base entities (a device's, the site's) and the device registry entries: site, charger, its Leaf, packs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from .base import DeviceCoordinator
from .keys import LEAF_SUFFIX

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import CALLBACK_TYPE
    from homeassistant.helpers.entity import EntityDescription


def site_device_info(entry: ConfigEntry) -> DeviceInfo:
    """The site: the hub its devices hang under (price entities live here too)."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="V2G Home",
        model="Site",
        entry_type=DeviceEntryType.SERVICE,
    )


def device_info(coordinator: DeviceCoordinator[Any]) -> DeviceInfo:
    """A charger or pack as it identified itself (linked to its site when registered at setup)."""
    info = DeviceInfo(
        identifiers={(DOMAIN, coordinator.serial)},
        name=coordinator.subentry.title,
        serial_number=coordinator.serial,
    )
    if (identity := coordinator.identity) is not None:
        info["manufacturer"] = identity.manufacturer
        info["model"] = identity.model
        info["sw_version"] = identity.firmware
    return info


def leaf_device_info(coordinator: DeviceCoordinator[Any]) -> DeviceInfo:
    """The car seen through its charger (linked to the charger when registered at setup).

    A Nissan Leaf where one is likely (a CHAdeMO charger, or a Leaf pack chosen), else a car known only
    through its charger.
    """
    info = DeviceInfo(
        identifiers={(DOMAIN, f"{coordinator.serial}{LEAF_SUFFIX}")},
        translation_key="car",
        translation_placeholders={"charger": coordinator.subentry.title},
    )
    car = getattr(coordinator, "car", None)
    if car is None or car.leaf:
        info["manufacturer"] = "Nissan"
        info["model"] = "Leaf"
        info["translation_key"] = "leaf"
    return info


class V2GEntity[CoordinatorT: DeviceCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity of one device subentry; unavailable while its device does not answer."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: EntityDescription,
        *,
        on_leaf: bool = False,
    ) -> None:
        """Attach to the charger or pack device, or to the Leaf behind a charger."""
        super().__init__(coordinator)
        self.entity_description = description
        if on_leaf:
            self._attr_unique_id = (
                f"{coordinator.serial}{LEAF_SUFFIX}_{description.key}"
            )
            self._attr_device_info = leaf_device_info(coordinator)
        else:
            self._attr_unique_id = f"{coordinator.serial}_{description.key}"
            self._attr_device_info = device_info(coordinator)


class ChangeSource(Protocol):
    """Something of the site that says when it changed (the scheduler, the frequency response)."""

    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` after every change; returns the unsubscribe function."""


class SiteEntity(Entity):
    """An entity of the site device, written again whenever its source says it changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, source: ChangeSource, entry: ConfigEntry, description: EntityDescription
    ) -> None:
        """Attach to the site device."""
        self._source = source
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = site_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the source."""
        await super().async_added_to_hass()
        self.async_on_remove(self._source.async_add_listener(self.async_write_ha_state))
