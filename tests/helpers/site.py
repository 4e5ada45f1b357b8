"""A site config entry as the flows store it: the simulated charger and pack as subentries, default prices."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.const import DEFAULTS, DOMAIN

from .recorded import FIXTURES

# Recorded Energi Data Service reply, owned by the price tests (tests/fixtures/prices/README.md names its source).
PRICE_FIXTURE = FIXTURES / "dayaheadprices_dk1_2026-01-14.json"
DAY_AHEAD_URL = "https://api.energidataservice.dk/dataset/DayAheadPrices"

QUASAR_SERIAL = str(0x0001_E240)
PACK_SERIAL = "SIMPACK0001"
PRICE_SOURCE_KEYS = ("price_source", "price_area", "currency")


def charger_data(port: int, **changes: Any) -> dict[str, Any]:
    """Charger subentry settings as the flow stores them."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "unit_id": 1,
        "leaf_pack": "40",
        "usable_capacity_kwh": 37.0,
        "setpoint_mode": "current",
        "failsafe_timeout_s": 600,
        **changes,
    }


def pack_data(port: int, **changes: Any) -> dict[str, Any]:
    """Pack subentry settings as the flow stores them."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "unit_id": 1,
        "pack_driver": "sunspec",
        "power_sign": "auto",
        **changes,
    }


def site_entry(subentries: list[ConfigSubentryData]) -> MockConfigEntry:
    """A site named Home on Energi Data Service DK1 with default tariffs."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={"name": "Home", **{key: DEFAULTS[key] for key in PRICE_SOURCE_KEYS}},
        options={
            key: value
            for key, value in DEFAULTS.items()
            if key not in PRICE_SOURCE_KEYS
        },
        subentries_data=subentries,
    )


def charger_subentry(port: int, **changes: Any) -> ConfigSubentryData:
    """The simulated Quasar as a subentry."""
    return ConfigSubentryData(
        data=charger_data(port, **changes),
        subentry_type="charger",
        title="Wallbox Quasar 1",
        unique_id=QUASAR_SERIAL,
    )


def pack_subentry(port: int, **changes: Any) -> ConfigSubentryData:
    """The simulated SunSpec pack as a subentry."""
    return ConfigSubentryData(
        data=pack_data(port, **changes),
        subentry_type="pack",
        title="V2G Home Simulated SunSpec pack",
        unique_id=PACK_SERIAL,
    )


BIDIPRO_SERIAL = "EVT10-000123"
DER_SERIAL = "SIMDER0001"


def bidipro_subentry(port: int, **changes: Any) -> ConfigSubentryData:
    """The simulated EVtec BiDiPro 10 (a Leaf on CHAdeMO connector 1) as the charger flow stores it."""
    data = {
        "host": "127.0.0.1",
        "port": port,
        "unit_id": 1,
        "charger_kind": "evtec_bidipro",
        "connector": 1,
        "connector_type": "chademo",
        "leaf_pack": "40",
        "usable_capacity_kwh": 37.0,
        "failsafe_timeout_s": 120,
        **changes,
    }
    return ConfigSubentryData(
        data=data,
        subentry_type="charger",
        title="EVTEC BiDiPro 10",
        unique_id=BIDIPRO_SERIAL,
    )


def der_pack_subentry(port: int, **changes: Any) -> ConfigSubentryData:
    """The simulated SunSpec DER storage device as a battery (SunSpec auto-detect found 701/704/713)."""
    return ConfigSubentryData(
        data=pack_data(port, pack_driver="sunspec_der", **changes),
        subentry_type="pack",
        title="V2G Home Simulated DER storage",
        unique_id=DER_SERIAL,
    )
