"""Sensors for the expected reserve income: the site's today and lifetime, each device's lifetime."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.util import dt as dt_util

from ..coordinators.entity import device_info, site_device_info
from .periods import danish_date, period_start

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.device_registry import DeviceInfo
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from ..coordinators.base import DeviceCoordinator
    from .reserve_income import ReserveIncome

LIFETIME = SensorEntityDescription(
    key="reserve_income",
    translation_key="reserve_income",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)
TODAY = SensorEntityDescription(
    key="reserve_income_today",
    translation_key="reserve_income_today",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)


class ReserveIncomeSensor(SensorEntity):
    """Expected income of reserves held, after the aggregator's share (apart from energy sold)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        income: ReserveIncome,
        description: SensorEntityDescription,
        *,
        device_id: str | None,
        unique_id: str,
        info: DeviceInfo,
    ) -> None:
        """The site's (device_id None) or one device's amount."""
        self.entity_description = description
        self._income = income
        self._device_id = device_id
        self._attr_unique_id = unique_id
        self._attr_device_info = info
        self._attr_native_unit_of_measurement = income.currency
        # As with the energy amounts: the site's lifetime shown, today's and each device's on demand.
        self._attr_entity_registry_enabled_default = (
            device_id is None and description is LIFETIME
        )

    async def async_added_to_hass(self) -> None:
        """Follow the bookings."""
        await super().async_added_to_hass()
        self.async_on_remove(self._income.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> float:
        """The amount so far."""
        if self.entity_description is TODAY:
            return round(self._income.today(self._device_id, dt_util.utcnow()), 6)
        return round(self._income.lifetime(self._device_id), 6)

    @property
    def last_reset(self) -> datetime | None:
        """Danish midnight for today's amount; never for the lifetime one."""
        if self.entity_description is not TODAY:
            return None
        return period_start(danish_date(dt_util.utcnow()), "today")


def async_add_reserve_income_sensors(
    entry: ConfigEntry,
    income: ReserveIncome,
    devices: Mapping[str, DeviceCoordinator[Any]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The site's two sensors and each device's lifetime one."""
    async_add_entities(
        ReserveIncomeSensor(
            income,
            description,
            device_id=None,
            unique_id=f"{entry.entry_id}_{description.key}",
            info=site_device_info(entry),
        )
        for description in (LIFETIME, TODAY)
    )
    for subentry_id, coordinator in devices.items():
        async_add_entities(
            [
                ReserveIncomeSensor(
                    income,
                    LIFETIME,
                    device_id=subentry_id,
                    unique_id=f"{coordinator.serial}_reserve_income",
                    info=device_info(coordinator),
                )
            ],
            config_subentry_id=subentry_id,
        )
