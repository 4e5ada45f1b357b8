"""Subentry flows for a site's devices: a Quasar 1 charger with its Leaf, or a stationary pack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.util.network import is_host_valid

from ..common.compat import vol
from ..const import (
    CONF_FAILSAFE_TIMEOUT_S,
    CONF_LEAF_PACK,
    CONF_PACK_DRIVER,
    CONF_POWER_SIGN,
    CONF_SETPOINT_MODE,
    CONF_UNIT_ID,
    CONF_USABLE_CAPACITY_KWH,
    DEFAULT_FAILSAFE_TIMEOUT_S,
    DEFAULT_MODBUS_PORT,
    DEFAULT_UNIT_ID,
    DOMAIN,
    LEAF_PACK_CUSTOM,
    MAX_FAILSAFE_TIMEOUT_S,
    MIN_FAILSAFE_TIMEOUT_S,
    PACK_DRIVER_SUNSPEC,
)
from ..coordinators.factory import create_charger, create_pack
from ..devices.leaf import LEAF_PACKS
from ..devices.profile import PackProfile, available_profiles
from ..devices.quasar import SetpointMode
from ..devices.sunspec import PowerSign
from .probe import async_probe

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..devices.models import DeviceIdentity, StorageDriver


def _number(
    minimum: float, maximum: float, step: float, unit: str | None = None
) -> NumberSelector:
    config = NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _select(
    options: list[str] | list[SelectOptionDict], translation_key: str | None
) -> SelectSelector:
    config = SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
    if translation_key is not None:
        config["translation_key"] = translation_key
    return SelectSelector(config)


def _connection_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(
            CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)
        ): TextSelector(),
        vol.Required(
            CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_MODBUS_PORT)
        ): vol.All(_number(1, 65535, 1), vol.Coerce(int)),
        vol.Required(
            CONF_UNIT_ID, default=defaults.get(CONF_UNIT_ID, DEFAULT_UNIT_ID)
        ): vol.All(_number(0, 255, 1), vol.Coerce(int)),
    }


def charger_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Where the Quasar is, which Leaf is on it, and how to command it."""
    return vol.Schema(
        {
            **_connection_fields(defaults),
            vol.Required(
                CONF_LEAF_PACK, default=defaults.get(CONF_LEAF_PACK, "40")
            ): _select([*LEAF_PACKS, LEAF_PACK_CUSTOM], CONF_LEAF_PACK),
            vol.Required(
                CONF_SETPOINT_MODE,
                default=defaults.get(CONF_SETPOINT_MODE, SetpointMode.CURRENT),
            ): _select([mode.value for mode in SetpointMode], CONF_SETPOINT_MODE),
            vol.Required(
                CONF_FAILSAFE_TIMEOUT_S,
                default=defaults.get(
                    CONF_FAILSAFE_TIMEOUT_S, DEFAULT_FAILSAFE_TIMEOUT_S
                ),
            ): vol.All(
                _number(MIN_FAILSAFE_TIMEOUT_S, MAX_FAILSAFE_TIMEOUT_S, 1, "s"),
                vol.Coerce(int),
            ),
        }
    )


def capacity_schema(default: float) -> vol.Schema:
    """The usable kWh of a Leaf pack that is not one of the presets (or has aged)."""
    return vol.Schema(
        {
            vol.Required(CONF_USABLE_CAPACITY_KWH, default=default): _number(
                5, 100, 0.1, "kWh"
            )
        }
    )


def pack_schema(
    defaults: Mapping[str, Any], profiles: Mapping[str, PackProfile]
) -> vol.Schema:
    """Where the pack is, and whether it speaks SunSpec or is described by a profile."""
    drivers = [
        SelectOptionDict(value=PACK_DRIVER_SUNSPEC, label="SunSpec (auto-detect)")
    ]
    drivers += [
        SelectOptionDict(value=profile_id, label=profile.name)
        for profile_id, profile in sorted(profiles.items())
    ]
    return vol.Schema(
        {
            **_connection_fields(defaults),
            vol.Required(
                CONF_PACK_DRIVER,
                default=defaults.get(CONF_PACK_DRIVER, PACK_DRIVER_SUNSPEC),
            ): _select(drivers, None),
            vol.Required(
                CONF_POWER_SIGN, default=defaults.get(CONF_POWER_SIGN, PowerSign.AUTO)
            ): _select([sign.value for sign in PowerSign], CONF_POWER_SIGN),
        }
    )


