"""Fixtures: simulated charger and pack on loopback, a site entry with both as subentries, mocked prices."""

from __future__ import annotations

import json
import logging
from pathlib import Path
import time
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigSubentryData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.const import DEFAULTS, DOMAIN
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.components.recorder import Recorder
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

# Recorded Energi Data Service reply, owned by the price tests (tests/fixtures/prices/README.md names its source).
PRICE_FIXTURE = (
    Path(__file__).parent.parent
    / "fixtures"
    / "prices"
    / "dayaheadprices_dk1_2026-01-14.json"
)
DAY_AHEAD_URL = "https://api.energidataservice.dk/dataset/DayAheadPrices"

QUASAR_SERIAL = str(0x0001_E240)
PACK_SERIAL = "SIMPACK0001"
PRICE_SOURCE_KEYS = ("price_source", "price_area", "currency")


@pytest.fixture(autouse=True, scope="session")
def quiet_sql() -> None:
    """The recorder's SQL echo drowns every failure report."""
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


# The scheduler re-plans at every quarter hour of the real clock; tests that fire their timers forward by up to
# a few minutes would see an extra "slot" plan when a quarter hour falls inside that window.
QUARTER_HOUR_MARGIN_S = 100  # below the 120 s test timeout, which counts this wait


@pytest.fixture(autouse=True)
def clear_of_quarter_hours() -> None:
    """Start each test at least QUARTER_HOUR_MARGIN_S before the next quarter hour of the wall clock."""
    now = time.time()
    to_next = 900 - now % 900
    if to_next < QUARTER_HOUR_MARGIN_S:
        time.sleep(to_next + 1)


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """The simulator speaks Modbus TCP on 127.0.0.1 (HA's harness blocks sockets otherwise)."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The integration depends on the recorder, which must start before `hass` (overrides the root fixture)."""


@pytest.fixture(autouse=True)
def prices_api(aioclient_mock: AiohttpClientMocker) -> None:
    """Energi Data Service answers with a recorded day (the real API is not reachable from tests)."""
    aioclient_mock.get(
        DAY_AHEAD_URL, json=json.loads(PRICE_FIXTURE.read_text(encoding="utf-8"))
    )


@pytest.fixture
def clock() -> SimClock:
    """Simulated time that moves only when a test advances it."""
    return SimClock(manual=True)


@pytest.fixture
def quasar(clock: SimClock) -> SimulatedQuasar:
    """A Quasar 1 with a 37 kWh Leaf at 50 %, plugged in."""
    return SimulatedQuasar(clock, capacity_kwh=37.0, soc_pct=50.0)


@pytest.fixture
def pack(clock: SimClock) -> SimulatedSunSpecPack:
    """A 10 kWh, 5 kW SunSpec pack at 50 %."""
    return SimulatedSunSpecPack(clock)


@pytest.fixture
async def quasar_server(
    quasar: SimulatedQuasar, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The charger on an ephemeral loopback port."""
    server = ModbusSimulator({1: quasar}, clock=clock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def pack_server(
    pack: SimulatedSunSpecPack, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The pack on an ephemeral loopback port."""
    server = ModbusSimulator({1: pack}, clock=clock)
    await server.start()
    yield server
    await server.stop()


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


@pytest.fixture
def entry(
    quasar_server: ModbusSimulator, pack_server: ModbusSimulator
) -> MockConfigEntry:
    """A site with the simulated charger and pack, not yet set up."""
    return site_entry(
        [charger_subentry(quasar_server.port), pack_subentry(pack_server.port)]
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """The site set up against the simulator (unloaded again at the end of the test)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    if entry.state.recoverable:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
