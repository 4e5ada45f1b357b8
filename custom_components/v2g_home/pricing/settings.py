"""Tariff settings of a site, built from its config entry's data and options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..const import (
    CONF_CUSTOM_TOU,
    CONF_ELECTRICITY_TAX,
    CONF_ENERGINET_TARIFF,
    CONF_EXPORT_FEE,
    CONF_FEED_IN_TARIFF,
    CONF_SUPPLIER_MARKUP,
    CONF_TARIFF_PRESET,
    CONF_TARIFF_TEMPLATE,
    CONF_VAT_PCT,
    DEFAULTS,
    LOGGER,
    PRESET_CUSTOM,
    PRESET_TEMPLATE,
)
from ..prices.combine import TariffSettings
from ..prices.tariffs import (
    GridRate,
    TariffError,
    available_presets,
    parse_custom_table,
)
from .template import TemplateTariff

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant


def tariff_settings_from(
    hass: HomeAssistant, settings: Mapping[str, Any]
) -> TariffSettings:
    """Build the tariff settings from a config entry's data and options."""

    def number(key: str) -> float:
        return float(settings.get(key, DEFAULTS[key]))

    preset = settings.get(CONF_TARIFF_PRESET, DEFAULTS[CONF_TARIFF_PRESET])
    grid: GridRate | None = available_presets().get(preset)
    if preset == PRESET_TEMPLATE:
        grid = TemplateTariff(hass, str(settings.get(CONF_TARIFF_TEMPLATE, "")))
    if preset == PRESET_CUSTOM:
        try:
            grid = parse_custom_table(str(settings.get(CONF_CUSTOM_TOU, "")))
        except TariffError as err:
            LOGGER.warning("Ignoring the custom time-of-use table: %s", err)
    return TariffSettings(
        grid=grid,
        supplier_markup_per_kwh=number(CONF_SUPPLIER_MARKUP),
        energinet_per_kwh=number(CONF_ENERGINET_TARIFF),
        electricity_tax_per_kwh=number(CONF_ELECTRICITY_TAX),
        vat_rate=number(CONF_VAT_PCT) / 100.0,
        export_fee_per_kwh=number(CONF_EXPORT_FEE),
        feed_in_per_kwh=number(CONF_FEED_IN_TARIFF),
    )
