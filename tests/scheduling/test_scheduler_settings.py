"""Settings survive a restart; house forecast, overrides, one-off departures and the plan as data."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.control.settings import SchedulerSettings
from tests.helpers.ha import poll, state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    PACK_MODE,
    first_slot,
    flat,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )
    from custom_components.v2g_home.planner.model import Slot


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_settings_survive_a_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Every setting changed through its entity is back after the site is reloaded."""
    for entity_id, value in (
        ("number.home_reserve_state_of_charge", 25),
        ("number.home_departure_target_state_of_charge", 70),
        ("number.home_maximum_export_power", 6.5),
        ("number.home_battery_wear_cost", 0.3),
    ):
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": entity_id, "value": value},
            blocking=True,
        )
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.home_export_allowed"}, blocking=True
    )
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.home_departure_time", "time": "05:45:00"},
        blocking=True,
    )
    expected = SchedulerSettings(
        reserve_soc_pct=25,
        departure_target_soc_pct=70,
        max_export_kw=6.5,
        wear_per_kwh=0.3,
        export_allowed=False,
        departure_time=time(5, 45),
    )
    assert scheduler_of(loaded_entry).settings == expected
    assert f"v2g_home.scheduler.{loaded_entry.entry_id}" in hass_storage
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert scheduler_of(loaded_entry).settings == expected
    assert state(hass, "number.home_reserve_state_of_charge") == "25.0"
    assert state(hass, "switch.home_export_allowed") == "off"
    assert state(hass, "number.home_battery_wear_cost") == "0.3"


async def test_unreadable_stored_settings_fall_back_to_defaults(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A damaged store starts with the defaults instead of failing the site."""
    hass_storage[f"v2g_home.scheduler.{entry.entry_id}"] = {
        "version": 1,
        "key": f"v2g_home.scheduler.{entry.entry_id}",
        "data": {"reserve_soc_pct": "lots"},
    }
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert scheduler_of(entry).settings == SchedulerSettings()
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_house_forecast_makes_the_plan_serve_the_home(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """With a house load forecast the pack serves the home at dear prices, and the UI says so."""
    scheduler = scheduler_of(loaded_entry)
    await scheduler.async_update_settings(export_allowed=False)

    async def house(_hass: HomeAssistant, slots: Sequence[Slot]) -> list[float]:
        return [2.0] * len(slots)

    scheduler.house_forecast_provider = house
    await set_prices(hass, loaded_entry, first_slot((4.0, 0.5), (0.5, 0.1)))
    await select(hass, PACK_MODE, "auto")
    assert state(hass, "sensor.home_planning_mode") == "with_house"
    assert state(hass, "sensor.home_next_action") == "serve_home"
    assert -2.5 < pack.power_kw < -1.0

    async def broken(_hass: HomeAssistant, _slots: Sequence[Slot]) -> list[float]:
        raise RuntimeError("no history")

    scheduler.house_forecast_provider = broken
    await scheduler.async_request_replan("test")
    assert state(hass, "sensor.home_planning_mode") == "grid_only"


async def test_force_overrides_the_plan_until_the_target(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """A forced export runs although the plan would idle, and ends at the target SoC."""
    scheduler = scheduler_of(loaded_entry)
    with pytest.raises(HomeAssistantError):
        await scheduler.async_force(
            device_id=None, power_kw=-3.0, until=dt_util.utcnow() + timedelta(hours=1)
        )
    await set_prices(hass, loaded_entry, flat(1.0, 0.0))
    await select(hass, PACK_MODE, "auto")
    assert pack.power_kw == 0
    await scheduler.async_force(
        device_id=None,
        power_kw=-3.0,
        until=dt_util.utcnow() + timedelta(hours=1),
        target_soc_pct=45.0,
    )
    assert pack.power_kw == pytest.approx(-3.0, abs=0.1)
    pack.soc_pct = 44.0
    await poll(hass, 15)
    await poll(hass, 15)
    assert pack.power_kw == 0
    assert not scheduler.forces


async def test_plan_as_dict(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """The get_plan response: every slot with prices and each device's setpoint, SoC and reason."""
    scheduler = scheduler_of(loaded_entry)
    assert scheduler.plan_as_dict()["slots"] == []
    await set_prices(hass, loaded_entry, first_slot((0.2, 0.0), (4.0, 3.0)))
    await select(hass, CHARGER_MODE, "auto")
    plan = scheduler.plan_as_dict()
    assert len(plan["slots"]) == 96
    first = plan["slots"][0]
    device = next(iter(first["devices"].values()))
    assert device["name"] == "Wallbox Quasar 1"
    assert device["setpoint_kw"] > 7.0
    assert device["reason"].startswith("charge_")
    assert first["buy_per_kwh"] == 0.2
    assert plan["feasible"] is True
    assert plan["totals"]["export_revenue"] >= 0
    assert datetime.fromisoformat(plan["planned_at"]) <= dt_util.utcnow()
    assert quasar.power_kw > 7.0
    charger_id = next(iter(loaded_entry.subentries))
    assert plan["now"][charger_id] == {
        "setpoint_kw": pytest.approx(device["setpoint_kw"]),
        "reason": "plan",
        "verdict": "ok",
    }
