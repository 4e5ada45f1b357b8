"""Nothing of V2G Home's fills the logbook while nothing happens: no entry per poll, price fetch or plan."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.components.logbook.helpers import _is_state_filtered
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, callback
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.accounting import FrozenClock, run
from tests.helpers.ha import setup
from tests.helpers.scheduling import PACK_MODE, flat, scheduler_of, select, set_prices

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimClock, SimulatedQuasar


# Inside the recorded price day, well inside a quarter hour: the plans made here start with a whole slot, not a
# few seconds before the next one. Ticking: the event loop and the Modbus client need time that moves.
START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)
pytestmark = pytest.mark.freeze_time(START, tick=True)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's (frozen, stepped) clock."""
    return FrozenClock()


async def logbook_entries_while_charging(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    freezer: FrozenDateTimeFactory,
) -> list[str]:
    """What the logbook (by its own filter) would show of V2G Home over two minutes of charging and replans."""
    registry = er.async_get(hass)
    entries: list[str] = []

    @callback
    def _note(event: Event) -> None:
        new, old = event.data["new_state"], event.data["old_state"]
        known = registry.async_get(event.data["entity_id"])
        if known is None or known.platform != DOMAIN or new is None or old is None:
            return
        if not _is_state_filtered(new, old):
            entries.append(f"{new.entity_id}: {old.state} -> {new.state}")

    quasar.user_current_a = (
        10  # readings, the SoC and its measurement time change at every poll
    )
    await setup(hass, entry)
    await set_prices(hass, entry, flat(1.0, 0.5))
    await select(hass, PACK_MODE, "auto")
    await run(hass, freezer, 20)
    stop = hass.bus.async_listen(EVENT_STATE_CHANGED, _note)
    await run(hass, freezer, 120)
    await set_prices(hass, entry, flat(1.1, 0.6))
    await scheduler_of(entry).async_request_replan("test")
    await hass.async_block_till_done()
    stop()
    await hass.config_entries.async_unload(entry.entry_id)
    return entries


async def test_polls_prices_and_plans_leave_the_logbook_alone(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The entities a new site shows add nothing to the logbook while the Leaf charges and plans are made."""
    assert await logbook_entries_while_charging(hass, entry, quasar, freezer) == []


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_the_old_noise_is_among_the_entities_that_start_disabled(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With every entity enabled the Leaf's SoC measurement time is logged at every poll: why it starts disabled."""
    entries = await logbook_entries_while_charging(hass, entry, quasar, freezer)
    noisy = {line.split(":")[0] for line in entries}
    assert noisy == {"sensor.leaf_on_wallbox_quasar_1_state_of_charge_measured"}
    assert len(entries) >= 10
