"""SoC drift re-plans; packs resume their mode after a restart or an outage; overrides expire."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.core import State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache

from custom_components.v2g_home.scheduling.drive import drive_device
from custom_components.v2g_home.scheduling.view import (
    planned_setpoint_kw,
    planned_soc_pct,
)
from tests.helpers.ha import poll, setup, state
from tests.helpers.scheduling import (
    PACK_MODE,
    capture,
    first_slot,
    flat,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimulatedSunSpecPack,
    )

CHEAP_NOW = first_slot((0.2, 0.0), (4.0, 3.0))


async def test_soc_off_the_plan_makes_a_new_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """A pack whose SoC is far from where the plan expects it is planned again."""
    plans = capture(hass, "v2g_home_plan_updated")
    await set_prices(hass, loaded_entry, CHEAP_NOW)
    await select(hass, PACK_MODE, "auto")
    scheduler = scheduler_of(loaded_entry)
    pack_id = list(loaded_entry.subentries)[1]
    expected = planned_soc_pct(scheduler.plan, pack_id, dt_util.utcnow())
    assert expected is not None
    assert 49 < expected < 60
    await poll(hass, 15)
    assert plans[-1]["reason"] == "mode"  # on plan: nothing to do
    assert scheduler.planned_at is not None
    scheduler.planned_at -= timedelta(minutes=2)
    pack.soc_pct = 90.0
    await poll(hass, 15)
    assert plans[-1]["reason"] == "soc_drift"
    charger_id = next(iter(loaded_entry.subentries))
    assert planned_soc_pct(scheduler.plan, charger_id, dt_util.utcnow()) is None
    assert planned_setpoint_kw(scheduler.plan, charger_id, dt_util.utcnow()) == 0
    assert planned_setpoint_kw(None, pack_id, dt_util.utcnow()) == 0
    later = dt_util.utcnow() + timedelta(days=3)
    assert planned_setpoint_kw(scheduler.plan, pack_id, later) == 0
    assert planned_soc_pct(scheduler.plan, pack_id, later) is None


async def test_pack_mode_is_restored_and_resumed_after_an_outage(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
    pack_server: ModbusSimulator,
) -> None:
    """The pack's mode comes back after a restart, and is commanded again after reconnecting."""
    mock_restore_cache(hass, [State(PACK_MODE, "discharge")])
    await setup(hass, entry)
    await poll(hass, 15)
    assert state(hass, PACK_MODE) == "discharge"
    assert pack.power_kw < -4.0
    pack_server.faults.drop_connection = True
    await poll(hass, 15)
    pack_server.faults.drop_connection = False
    for _ in range(3):
        await poll(hass, 60)
    assert state(hass, PACK_MODE) == "discharge"
    assert pack.power_kw < -4.0
    scheduler = scheduler_of(entry)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert pack.power_kw == 0  # handed back to its own logic
    # A late trigger after the unload takes nothing back.
    await scheduler.async_request_replan("late")
    await drive_device(scheduler, list(entry.subentries)[1], "late")
    assert pack.power_kw == 0


async def test_expired_force_and_manual_pack_discharge_at_reserve(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """An override whose end has passed is dropped; a manual discharge holds at the reserve."""
    scheduler = scheduler_of(loaded_entry)
    await set_prices(hass, loaded_entry, flat(1.0, 0.0))
    await select(hass, PACK_MODE, "auto")
    with pytest.raises(HomeAssistantError) as refused:
        await scheduler.async_force(
            device_id=None,
            power_kw=-3.0,
            until=dt_util.utcnow() - timedelta(seconds=1),
        )
    assert refused.value.translation_key == "force_ended"
    assert not scheduler.forces
    assert pack.power_kw == 0
    await scheduler.async_update_settings(reserve_soc_pct=60)
    await select(hass, PACK_MODE, "discharge")
    await poll(hass, 15)
    assert state(hass, PACK_MODE) == "hold"
    assert pack.power_kw == 0
