"""Site options for the house: which sensors measure its load, its solar power and the grid meter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig

from ..common.compat import vol
from ..const import (
    CONF_GRID_METER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    CONF_SOLAR_POWER_ENTITY,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

HOUSE_ENTITY_KEYS = (
    CONF_HOUSE_POWER_ENTITY,
    CONF_SOLAR_POWER_ENTITY,
    CONF_GRID_METER_ENTITY,
)
METER_DEVICE_CLASSES = frozenset({SensorDeviceClass.POWER, SensorDeviceClass.ENERGY})
METER_UNITS = frozenset({"W", "kW", "Wh", "kWh"})


def house_schema(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Return the optional sensor fields; a field left empty means the site has no such meter."""
    # No device-class filter: a template sensor with only a W or kWh unit is a fine meter too.
    selector = EntitySelector(EntitySelectorConfig(domain="sensor"))
    return {
        vol.Optional(key, description={"suggested_value": defaults.get(key)}): selector
        for key in HOUSE_ENTITY_KEYS
    }


def validate_house_entities(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> dict[str, str]:
    """Check each chosen sensor exists and measures power or energy; return errors keyed by field."""
    errors: dict[str, str] = {}
    for key in HOUSE_ENTITY_KEYS:
        entity_id = user_input.get(key)
        if not entity_id:
            continue
        state = hass.states.get(str(entity_id))
        if state is None:
            errors[key] = "meter_entity_not_found"
        elif (
            state.attributes.get(ATTR_DEVICE_CLASS) not in METER_DEVICE_CLASSES
            and state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) not in METER_UNITS
        ):
            errors[key] = "meter_entity_not_power_or_energy"
    return errors
