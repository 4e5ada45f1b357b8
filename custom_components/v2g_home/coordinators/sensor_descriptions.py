"""What each charger, Leaf and pack sensor shows (descriptions as data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.helpers.typing import StateType

from ..devices.charger import ChargerKind
from ..devices.models import ChargerState, PackState
from .charger import ChargerData
from .pack import PackData

ALL_KINDS = frozenset(ChargerKind)
QUASAR = frozenset({ChargerKind.QUASAR})
NOT_QUASAR = ALL_KINDS - QUASAR


@dataclass(frozen=True, kw_only=True)
class ChargerSensorDescription(SensorEntityDescription):
    """A value of the charger poll, shown on the charger or on its car, for the kinds that have it."""

    value_fn: Callable[[ChargerData], StateType | datetime]
    on_leaf: bool = False
    kinds: frozenset[ChargerKind] = ALL_KINDS


@dataclass(frozen=True, kw_only=True)
class PackSensorDescription(SensorEntityDescription):
    """A value of the pack poll; created only for what the pack reports."""

    value_fn: Callable[[PackData], StateType]
    exists_fn: Callable[[PackData], bool] = lambda _: True


CHARGER_SENSORS: tuple[ChargerSensorDescription, ...] = (
    ChargerSensorDescription(
        key="charger_state",
        kinds=QUASAR,
        translation_key="charger_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in ChargerState],
        value_fn=lambda data: data.reading.state.value,
    ),
    ChargerSensorDescription(
        key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda data: data.status.power_kw,
    ),
    ChargerSensorDescription(
        key="ac_current",
        kinds=QUASAR,
        translation_key="ac_current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: data.reading.ac_current_a,
    ),
    ChargerSensorDescription(
        key="ac_voltage",
        kinds=QUASAR,
        translation_key="ac_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: data.reading.ac_voltage_v,
    ),
    ChargerSensorDescription(
        key="dc_voltage",
        kinds=QUASAR,
        translation_key="dc_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.reading.dc_voltage_v,
    ),
    ChargerSensorDescription(
        key="dc_current",
        kinds=QUASAR,
        translation_key="dc_current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.reading.dc_current_a,
    ),
    ChargerSensorDescription(
        key="max_power",
        kinds=QUASAR,
        translation_key="max_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.reading.max_power_kw,
    ),
    ChargerSensorDescription(
        key="unrecoverable_error",
        kinds=QUASAR,
        translation_key="unrecoverable_error",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.reading.unrecoverable_error,
    ),
    ChargerSensorDescription(
        key="recoverable_error",
        kinds=QUASAR,
        translation_key="recoverable_error",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.reading.recoverable_error,
    ),
    ChargerSensorDescription(
        key="soc",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        on_leaf=True,
        value_fn=lambda data: data.car.soc.soc_pct,
    ),
    ChargerSensorDescription(
        key="soc_measured_at",
        translation_key="soc_measured_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Changes at every poll while energy flows (logbook noise); the SoC sensor has it as an attribute.
        entity_registry_enabled_default=False,
        on_leaf=True,
        value_fn=lambda data: data.car.soc.measured_at,
    ),
    ChargerSensorDescription(
        key="stored_energy",
        translation_key="stored_energy",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        on_leaf=True,
        value_fn=lambda data: data.car.stored_energy_kwh,
    ),
    ChargerSensorDescription(
        key="usable_capacity",
        translation_key="usable_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        on_leaf=True,
        value_fn=lambda data: data.car.capacity_kwh,
    ),
)

PACK_SENSORS: tuple[PackSensorDescription, ...] = (
    PackSensorDescription(
        key="soc",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: data.reading.soc_pct,
    ),
    PackSensorDescription(
        key="soh",
        translation_key="soh",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda data: data.reading.soh_pct is not None,
        value_fn=lambda data: data.reading.soh_pct,
    ),
    PackSensorDescription(
        key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda data: data.reading.power_kw,
    ),
    PackSensorDescription(
        key="pack_state",
        translation_key="pack_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in PackState],
        value_fn=lambda data: data.reading.state.value,
    ),
    PackSensorDescription(
        key="stored_energy",
        translation_key="stored_energy",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        exists_fn=lambda data: data.stored_energy_kwh is not None,
        value_fn=lambda data: data.stored_energy_kwh,
    ),
    PackSensorDescription(
        key="capacity",
        translation_key="capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda data: data.reading.capacity_kwh is not None,
        value_fn=lambda data: data.reading.capacity_kwh,
    ),
)
