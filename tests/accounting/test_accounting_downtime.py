"""A restart or an outage loses no energy: counters bridge it, a device without them books its run-on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
import pytest

from custom_components.v2g_home.coordinators.factory import PACK_REVERT_TIMEOUT_S
from tests.helpers.accounting import FrozenClock, run, v2g_drives_pack
from tests.helpers.ha import setup
from tests.helpers.scheduling import select
from tests.helpers.site import der_pack_subentry, site_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )
    from custom_components.v2g_home.devices.simulator.sunspec_der import (
        SimulatedDerStorage,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
pytestmark = pytest.mark.freeze_time(START, tick=True)
DER_MODE = "select.v2g_home_simulated_der_storage_control_mode"


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


async def test_the_downtime_of_a_restart_is_booked_from_the_counters(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    der: SimulatedDerStorage,
    der_server: ModbusSimulator,
) -> None:
    """Home Assistant stops while the battery sells and comes back a minute later: nothing is lost."""
    entry = site_entry([der_pack_subentry(der_server.port)])
    await setup(hass, entry)
    await select(hass, DER_MODE, "auto")
    await hass.services.async_call(
        "v2g_home",
        "force_export",
        {"power_kw": 2.0, "duration": {"hours": 1}},
        blocking=True,
    )
    out_before = der.meter.energy_out_kwh
    ledger = entry.runtime_data.ledger
    await run(hass, freezer, 5 * 60)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)  # the ledger stops counting here
    await hass.async_block_till_done()
    booked_at_stop = ledger.totals(None, "lifetime").energy_sold_kwh
    await run(hass, freezer, 60)  # "down": the battery sells on, nobody books it
    assert ledger.totals(None, "lifetime").energy_sold_kwh == booked_at_stop
    assert await hass.config_entries.async_reload(entry.entry_id)  # "back up"
    await hass.async_block_till_done()
    await run(hass, freezer, 2 * 60)  # the force was kept: it sells on
    ledger = entry.runtime_data.ledger
    metered = der.meter.energy_out_kwh - out_before
    assert metered > 0.2
    # The device's counters count whole watt-hours at both ends; losing the
    # minute of downtime would be 33 Wh off.
    assert ledger.totals(None, "lifetime").energy_sold_kwh == pytest.approx(
        metered, abs=2e-3
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_outage_is_booked_from_the_counters(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    der: SimulatedDerStorage,
    der_server: ModbusSimulator,
) -> None:
    """The battery goes silent for three minutes while it sells: its counters bridge the gap."""
    entry = site_entry([der_pack_subentry(der_server.port)])
    await setup(hass, entry)
    await select(hass, DER_MODE, "auto")
    await hass.services.async_call(
        "v2g_home",
        "force_export",
        {"power_kw": 2.0, "duration": {"hours": 1}},
        blocking=True,
    )
    out_before = der.meter.energy_out_kwh
    ledger = entry.runtime_data.ledger
    await run(hass, freezer, 2 * 60)
    der_server.faults.drop_connection = True
    der_server.drop_connections()
    await run(hass, freezer, 3 * 60)
    booked_silent = ledger.totals(None, "lifetime").energy_sold_kwh
    der_server.faults.clear()
    await run(hass, freezer, 6 * 60)  # the reconnect waits for the poll back-off
    metered = der.meter.energy_out_kwh - out_before
    assert ledger.totals(None, "lifetime").energy_sold_kwh > booked_silent
    # Without the counters the three silent minutes (up to 0.1 kWh) would be missing.
    assert ledger.totals(None, "lifetime").energy_sold_kwh == pytest.approx(
        metered, abs=2e-3
    )
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("down_s", "runs_on_s"),
    [(60, 60), (5 * 60, PACK_REVERT_TIMEOUT_S)],
    ids=["shorter_than_its_revert_timer", "longer_than_its_revert_timer"],
)
async def test_a_pack_without_counters_runs_on_over_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack: SimulatedSunSpecPack,
    pack_server: ModbusSimulator,
    down_s: int,
    runs_on_s: int,
) -> None:
    """Home Assistant stops while the pack sells: it sells on until its revert timer, and that is booked."""
    await setup(hass, entry)
    await v2g_drives_pack(hass, -2.0)
    out_before = pack.meter.energy_out_kwh
    ledger = entry.runtime_data.ledger
    await run(hass, freezer, 5 * 60)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    # Then the process ends: nothing reaches the pack (here the test's Home Assistant lives on).
    pack_server.faults.drop_connection = True
    pack_server.drop_connections()
    out_at_stop = pack.meter.energy_out_kwh
    await run(hass, freezer, down_s)
    pack_server.faults.clear()
    ran_on = pack.meter.energy_out_kwh - out_at_stop
    # The revert timer counts from the last poll, a few seconds before the stop.
    assert ran_on == pytest.approx(2.0 * runs_on_s / 3600, abs=2.0 * 15 / 3600)
    assert await hass.config_entries.async_reload(entry.entry_id)  # "back up"
    await hass.async_block_till_done()
    await run(hass, freezer, 2 * 60)
    ledger = entry.runtime_data.ledger
    metered = pack.meter.energy_out_kwh - out_before
    assert ledger.totals(None, "lifetime").energy_sold_kwh == pytest.approx(
        metered, rel=1e-3
    )
    await hass.config_entries.async_unload(entry.entry_id)
