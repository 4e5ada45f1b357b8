"""Subentry flows for a site's devices: what every device flow shares, and the stationary pack's flow."""

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
    CONF_PACK_DRIVER,
    CONF_POWER_SIGN,
    CONF_UNIT_ID,
    DEFAULT_MODBUS_PORT,
    DEFAULT_UNIT_ID,
    DOMAIN,
    PACK_DRIVER_SUNSPEC,
    PACK_DRIVER_SUNSPEC_DER,
)
from ..coordinators.factory import create_pack
from ..devices.profile import PackProfile, available_profiles
from ..devices.sunspec import PowerSign
from .probe import async_probe, async_sunspec_driver

SUNSPEC_DRIVERS = (PACK_DRIVER_SUNSPEC, PACK_DRIVER_SUNSPEC_DER)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..devices.models import DeviceIdentity
    from .probe import Probed


def number(
    minimum: float, maximum: float, step: float, unit: str | None = None
) -> NumberSelector:
    """A number box (kW, s, kWh, ...)."""
    config = NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def select(
    options: list[str] | list[SelectOptionDict], translation_key: str | None
) -> SelectSelector:
    """A dropdown, translated when a translation key is given."""
    config = SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
    if translation_key is not None:
        config["translation_key"] = translation_key
    return SelectSelector(config)


def connection_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Host, port and Modbus unit id."""
    return {
        vol.Required(
            CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)
        ): TextSelector(),
        vol.Required(
            CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_MODBUS_PORT)
        ): vol.All(number(1, 65535, 1), vol.Coerce(int)),
        vol.Required(
            CONF_UNIT_ID, default=defaults.get(CONF_UNIT_ID, DEFAULT_UNIT_ID)
        ): vol.All(number(0, 255, 1), vol.Coerce(int)),
    }


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
            **connection_fields(defaults),
            vol.Required(
                CONF_PACK_DRIVER,
                # DER or 802 is found again each time: both show as "SunSpec (auto-detect)".
                default=PACK_DRIVER_SUNSPEC
                if defaults.get(CONF_PACK_DRIVER) in SUNSPEC_DRIVERS
                else defaults.get(CONF_PACK_DRIVER, PACK_DRIVER_SUNSPEC),
            ): select(drivers, None),
            vol.Required(
                CONF_POWER_SIGN, default=defaults.get(CONF_POWER_SIGN, PowerSign.AUTO)
            ): select([sign.value for sign in PowerSign], CONF_POWER_SIGN),
        }
    )


class DeviceSubentryFlow(ConfigSubentryFlow):
    """Test the connection, read the serial, refuse duplicates, create or update the subentry."""

    async def _async_finish(
        self,
        data: dict[str, Any],
        create_driver: Callable[[Mapping[str, Any]], Probed],
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


class PackSubentryFlow(DeviceSubentryFlow):
    """Add or reconfigure a stationary pack (SunSpec or a profile)."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Connection and driver."""
        profiles = await self.hass.async_add_executor_job(available_profiles)
        errors: dict[str, str] = {}
        if user_input is not None:
            data = dict(user_input)
            if data[CONF_PACK_DRIVER] in SUNSPEC_DRIVERS:
                data[CONF_PACK_DRIVER] = await async_sunspec_driver(data)
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
