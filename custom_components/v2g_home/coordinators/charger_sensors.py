"""Sensors of the chargers other than the Quasar 1: the shared session state, limits and errors (as data)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfPower

from ..devices.bidipro_reading import BiDiProState
from ..devices.charger import ChargerKind, SessionState
from .sensor_descriptions import NOT_QUASAR, ChargerSensorDescription

BIDIPRO = frozenset({ChargerKind.BIDIPRO})

CHARGER_STATUS_SENSORS: tuple[ChargerSensorDescription, ...] = (
    ChargerSensorDescription(
        key="session_state",
        translation_key="session_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in SessionState],
        kinds=NOT_QUASAR,
        value_fn=lambda data: data.status.state.value,
    ),
    ChargerSensorDescription(
        key="connector_state",
        translation_key="connector_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in BiDiProState],
        entity_category=EntityCategory.DIAGNOSTIC,
        kinds=BIDIPRO,
        value_fn=lambda data: data.reading.state.value,
    ),
    ChargerSensorDescription(
        key="max_charge_power",
        translation_key="max_charge_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        kinds=NOT_QUASAR,
        value_fn=lambda data: data.status.capabilities.max_charge_kw,
    ),
    ChargerSensorDescription(
        key="max_discharge_power",
        translation_key="max_discharge_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        kinds=NOT_QUASAR,
        value_fn=lambda data: data.status.capabilities.max_discharge_kw,
    ),
    ChargerSensorDescription(
        key="error_code",
        translation_key="error_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        kinds=NOT_QUASAR,
        value_fn=lambda data: data.status.error_code,
    ),
    ChargerSensorDescription(
        key="session_type",
        translation_key="session_type",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        kinds=BIDIPRO,
        value_fn=lambda data: data.reading.session_type,
    ),
)