class _DeviceSubentryFlow(ConfigSubentryFlow):
    """Test the connection, read the serial, refuse duplicates, create or update the subentry."""

    async def _async_finish(
        self,
        data: dict[str, Any],
        create_driver: Callable[[Mapping[str, Any]], StorageDriver],
    ) -> tuple[SubentryFlowResult | None, dict[str, str]]:
        """Return the flow result, or the errors to show on the form."""
        if not is_host_valid(str(data[CONF_HOST])):
            return None, {CONF_HOST: "invalid_host"}
        identity, error = await async_probe(lambda: create_driver(data))
        if identity is None:
            return None, {"base": error or "unknown"}
        if self.source == SOURCE_RECONFIGURE:
            subentry = self._get_reconfigure_subentry()
            if subentry.unique_id != identity.serial:
                return self.async_abort(reason="wrong_device"), {}
            entry = self._get_entry()
            result = self.async_update_and_abort(entry, subentry, data=data)
            if entry.state in (
                ConfigEntryState.SETUP_RETRY,
                ConfigEntryState.SETUP_ERROR,
            ):
                # A loaded site reloads through its update listener; one waiting to retry would
                # otherwise keep failing on the old settings until its next attempt.
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return result, {}
        if self._serial_configured(identity.serial):
            return self.async_abort(reason="already_configured"), {}
        return (
            self.async_create_entry(
                title=_title(identity), data=data, unique_id=identity.serial
            ),
            {},
        )

    def _serial_configured(self, serial: str) -> bool:
        return any(
            subentry.unique_id == serial
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            for subentry in entry.subentries.values()
        )

    def _defaults(self, user_input: Mapping[str, Any] | None) -> Mapping[str, Any]:
        if user_input is not None:
            return user_input
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_subentry().data
        return {}


def _title(identity: DeviceIdentity) -> str:
    return f"{identity.manufacturer} {identity.model}"


class ChargerSubentryFlow(_DeviceSubentryFlow):
    """Add or reconfigure a Wallbox Quasar 1 and the Leaf on it."""

    def __init__(self) -> None:
        """Keep the first step's answers for the capacity step."""
        self._data: dict[str, Any] = {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Connection, Leaf pack and control settings."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data = dict(user_input)
            if user_input[CONF_LEAF_PACK] == LEAF_PACK_CUSTOM:
                return await self.async_step_capacity()
            self._data[CONF_USABLE_CAPACITY_KWH] = LEAF_PACKS[
                user_input[CONF_LEAF_PACK]
            ]
            result, errors = await self._async_finish(self._data, create_charger)
            if result is not None:
                return result
        return self.async_show_form(
            step_id=self.source,
            data_schema=charger_schema(self._defaults(user_input)),
            errors=errors,
        )

    async_step_reconfigure = async_step_user

    async def async_step_capacity(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Usable capacity of a custom or aged pack."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data[CONF_USABLE_CAPACITY_KWH] = float(
                user_input[CONF_USABLE_CAPACITY_KWH]
            )
            result, errors = await self._async_finish(self._data, create_charger)
            if result is not None:
                return result
        default = float(
            self._data.get(CONF_USABLE_CAPACITY_KWH)
            or self._defaults(None).get(CONF_USABLE_CAPACITY_KWH)
            or LEAF_PACKS["40"]
        )
        return self.async_show_form(
            step_id="capacity",
            data_schema=capacity_schema(default),
            errors=errors,
        )


class PackSubentryFlow(_DeviceSubentryFlow):
    """Add or reconfigure a stationary pack (SunSpec or a profile)."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Connection and driver."""
        profiles = await self.hass.async_add_executor_job(available_profiles)
        errors: dict[str, str] = {}
        if user_input is not None:
            data = dict(user_input)
            result, errors = await self._async_finish(
                data, lambda settings: create_pack(settings, profiles)
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id=self.source,
            data_schema=pack_schema(self._defaults(user_input), profiles),
            errors=errors,
        )

    async_step_reconfigure = async_step_user
