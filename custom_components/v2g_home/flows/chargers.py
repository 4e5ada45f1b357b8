"""The charger subentry flow: where it is, what it is (detected, else chosen), the car on it, its fail-safe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SubentryFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import SelectOptionDict
from homeassistant.util.network import is_host_valid

from ..common.compat import vol
from ..const import (
    CONF_CHARGER_KIND,
    CONF_CHARGER_PROFILE,
    CONF_CONNECTOR,
    CONF_CONNECTOR_TYPE,
    CONF_FAILSAFE_TIMEOUT_S,
    CONF_LEAF_PACK,
    CONF_SETPOINT_MODE,
    CONF_UNIT_ID,
    CONF_USABLE_CAPACITY_KWH,
    LEAF_PACK_CUSTOM,
)
from ..coordinators.factory import car_is_leaf, create_charger
from ..devices.car import GENERIC_CAPACITY_KWH
from ..devices.charger import ChargerKind
from ..devices.charger_factory import FAILSAFE_RANGES
from ..devices.charger_profile import available_charger_profiles
from ..devices.detect import DetectedKind
from ..devices.leaf import LEAF_PACKS
from ..devices.quasar import SetpointMode
from .devices import DeviceSubentryFlow, connection_fields, number, select
from .probe import async_detect

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..devices.charger_profile_schema import ChargerProfile

BUILT_IN_KINDS = (ChargerKind.QUASAR, ChargerKind.BIDIPRO, ChargerKind.SUNSPEC_DER)
PROFILE_PREFIX = "profile:"


def kind_schema(profiles: Mapping[str, ChargerProfile]) -> vol.Schema:
    """The charger types to choose from when detection could not tell: the drivers, then the profiles."""
    options = [
        SelectOptionDict(value=kind.value, label=kind.value) for kind in BUILT_IN_KINDS
    ]
    options += [
        SelectOptionDict(value=f"{PROFILE_PREFIX}{profile_id}", label=profile.name)
        for profile_id, profile in sorted(profiles.items())
    ]
    return vol.Schema(
        {vol.Required(CONF_CHARGER_KIND): select(options, CONF_CHARGER_KIND)}
    )


def settings_schema(data: Mapping[str, Any]) -> vol.Schema:
    """The car on the charger and how to command the charger (only what applies to its kind)."""
    kind = ChargerKind(data.get(CONF_CHARGER_KIND, ChargerKind.QUASAR))
    leaf_default = "40" if car_is_leaf(data) else LEAF_PACK_CUSTOM
    fields: dict[vol.Marker, Any] = {
        vol.Required(
            CONF_LEAF_PACK, default=data.get(CONF_LEAF_PACK, leaf_default)
        ): select([*LEAF_PACKS, LEAF_PACK_CUSTOM], CONF_LEAF_PACK),
    }
    if kind is ChargerKind.QUASAR:
        fields[
            vol.Required(
                CONF_SETPOINT_MODE,
                default=data.get(CONF_SETPOINT_MODE, SetpointMode.CURRENT),
            )
        ] = select([mode.value for mode in SetpointMode], CONF_SETPOINT_MODE)
    if kind is not ChargerKind.PROFILE:
        limits = FAILSAFE_RANGES[kind]
        fields[
            vol.Required(
                CONF_FAILSAFE_TIMEOUT_S,
                default=data.get(CONF_FAILSAFE_TIMEOUT_S, limits.default),
            )
        ] = vol.All(number(limits.minimum, limits.maximum, 1, "s"), vol.Coerce(int))
    return vol.Schema(fields)


def capacity_schema(default: float) -> vol.Schema:
    """The usable kWh of a car that is not a Leaf preset (or whose pack has aged)."""
    return vol.Schema(
        {
            vol.Required(CONF_USABLE_CAPACITY_KWH, default=default): number(
                5, 200, 0.1, "kWh"
            )
        }
    )


class ChargerSubentryFlow(DeviceSubentryFlow):
    """Add or reconfigure a bidirectional charger and the car on it."""

    def __init__(self) -> None:
        """Keep the answers of the steps."""
        self._data: dict[str, Any] = {}
        self._profiles: Mapping[str, ChargerProfile] = {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Where the charger is; then what it is, read from the charger itself where it can be."""
        errors: dict[str, str] = {}
        reconfiguring = self.source == SOURCE_RECONFIGURE
        if user_input is not None:
            self._data = {**self._defaults(None), **user_input}
            if not is_host_valid(str(user_input[CONF_HOST])):
                errors[CONF_HOST] = "invalid_host"
            elif reconfiguring:
                return await self.async_step_settings()
            else:
                errors = await self._async_detect()
                if not errors:
                    return await (
                        self.async_step_settings()
                        if CONF_CHARGER_KIND in self._data
                        else self.async_step_kind()
                    )
        return self.async_show_form(
            step_id=self.source,
            data_schema=vol.Schema(connection_fields(self._defaults(user_input))),
            errors=errors,
        )

    async_step_reconfigure = async_step_user

    async def _async_detect(self) -> dict[str, str]:
        """Fill in the kind (and a BiDiPro's connector) when the charger tells; errors otherwise."""
        data = self._data
        found, error = await async_detect(
            str(data[CONF_HOST]), int(data[CONF_PORT]), int(data[CONF_UNIT_ID])
        )
        if error is not None:
            return {"base": error}
        if found is None or found.kind is DetectedKind.UNKNOWN:
            data.pop(CONF_CHARGER_KIND, None)
            return {}
        if found.kind.charger_kind is None:
            return {"base": "not_a_charger"}  # a SunSpec battery: add it as a battery
        data[CONF_CHARGER_KIND] = found.kind.charger_kind.value
        if found.connector is not None:
            data[CONF_CONNECTOR] = found.connector
        if found.connector_type is not None:
            data[CONF_CONNECTOR_TYPE] = found.connector_type.value
        return {}

    async def async_step_kind(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The charger did not say what it is: the owner picks a driver or a profile."""
        self._profiles = await self.hass.async_add_executor_job(
            available_charger_profiles
        )
        if user_input is not None:
            choice = str(user_input[CONF_CHARGER_KIND])
            if choice.startswith(PROFILE_PREFIX):
                self._data[CONF_CHARGER_KIND] = ChargerKind.PROFILE.value
                self._data[CONF_CHARGER_PROFILE] = choice.removeprefix(PROFILE_PREFIX)
            else:
                self._data[CONF_CHARGER_KIND] = choice
            return await self.async_step_settings()
        return self.async_show_form(
            step_id="kind", data_schema=kind_schema(self._profiles)
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The car's battery and the charger's command settings; then the connection is tested."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data.update(user_input)
            if user_input[CONF_LEAF_PACK] == LEAF_PACK_CUSTOM:
                return await self.async_step_capacity()
            self._data[CONF_USABLE_CAPACITY_KWH] = LEAF_PACKS[
                user_input[CONF_LEAF_PACK]
            ]
            result, errors = await self._async_finish_charger()
            if result is not None:
                return result
        return self.async_show_form(
            step_id="settings", data_schema=settings_schema(self._data), errors=errors
        )

    async def async_step_capacity(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Usable capacity of the car (any car, or a Leaf pack that has aged)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data[CONF_USABLE_CAPACITY_KWH] = float(
                user_input[CONF_USABLE_CAPACITY_KWH]
            )
            result, errors = await self._async_finish_charger()
            if result is not None:
                return result
        default = float(
            self._data.get(CONF_USABLE_CAPACITY_KWH)
            or (LEAF_PACKS["40"] if car_is_leaf(self._data) else GENERIC_CAPACITY_KWH)
        )
        return self.async_show_form(
            step_id="capacity", data_schema=capacity_schema(default), errors=errors
        )

    async def _async_finish_charger(
        self,
    ) -> tuple[SubentryFlowResult | None, dict[str, str]]:
        if (
            ChargerKind(self._data.get(CONF_CHARGER_KIND, ChargerKind.QUASAR))
            is (ChargerKind.PROFILE)
            and not self._profiles
        ):
            self._profiles = await self.hass.async_add_executor_job(
                available_charger_profiles
            )
        profiles = self._profiles
        return await self._async_finish(
            self._data, lambda data: create_charger(data, profiles)
        )
