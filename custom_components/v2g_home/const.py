"""Constants shared by the Home Assistant glue."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

DOMAIN: Final = "v2g_home"
LOGGER = logging.getLogger(__package__)

SUBENTRY_CHARGER: Final = "charger"
SUBENTRY_PACK: Final = "pack"

CONF_UNIT_ID: Final = "unit_id"
CONF_LEAF_PACK: Final = "leaf_pack"
CONF_USABLE_CAPACITY_KWH: Final = "usable_capacity_kwh"
CONF_SETPOINT_MODE: Final = "setpoint_mode"
CONF_FAILSAFE_TIMEOUT_S: Final = "failsafe_timeout_s"
CONF_PACK_DRIVER: Final = "pack_driver"
CONF_POWER_SIGN: Final = "power_sign"
CONF_SERIAL: Final = "serial"
# A charger's kind, connector and profile keys are those of devices/charger_factory.py.
CONF_CHARGER_KIND: Final = "charger_kind"
CONF_CONNECTOR: Final = "connector"
CONF_CONNECTOR_TYPE: Final = "connector_type"
CONF_CHARGER_PROFILE: Final = "charger_profile"

# Site options for the house (read by the load forecast and the ledger).
CONF_HOUSE_POWER_ENTITY: Final = "house_power_entity"
CONF_SOLAR_POWER_ENTITY: Final = "solar_power_entity"
CONF_GRID_METER_ENTITY: Final = "grid_meter_entity"

DEFAULT_MODBUS_PORT: Final = 502
DEFAULT_UNIT_ID: Final = 1
DEFAULT_FAILSAFE_TIMEOUT_S: Final = 600
MIN_FAILSAFE_TIMEOUT_S: Final = 60
MAX_FAILSAFE_TIMEOUT_S: Final = 3600
LEAF_PACK_CUSTOM: Final = "custom"
PACK_DRIVER_SUNSPEC: Final = "sunspec"
# Stored when "SunSpec (auto-detect)" finds the DER models (701, 704, 713) rather than 802/124.
PACK_DRIVER_SUNSPEC_DER: Final = "sunspec_der"

CHARGER_POLL_INTERVAL: Final = timedelta(seconds=10)
PACK_POLL_INTERVAL: Final = timedelta(seconds=15)
MAX_RECONNECT_INTERVAL: Final = timedelta(minutes=5)

# The Quasar 1 refuses less than 6 A (1.38 kW) and delivers at most 32 A (7.4 kW) either way.
CHARGER_MIN_POWER_KW: Final = 1.38
CHARGER_MAX_POWER_KW: Final = 7.4
DEFAULT_CHARGE_POWER_KW: Final = 3.7
DEFAULT_DISCHARGE_POWER_KW: Final = 3.7


# Site settings: where prices come from and what the grid adds (config entry data and options).
CONF_PRICE_SOURCE: Final = "price_source"
CONF_PRICE_AREA: Final = "price_area"
CONF_CURRENCY: Final = "currency"
CONF_PRICE_ENTITY: Final = "price_entity"
CONF_TARIFF_PRESET: Final = "tariff_preset"
CONF_CUSTOM_TOU: Final = "custom_tou_table"
CONF_TARIFF_TEMPLATE: Final = "tariff_template"
CONF_SUPPLIER_MARKUP: Final = "supplier_markup_per_kwh"
CONF_ENERGINET_TARIFF: Final = "energinet_tariff_per_kwh"
CONF_ELECTRICITY_TAX: Final = "electricity_tax_per_kwh"
CONF_VAT_PCT: Final = "vat_pct"
CONF_EXPORT_FEE: Final = "export_fee_per_kwh"
CONF_FEED_IN_TARIFF: Final = "feed_in_tariff_per_kwh"

SOURCE_ENERGIDATASERVICE: Final = "energidataservice"
SOURCE_ENTITY: Final = "entity"
PRICE_AREAS: Final = ("DK1", "DK2")
CURRENCIES: Final = ("DKK", "EUR")
PRESET_NONE: Final = "none"
PRESET_CUSTOM: Final = "custom"
PRESET_TEMPLATE: Final = "template"

# Current Danish defaults (DKK/kWh excl. VAT, 2026): Energinet transmission 0.043 + system 0.072,
# elafgift 0.008 (lowered from 0.72 on 2026-01-01), Energinet production tariffs 0.005 + 0.0053.
DEFAULTS: Final[Mapping[str, Any]] = {
    CONF_PRICE_SOURCE: SOURCE_ENERGIDATASERVICE,
    CONF_PRICE_AREA: "DK1",
    CONF_CURRENCY: "DKK",
    CONF_TARIFF_PRESET: PRESET_NONE,
    CONF_CUSTOM_TOU: "",
    CONF_SUPPLIER_MARKUP: 0.0,
    CONF_ENERGINET_TARIFF: 0.115,
    CONF_ELECTRICITY_TAX: 0.008,
    CONF_VAT_PCT: 25.0,
    CONF_EXPORT_FEE: 0.0,
    CONF_FEED_IN_TARIFF: 0.0103,
}
