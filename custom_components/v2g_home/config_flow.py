"""Config flow: a site (name, price source, tariffs), then its chargers and packs as subentries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import callback
from homeassistant.helpers.selector import TextSelector

from .common.compat import vol
from .common.site import price_area
from .const import DOMAIN, SUBENTRY_CHARGER, SUBENTRY_PACK
from .devices.frequency_meter import available_meter_profiles
from .flows.chargers import ChargerSubentryFlow
from .flows.devices import PackSubentryFlow
from .flows.frequency import frequency_schema, validate_frequency_source
from .flows.house import house_schema, validate_house_entities
from .flows.prices import (
    price_source_schema,
    tariff_schema,
    validate_price_source,
    validate_tariffs,
)
from .flows.reserves import reserves_schema, validate_reserves

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_SITE_NAME = "Home"


def _price_source_keys() -> list[str]:
    return [str(key) for key in price_source_schema({}).schema]


def _name_schema(default: str) -> vol.Schema:
    return vol.Schema({vol.Required(CONF_NAME, default=default): TextSelector()})


class V2GConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create a site: its name, where prices come from, and what the grid adds to them."""

    VERSION = 1

    def __init__(self) -> None:
        """Collect the answers of the three steps."""
        self._data: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: ConfigEntry,  # noqa: ARG004 (Home Assistant's signature)
    ) -> V2GOptionsFlow:
        """Tariffs can be changed at any time."""
        return V2GOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls,
        config_entry: ConfigEntry,  # noqa: ARG003 (Home Assistant's signature)
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """A site holds any number of chargers and packs."""
        return {SUBENTRY_CHARGER: ChargerSubentryFlow, SUBENTRY_PACK: PackSubentryFlow}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name the site."""
        if user_input is not None:
            name = str(user_input[CONF_NAME]).strip() or DEFAULT_SITE_NAME
            self._async_abort_entries_match({CONF_NAME: name})
            self._data[CONF_NAME] = name
            return await self.async_step_prices()
        return self.async_show_form(
            step_id="user", data_schema=_name_schema(DEFAULT_SITE_NAME)
        )

    async def async_step_prices(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the price source: Energi Data Service or a price entity already in HA."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await validate_price_source(self.hass, user_input)
            if not errors:
                self._data.update(user_input)
                return await self.async_step_tariffs()
        return self.async_show_form(
            step_id="prices",
            data_schema=price_source_schema(user_input or {}),
            errors=errors,
        )

    async def async_step_tariffs(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the grid tariff and the other price components; then create the site."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_tariffs(user_input, self.hass)
            if not errors:
                return self.async_create_entry(
                    title=self._data[CONF_NAME], data=self._data, options=user_input
                )
        return self.async_show_form(
            step_id="tariffs",
            data_schema=tariff_schema(user_input or {}),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the site or change its price source."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            name = str(user_input[CONF_NAME]).strip() or entry.title
            errors = await validate_price_source(self.hass, user_input)
            if not errors:
                prices = {
                    key: user_input[key]
                    for key in _price_source_keys()
                    if key in user_input
                }
                # The site's update listener reloads it (HA 2026.12 refuses a listener together with
                # async_update_reload_and_abort, and HA 2025.4 has no async_update_and_abort on config flows).
                self.hass.config_entries.async_update_entry(
                    entry, title=name, data={CONF_NAME: name, **prices}
                )
                return self.async_abort(reason="reconfigure_successful")
        defaults: Mapping[str, Any] = user_input or entry.data
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_name_schema(str(defaults.get(CONF_NAME, entry.title))).extend(
                price_source_schema(defaults).schema
            ),
            errors=errors,
        )


class V2GOptionsFlow(OptionsFlow):
    """Change the tariff preset and price components of a site, its house meters and its reserves."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One form with the current tariff settings filled in."""
        errors: dict[str, str] = {}
        meters = await self.hass.async_add_executor_job(available_meter_profiles)
        if user_input is not None:
            errors = validate_tariffs(user_input, self.hass)
            errors |= validate_house_entities(self.hass, user_input)
            errors |= validate_frequency_source(self.hass, user_input, meters)
            errors |= validate_reserves(user_input)
            if not errors:
                return self.async_create_entry(data=user_input)
        defaults = user_input or self.config_entry.options
        return self.async_show_form(
            step_id="init",
            data_schema=tariff_schema(defaults)
            .extend(house_schema(defaults))
            .extend(frequency_schema(defaults, meters))
            .extend(reserves_schema(defaults, price_area(self.config_entry))),
            errors=errors,
        )
