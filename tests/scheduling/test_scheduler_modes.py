"""Each control mode, the site switch, the re-plan button and what makes the scheduler plan again."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.helpers.ha import poll, state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    NEXT_ACTION,
    PACK_MODE,
    capture,
    first_slot,
    flat,
    quarter_start,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

CHEAP_NOW = first_slot((0.2, 0.0), (4.0, 3.0))


async def test_pack_modes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """The pack's select drives it: charge and discharge at rated power, hold, auto, off."""
    assert state(hass, PACK_MODE) == "off"
    await select(hass, PACK_MODE, "charge")
    assert pack.power_kw > 4.0
    await select(hass, PACK_MODE, "discharge")
    assert pack.power_kw < -4.0
    await select(hass, PACK_MODE, "hold")
    assert pack.power_kw == 0
    await set_prices(hass, loaded_entry, CHEAP_NOW)
    await select(hass, PACK_MODE, "auto")
    assert pack.power_kw > 4.0
    assert state(hass, PACK_MODE) == "auto"
    await select(hass, PACK_MODE, "off")
    assert state(hass, PACK_MODE) == "off"


async def test_manual_modes_are_left_alone(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Charge, hold and off keep what the user chose whatever the plan says."""
    await set_prices(hass, loaded_entry, first_slot((4.0, 3.0), (0.2, 0.0)))
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    assert quasar.power_kw > 3.0
    await select(hass, CHARGER_MODE, "hold")
    await poll(hass)
    assert quasar.power_kw == 0
    assert quasar.remote_control
    await select(hass, CHARGER_MODE, "off")
    await poll(hass)
    assert not quasar.remote_control


async def test_manual_discharge_stops_at_the_reserve(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Discharge (export now) turns to hold once the SoC is at the reserve."""
    await scheduler_of(loaded_entry).async_update_settings(reserve_soc_pct=60)
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    await select(hass, CHARGER_MODE, "discharge")
    await poll(hass)
    assert state(hass, CHARGER_MODE) == "hold"
    assert quasar.power_kw == 0


async def test_scheduling_switch(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Switched off, devices in auto idle and the sensor says so; switched on, they follow again."""
    await set_prices(hass, loaded_entry, CHEAP_NOW)
    await select(hass, CHARGER_MODE, "auto")
    assert quasar.power_kw > 7.0
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.home_scheduling"}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert quasar.power_kw == 0
    assert state(hass, NEXT_ACTION) == "disabled"
    assert state(hass, "switch.home_scheduling") == "off"
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.home_scheduling"}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert quasar.power_kw > 7.0
    assert state(hass, NEXT_ACTION) == "charge"


async def test_export_not_allowed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """With export switched off, a dear price with no house load makes no discharge."""
    await set_prices(hass, loaded_entry, flat(4.0, 3.0))
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.home_export_allowed"}, blocking=True
    )
    await select(hass, PACK_MODE, "auto")
    assert pack.power_kw == 0
    assert scheduler_of(loaded_entry).settings.export_allowed is False


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_replan_triggers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """New prices, the button, a slot boundary, a setting, a mode and the plug each make a plan."""
    plans = capture(hass, "v2g_home_plan_updated")
    await set_prices(hass, loaded_entry, CHEAP_NOW)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.home_plan_again_now"}, blocking=True
    )
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.home_departure_time", "time": "06:30:00"},
        blocking=True,
    )
    await select(hass, CHARGER_MODE, "auto")
    async_fire_time_changed(
        hass, quarter_start(dt_util.utcnow()) + timedelta(minutes=15)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    quasar.plugged_in = False
    await poll(hass)
    reasons = [plan["reason"] for plan in plans]
    assert reasons[:4] == ["prices", "button", "settings", "mode"]
    assert "slot" in reasons
    assert reasons[-1] == "unavailable"
    assert state(hass, "time.home_departure_time") == "06:30:00"
    assert quasar.power_kw == 0
