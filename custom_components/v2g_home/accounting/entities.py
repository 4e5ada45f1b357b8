"""Sensors for what the storage earned: kWh sold, charged and served to the home, and the money."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfEnergy

from ..coordinators.entity import device_info, site_device_info
from ..planner.accounting import Earnings
from .books import OutsideControl
from .periods import Period

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.device_registry import DeviceInfo
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from ..coordinators.base import DeviceCoordinator
    from .ledger import Ledger

PERIOD_SUFFIX: dict[Period, str] = {
    "lifetime": "",
    "today": "_today",
    "month": "_month",
}


@dataclass(frozen=True, kw_only=True)
class LedgerSensorDescription(SensorEntityDescription):
    """One amount of the ledger over one period."""

    value_fn: Callable[[Earnings], float]
    period: Period
    money: bool


# What the Energy dashboard reads (energy sold as return to grid, export revenue as its compensation) and the
# headline figure; the other amounts, periods and per-device copies start disabled (utility_meter makes days and
# months from the lifetime totals, and the site's totals add the devices up).
ENABLED_BY_DEFAULT = frozenset({"sold_energy", "export_revenue", "net_profit"})

# (key, amount, money?)
AMOUNTS: tuple[tuple[str, Callable[[Earnings], float], bool], ...] = (
    ("sold_energy", lambda e: e.energy_sold_kwh, False),
    ("charged_energy", lambda e: e.energy_charged_kwh, False),
    ("home_energy", lambda e: e.energy_to_home_kwh, False),
    ("export_revenue", lambda e: e.export_revenue, True),
    ("charge_cost", lambda e: e.charge_cost, True),
    ("avoided_cost", lambda e: e.avoided_import_cost, True),
    ("wear_cost", lambda e: e.wear_cost, True),
    ("net_profit", lambda e: e.net_profit, True),
)


def _description(
    key: str, value_fn: Callable[[Earnings], float], *, money: bool, period: Period
) -> LedgerSensorDescription:
    # Energy counters only grow over a lifetime (the Energy dashboard's "return to grid");
    # money can shrink (costs, negative prices), and daily and monthly values start again.
    grows = period == "lifetime" and not money
    full_key = key + PERIOD_SUFFIX[period]
    return LedgerSensorDescription(
        key=full_key,
        translation_key=full_key,
        device_class=SensorDeviceClass.MONETARY if money else SensorDeviceClass.ENERGY,
        native_unit_of_measurement=None if money else UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING
        if grows
        else SensorStateClass.TOTAL,
        suggested_display_precision=2,
        entity_registry_enabled_default=period == "lifetime"
        and key in ENABLED_BY_DEFAULT,
        value_fn=value_fn,
        period=period,
        money=money,
    )


LEDGER_SENSORS: tuple[LedgerSensorDescription, ...] = tuple(
    _description(key, value_fn, money=money, period=period)
    for period in PERIOD_SUFFIX
    for key, value_fn, money in AMOUNTS
)


@dataclass(frozen=True, kw_only=True)
class OutsideSensorDescription(SensorEntityDescription):
    """Energy moved while V2G Home did not drive the device (lifetime, kept apart from the ledger)."""

    value_fn: Callable[[OutsideControl], float]


OUTSIDE_SENSORS: tuple[OutsideSensorDescription, ...] = tuple(
    OutsideSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        suggested_display_precision=2,
        value_fn=value_fn,
    )
    for key, value_fn in (
        ("charged_outside_control", lambda o: o.charged_kwh),
        ("discharged_outside_control", lambda o: o.discharged_kwh),
    )
)


def async_add_accounting_sensors(
    entry: ConfigEntry,
    ledger: Ledger,
    devices: Mapping[str, DeviceCoordinator[Any]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the site's ledger sensors, and each device's (those start disabled)."""
    site = site_device_info(entry)
    async_add_entities(
        [
            *(
                LedgerSensor(
                    ledger,
                    description,
                    device_id=None,
                    unique_id=f"{entry.entry_id}_{description.key}",
                    info=site,
                )
                for description in LEDGER_SENSORS
            ),
            *(
                OutsideControlSensor(ledger, d, None, f"{entry.entry_id}_{d.key}", site)
                for d in OUTSIDE_SENSORS
            ),
        ]
    )
    for subentry_id, coordinator in devices.items():
        info = device_info(coordinator)
        async_add_entities(
            [
                *(
                    LedgerSensor(
                        ledger,
                        description,
                        device_id=subentry_id,
                        unique_id=f"{coordinator.serial}_{description.key}",
                        info=info,
                    )
                    for description in LEDGER_SENSORS
                ),
                *(
                    OutsideControlSensor(
                        ledger, d, subentry_id, f"{coordinator.serial}_{d.key}", info
                    )
                    for d in OUTSIDE_SENSORS
                ),
            ],
            config_subentry_id=subentry_id,
        )


class LedgerSensor(SensorEntity):
    """An amount from the ledger; its value comes from the ledger's own storage, never from last state."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: LedgerSensorDescription

    def __init__(
        self,
        ledger: Ledger,
        description: LedgerSensorDescription,
        *,
        device_id: str | None,
        unique_id: str,
        info: DeviceInfo,
    ) -> None:
        """Show one amount of the site (device_id None) or of one device."""
        self.entity_description = description
        self._ledger = ledger
        self._device_id = device_id
        self._attr_unique_id = unique_id
        self._attr_device_info = info
        self._attr_entity_registry_enabled_default = (
            device_id is None and description.entity_registry_enabled_default
        )
        if description.money:
            self._attr_native_unit_of_measurement = ledger.currency

    async def async_added_to_hass(self) -> None:
        """Follow the ledger."""
        await super().async_added_to_hass()
        self.async_on_remove(self._ledger.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> float:
        """The amount so far in this period."""
        value = self.entity_description.value_fn(
            self._ledger.totals(self._device_id, self.entity_description.period)
        )
        return round(value, 6)

    @property
    def last_reset(self) -> datetime | None:
        """When today or this month began; lifetime amounts never reset."""
        return self._ledger.period_start(self.entity_description.period)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """For sold energy: what measured the export (grid meter, house load, or nothing)."""
        if not self.entity_description.key.startswith("sold_energy"):
            return None
        return {"export_measured_by": self._ledger.export_source}


class OutsideControlSensor(SensorEntity):
    """Energy a device (or the site) moved outside V2G Home's control: not V2G's revenue or cost."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: OutsideSensorDescription

    def __init__(
        self,
        ledger: Ledger,
        description: OutsideSensorDescription,
        device_id: str | None,
        unique_id: str,
        info: DeviceInfo,
    ) -> None:
        """Show one direction for the site (device_id None) or one device."""
        self.entity_description = description
        self._ledger = ledger
        self._device_id = device_id
        self._attr_unique_id = unique_id
        self._attr_device_info = info

    async def async_added_to_hass(self) -> None:
        """Follow the ledger."""
        await super().async_added_to_hass()
        self.async_on_remove(self._ledger.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> float:
        """The kWh so far."""
        value = self.entity_description.value_fn(
            self._ledger.outside_control(self._device_id)
        )
        return round(value, 6)
