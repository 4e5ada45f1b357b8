"""Config flow pieces for the price source and tariffs (called by the site config flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TemplateSelector,
    TextSelector,
    TextSelectorConfig,
)

from ..common.compat import vol
from ..const import (
    CONF_CURRENCY,
    CONF_CUSTOM_TOU,
    CONF_ELECTRICITY_TAX,
    CONF_ENERGINET_TARIFF,
    CONF_EXPORT_FEE,
    CONF_FEED_IN_TARIFF,
    CONF_PRICE_AREA,
    CONF_PRICE_ENTITY,
    CONF_PRICE_SOURCE,
    CONF_SUPPLIER_MARKUP,
    CONF_TARIFF_PRESET,
    CONF_TARIFF_TEMPLATE,
    CONF_VAT_PCT,
    CURRENCIES,
    DEFAULTS,
    PRESET_CUSTOM,
    PRESET_NONE,
    PRESET_TEMPLATE,
    PRICE_AREAS,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENTITY,
)
from ..prices.entity_adapters import detect_entity_format
from ..prices.tariffs import TariffError, available_presets, parse_custom_table
from ..pricing.template import template_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

# Read the preset files once, when HA imports the integration (in its import executor).
PRESET_IDS: Final = (
    PRESET_NONE,
    *sorted(available_presets()),
    PRESET_CUSTOM,
    PRESET_TEMPLATE,
)


def _select(options: tuple[str, ...], translation_key: str | None) -> SelectSelector:
    """A dropdown; codes such as DK1 or DKK show as they are (translation keys must be lower case)."""
    config = SelectSelectorConfig(
        options=list(options), mode=SelectSelectorMode.DROPDOWN
    )
    if translation_key is not None:
        config["translation_key"] = translation_key
    return SelectSelector(config)


def _money(maximum: float = 10.0) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=-maximum,
            max=maximum,
            step="any",
            mode=NumberSelectorMode.BOX,
            unit_of_measurement="DKK/kWh",
        )
    )


def _default(defaults: Mapping[str, Any], key: str) -> Any:
    return defaults.get(key, DEFAULTS.get(key))


def price_source_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form for the price source: Energi Data Service (area, currency) or an existing entity."""
    schema: dict[vol.Marker, Any] = {
        vol.Required(
            CONF_PRICE_SOURCE, default=_default(defaults, CONF_PRICE_SOURCE)
        ): _select((SOURCE_ENERGIDATASERVICE, SOURCE_ENTITY), CONF_PRICE_SOURCE),
        vol.Required(
            CONF_PRICE_AREA, default=_default(defaults, CONF_PRICE_AREA)
        ): _select(PRICE_AREAS, None),
        vol.Required(CONF_CURRENCY, default=_default(defaults, CONF_CURRENCY)): _select(
            CURRENCIES, None
        ),
    }
    entity_key = (
        vol.Optional(
            CONF_PRICE_ENTITY,
            description={"suggested_value": defaults[CONF_PRICE_ENTITY]},
        )
        if defaults.get(CONF_PRICE_ENTITY)
        else vol.Optional(CONF_PRICE_ENTITY)
    )
    schema[entity_key] = EntitySelector(EntitySelectorConfig(domain="sensor"))
    return vol.Schema(schema)


def tariff_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form for the tariff preset and the price components (DKK/kWh excl. VAT)."""
    return vol.Schema(
        {
            vol.Required(
                CONF_TARIFF_PRESET, default=_default(defaults, CONF_TARIFF_PRESET)
            ): _select(PRESET_IDS, CONF_TARIFF_PRESET),
            vol.Optional(
                CONF_CUSTOM_TOU, default=_default(defaults, CONF_CUSTOM_TOU)
            ): TextSelector(TextSelectorConfig(multiline=True)),
            # Suggested rather than defaulted: the key is stored only when a template is given.
            vol.Optional(
                CONF_TARIFF_TEMPLATE,
                description={"suggested_value": defaults.get(CONF_TARIFF_TEMPLATE)},
            ): TemplateSelector(),
            vol.Required(
                CONF_SUPPLIER_MARKUP, default=_default(defaults, CONF_SUPPLIER_MARKUP)
            ): _money(),
            vol.Required(
                CONF_ENERGINET_TARIFF, default=_default(defaults, CONF_ENERGINET_TARIFF)
            ): _money(),
            vol.Required(
                CONF_ELECTRICITY_TAX, default=_default(defaults, CONF_ELECTRICITY_TAX)
            ): _money(),
            vol.Required(
                CONF_VAT_PCT, default=_default(defaults, CONF_VAT_PCT)
            ): NumberSelector(
                NumberSelectorConfig(
                    min=0,
                    max=100,
                    step=0.1,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement="%",
                )
            ),
            vol.Required(
                CONF_EXPORT_FEE, default=_default(defaults, CONF_EXPORT_FEE)
            ): _money(),
            vol.Required(
                CONF_FEED_IN_TARIFF, default=_default(defaults, CONF_FEED_IN_TARIFF)
            ): _money(),
        }
    )


def _entity_platform(hass: HomeAssistant, entity_id: str) -> str | None:
    entry = er.async_get(hass).async_get(entity_id)
    return entry.platform if entry else None


async def validate_price_source(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> dict[str, str]:
    """Check the price source form; return HA-style errors keyed by field (empty when fine)."""
    errors: dict[str, str] = {}
    if user_input.get(CONF_PRICE_AREA) not in PRICE_AREAS:
        errors[CONF_PRICE_AREA] = "invalid_price_area"
    if user_input.get(CONF_CURRENCY) not in CURRENCIES:
        errors[CONF_CURRENCY] = "invalid_currency"
    if user_input.get(CONF_PRICE_SOURCE) != SOURCE_ENTITY:
        return errors
    entity_id = user_input.get(CONF_PRICE_ENTITY)
    if not entity_id:
        errors[CONF_PRICE_ENTITY] = "price_entity_required"
        return errors
    state = hass.states.get(entity_id)
    if state is None:
        errors[CONF_PRICE_ENTITY] = "price_entity_not_found"
    elif (
        detect_entity_format(state.attributes) is None
        and _entity_platform(hass, entity_id) != "nordpool"
    ):
        # Core Nord Pool keeps no forecast in attributes; its get_prices_for_date action serves it.
        errors[CONF_PRICE_ENTITY] = "unknown_price_format"
    return errors


def validate_tariffs(
    user_input: Mapping[str, Any], hass: HomeAssistant | None = None
) -> dict[str, str]:
    """Check the tariff form; return HA-style errors keyed by field (empty when fine).

    With hass, a template tariff is also rendered once to check it gives a number.
    """
    preset = user_input.get(CONF_TARIFF_PRESET)
    if preset not in PRESET_IDS:
        return {CONF_TARIFF_PRESET: "unknown_tariff_preset"}
    if preset == PRESET_CUSTOM:
        try:
            parse_custom_table(str(user_input.get(CONF_CUSTOM_TOU, "")))
        except TariffError:
            return {CONF_CUSTOM_TOU: "invalid_tou_table"}
    if preset == PRESET_TEMPLATE:
        text = str(user_input.get(CONF_TARIFF_TEMPLATE, ""))
        if not text.strip() or (hass is not None and template_error(hass, text)):
            return {CONF_TARIFF_TEMPLATE: "invalid_tariff_template"}
    return {}
