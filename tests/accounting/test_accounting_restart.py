"""The ledger across a reload between polls: the tail before the unload is booked, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
import pytest

from tests.helpers.accounting import (
    SITE,
    FrozenClock,
    poll_now,
    run,
    v2g_drives_pack,
    value,
)
from tests.helpers.ha import setup

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
EXPORT_KW = 2.0
# Less than the pack's 15 s poll interval: the reload falls between two polls.
SINCE_LAST_POLL = timedelta(seconds=12)
RUN_S = 10 * 60
pytestmark = pytest.mark.freeze_time(START, tick=True)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


def pack_sold_kwh(entry: MockConfigEntry) -> float:
    """What the ledger has booked as sold by the pack today."""
    pack_id = list(entry.runtime_data.devices)[1]
    return float(entry.runtime_data.ledger.totals(pack_id, "today").energy_sold_kwh)


async def export_from_the_pack(
    hass: HomeAssistant, entry: MockConfigEntry, pack_server: ModbusSimulator
) -> None:
    """Hold the scheduler and command the pack to export, polling at once so the step is seen."""
    await v2g_drives_pack(hass, -EXPORT_KW)
    await poll_now(hass)


async def test_reload_between_polls_books_the_tail_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Energy sold since the last poll is booked at the reload; the new ledger does not count it again."""
    await setup(hass, entry)
    await export_from_the_pack(hass, entry, pack_server)
    metered_from = pack.meter.energy_out_kwh
    sold_from = pack_sold_kwh(entry)
    await run(hass, freezer, RUN_S)
    # Between polls: the pack goes on exporting, the ledger has not heard of it yet.
    freezer.tick(SINCE_LAST_POLL)
    pack.step()
    unbooked_kwh = (
        pack.meter.energy_out_kwh - metered_from - (pack_sold_kwh(entry) - sold_from)
    )
    # The 12 s since the poll, give or take the milliseconds the ticking clock adds.
    tail_s = unbooked_kwh / EXPORT_KW * 3600
    assert (
        SINCE_LAST_POLL.total_seconds() - 0.5
        < tail_s
        < SINCE_LAST_POLL.total_seconds() + 2
    )

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    metered_at_reload = pack.meter.energy_out_kwh - metered_from
    booked_at_reload = pack_sold_kwh(entry) - sold_from
    assert booked_at_reload == pytest.approx(metered_at_reload, rel=1e-3)

    await export_from_the_pack(hass, entry, pack_server)
    await run(hass, freezer, RUN_S)
    metered = pack.meter.energy_out_kwh - metered_from
    booked = pack_sold_kwh(entry) - sold_from
    assert metered == pytest.approx(EXPORT_KW * (2 * RUN_S + 12) / 3600, rel=0.02)
    assert booked == pytest.approx(metered, rel=1e-3)
    assert value(hass, f"{SITE}_energy_sold") == pytest.approx(
        pack_sold_kwh(entry), abs=0.01
    )


async def test_first_poll_after_a_reload_counts_from_the_load(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """A poll taken before the ledger started is counted from the start, not from when it was polled."""
    await setup(hass, entry)
    await export_from_the_pack(hass, entry, pack_server)
    ledger = entry.runtime_data.ledger
    pack_id = list(entry.runtime_data.devices)[1]
    coordinator = entry.runtime_data.devices[pack_id]
    sold_before = pack_sold_kwh(entry)
    await ledger.async_stop()
    # The coordinator's poll is now older than the restarted ledger.
    freezer.tick(timedelta(seconds=10))
    ledger.async_start()
    assert ledger._samples[pack_id].at > coordinator.data.measured_at
    freezer.tick(timedelta(seconds=5))
    await poll_now(hass)
    sold = pack_sold_kwh(entry) - sold_before
    assert sold == pytest.approx(EXPORT_KW * 5 / 3600, rel=0.05)


async def test_home_assistant_stopping_books_the_tail(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Home Assistant stops without unloading the site: what flowed since the last poll is booked then."""
    await setup(hass, entry)
    await export_from_the_pack(hass, entry, pack_server)
    metered_from = pack.meter.energy_out_kwh
    sold_from = pack_sold_kwh(entry)
    await run(hass, freezer, RUN_S)
    freezer.tick(SINCE_LAST_POLL)
    pack.step()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    metered = pack.meter.energy_out_kwh - metered_from
    assert pack_sold_kwh(entry) - sold_from == pytest.approx(metered, rel=1e-3)
    await hass.config_entries.async_unload(entry.entry_id)
