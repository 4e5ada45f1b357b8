"""Expected export revenue today: what the ledger booked today plus what the plan still expects today."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.helpers.accounting import FrozenClock, hold_scheduler, run, value
from tests.helpers.ha import setup
from tests.helpers.scheduling import PACK_MODE, select

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimClock

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
TODAY = "sensor.home_expected_export_revenue_today"
# Ticking: the event loop and the Modbus client need time that moves.
pytestmark = pytest.mark.freeze_time(START, tick=True)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


async def test_revenue_today_counts_what_was_sold_today(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a plan, today's figure is what the ledger booked, and it follows every poll; with one, plus the plan."""
    await setup(hass, entry)
    await hold_scheduler(hass, entry)
    assert value(hass, TODAY) == 0.0
    await select(
        hass, PACK_MODE, "discharge"
    )  # by hand, through V2G Home: booked, no plan
    await run(hass, freezer, 5 * 60)
    booked = entry.runtime_data.ledger.totals(None, "today").export_revenue
    assert booked > 0
    shown = hass.states.get(TODAY)
    assert shown is not None
    assert float(shown.state) == round(booked, 2)
    assert shown.attributes["earned"] == round(booked, 2)
    assert shown.attributes["planned"] == 0.0

    scheduler = entry.runtime_data.scheduler
    await scheduler.async_update_settings(enabled=True)
    await select(
        hass, PACK_MODE, "auto"
    )  # the evening peak: the plan sells what the pack holds
    shown = hass.states.get(TODAY)
    assert shown is not None
    booked = entry.runtime_data.ledger.totals(None, "today").export_revenue
    assert shown.attributes["earned"] == round(booked, 2)
    assert shown.attributes["planned"] > 0
    assert float(shown.state) == round(booked + shown.attributes["planned"], 2)


async def test_what_is_sold_moves_from_planned_to_earned(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Selling as planned leaves today's figure where it was: each krone sold leaves the plan as it is booked."""
    await setup(hass, entry)
    await select(hass, PACK_MODE, "auto")
    scheduler = entry.runtime_data.scheduler
    planned_at = scheduler.planned_at
    before = hass.states.get(TODAY)
    assert before is not None
    assert before.attributes["planned"] > 0
    await run(hass, freezer, 4 * 60)  # still in the quarter hour: no new plan
    assert scheduler.planned_at == planned_at
    after = hass.states.get(TODAY)
    assert after is not None
    sold = after.attributes["earned"] - before.attributes["earned"]
    assert sold > 0.1
    assert after.attributes["planned"] < before.attributes["planned"]
    # Counting the sold minutes in both would raise the figure by what was sold.
    assert abs(float(after.state) - float(before.state)) < sold / 4
