"""With a house sensor in the options, the scheduler plans with the forecast house load."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.v2g_home.const import CONF_HOUSE_POWER_ENTITY
from tests.helpers.ha import setup
from tests.helpers.scheduling import (
    NEXT_ACTION,
    PACK_MODE,
    flat,
    scheduler_of,
    select,
    set_prices,
)

from .test_load_forecast import metadata

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

HOUR = timedelta(hours=1)


async def test_the_plan_carries_the_house_load(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Three weeks of a steady 1.5 kW house: every slot plans for 1.5 kW, and the UI says so."""
    this_hour = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    rows = [
        {"start": this_hour - back * HOUR, "mean": 1500.0, "min": 1500.0, "max": 1500.0}
        for back in range(24 * 21, 0, -1)
    ]
    async_import_statistics(
        hass, metadata("sensor.house_power", "W", has_sum=False), rows
    )
    await async_wait_recording_done(hass)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_HOUSE_POWER_ENTITY: "sensor.house_power"}
    )
    await setup(hass, entry)
    await set_prices(hass, entry, flat(2.0, 0.5))
    scheduler = scheduler_of(entry)
    assert scheduler.grid_only is False
    assert scheduler.plan is not None
    assert [slot.house_load_kw for slot in scheduler.plan.slots] == pytest.approx(
        [1.5] * len(scheduler.plan.slots)
    )
    next_action = hass.states.get(NEXT_ACTION)
    assert next_action is not None
    assert next_action.attributes["planning_mode"] == "with_house"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_without_a_house_sensor_the_plan_is_grid_only(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """No house sensor: no house load in the plan, and the UI says the plan is grid-only."""
    await set_prices(hass, loaded_entry, flat(2.0, 0.5))
    await select(hass, PACK_MODE, "auto")
    scheduler = scheduler_of(loaded_entry)
    assert scheduler.grid_only is True
    assert scheduler.plan is not None
    assert {slot.house_load_kw for slot in scheduler.plan.slots} == {0.0}
    next_action = hass.states.get(NEXT_ACTION)
    assert next_action is not None
    assert next_action.attributes["planning_mode"] == "grid_only"
