"""Site options for the grid frequency: a Modbus meter described by a profile, or a sensor in Hz."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..common.compat import vol
from ..const import (
    CONF_FREQUENCY_ENTITY,
    CONF_FREQUENCY_METER_HOST,
    CONF_FREQUENCY_METER_PORT,
    CONF_FREQUENCY_METER_PROFILE,
    CONF_FREQUENCY_METER_UNIT_ID,
)
from ..control.frequency import HZ_PER_UNIT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from ..devices.frequency_meter import MeterProfile


def _suggested(defaults: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {"suggested_value": defaults.get(key)}


def frequency_schema(
    defaults: Mapping[str, Any], profiles: Mapping[str, MeterProfile]
) -> dict[vol.Marker, Any]:
    """Optional fields: a meter (host, port, unit id, profile) and a frequency sensor."""
    number = NumberSelector(
        NumberSelectorConfig(min=0, max=65535, mode=NumberSelectorMode.BOX)
    )
    return {
        vol.Optional(
            CONF_FREQUENCY_METER_HOST,
            description=_suggested(defaults, CONF_FREQUENCY_METER_HOST),
        ): TextSelector(),
        vol.Optional(
            CONF_FREQUENCY_METER_PORT,
            description=_suggested(defaults, CONF_FREQUENCY_METER_PORT),
        ): number,
        vol.Optional(
            CONF_FREQUENCY_METER_UNIT_ID,
            description=_suggested(defaults, CONF_FREQUENCY_METER_UNIT_ID),
        ): number,
        vol.Optional(
            CONF_FREQUENCY_METER_PROFILE,
            description=_suggested(defaults, CONF_FREQUENCY_METER_PROFILE),
        ): SelectSelector(
            SelectSelectorConfig(
                options=sorted(profiles), mode=SelectSelectorMode.DROPDOWN
            )
        ),
        vol.Optional(
            CONF_FREQUENCY_ENTITY,
            description=_suggested(defaults, CONF_FREQUENCY_ENTITY),
        ): EntitySelector(
            EntitySelectorConfig(
                domain="sensor", device_class=SensorDeviceClass.FREQUENCY
            )
        ),
    }


def validate_frequency_source(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    profiles: Mapping[str, MeterProfile],
) -> dict[str, str]:
    """A meter needs a known profile and ports in range; a sensor must exist and be in Hz."""
    errors: dict[str, str] = {}
    if user_input.get(CONF_FREQUENCY_METER_HOST):
        if user_input.get(CONF_FREQUENCY_METER_PROFILE) not in profiles:
            errors[CONF_FREQUENCY_METER_PROFILE] = "meter_profile_required"
        port = user_input.get(CONF_FREQUENCY_METER_PORT)
        if port is not None and not 1 <= int(port) <= 65535:
            errors[CONF_FREQUENCY_METER_PORT] = "invalid_port"
        unit = user_input.get(CONF_FREQUENCY_METER_UNIT_ID)
        if unit is not None and not 0 <= int(unit) <= 255:
            errors[CONF_FREQUENCY_METER_UNIT_ID] = "invalid_unit_id"
    entity_id = user_input.get(CONF_FREQUENCY_ENTITY)
    if entity_id:
        state = hass.states.get(str(entity_id))
        if state is None:
            errors[CONF_FREQUENCY_ENTITY] = "frequency_entity_not_found"
        elif state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) not in HZ_PER_UNIT:
            errors[CONF_FREQUENCY_ENTITY] = "frequency_entity_not_hz"
    return errors
