"""Fixtures (a pytest plugin): Home Assistant with the recorder, the recorded price API, and a site entry.

The folders with Home Assistant tests opt in with an autouse fixture that asks for `ha_harness`; the pure
packages' tests never start Home Assistant.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING
from unittest.mock import PropertyMock, patch

import pytest

from tests.helpers.site import (
    DAY_AHEAD_URL,
    PRICE_FIXTURE,
    charger_subentry,
    pack_subentry,
    site_entry,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.components.recorder import Recorder
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.devices.simulator import ModbusSimulator

# The scheduler re-plans at every quarter hour of the real clock; tests that fire their timers forward by up to
# a few minutes would see an extra "slot" plan when a quarter hour falls inside that window.
QUARTER_HOUR_MARGIN_S = 100


@pytest.fixture(scope="session")
def quiet_sql() -> None:
    """The recorder's SQL echo drowns every failure report."""
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def seconds_to_wait(now: float, margin_s: float = QUARTER_HOUR_MARGIN_S) -> float:
    """How long to wait at the Unix time `now` so that at least `margin_s` remain before the next quarter hour."""
    to_next = 900 - now % 900
    return to_next + 1 if to_next < margin_s else 0.0


@pytest.fixture
def clear_of_quarter_hours() -> None:
    """Opt in: the test starts at least QUARTER_HOUR_MARGIN_S before the next quarter hour of the wall clock.

    The wait itself happens in `pytest_runtest_protocol`, before the test's timeout starts counting.
    """


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Wait out a quarter hour before the timeout starts: up to 100 s of it would leave a slow test 20 s."""
    if "clear_of_quarter_hours" in getattr(item, "fixturenames", ()):
        time.sleep(seconds_to_wait(time.time()))
    yield


@pytest.fixture
def prices_api(aioclient_mock: AiohttpClientMocker) -> None:
    """Energi Data Service answers with a recorded day (the real API is not reachable from tests)."""
    aioclient_mock.get(
        DAY_AHEAD_URL, json=json.loads(PRICE_FIXTURE.read_text(encoding="utf-8"))
    )


@pytest.fixture
def ha_harness(
    quiet_sql: None,
    clear_of_quarter_hours: None,
    socket_enabled: None,
    recorder_mock: Recorder,
    enable_custom_integrations: None,
) -> None:
    """Home Assistant with the recorder (started before `hass`), custom integrations and loopback sockets."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Every entity enabled, those disabled by default too (for tests that read them)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def entry(
    quasar_server: ModbusSimulator, pack_server: ModbusSimulator
) -> MockConfigEntry:
    """A site with the simulated charger and pack, not yet set up."""
    return site_entry(
        [charger_subentry(quasar_server.port), pack_subentry(pack_server.port)]
    )


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, entry: MockConfigEntry
) -> AsyncIterator[MockConfigEntry]:
    """The site set up against the simulator (unloaded again at the end of the test)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    if entry.state.recoverable:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
