"""A restart books the energy of the downtime from the device's own counters, at the prices of that time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
import pytest

from tests.helpers.accounting import FrozenClock, run
from tests.helpers.ha import setup
from tests.helpers.scheduling import select
from tests.helpers.site import der_pack_subentry, site_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
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
