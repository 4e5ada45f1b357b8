"""The scheduler drives the charger and the pack in auto mode from the plan."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from tests.helpers.ha import poll, state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    NEXT_ACTION,
    PACK_MODE,
    capture,
    first_slot,
    flat,
    forecast,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

CHEAP = (0.2, 0.0)
DEAR = (4.0, 3.0)


async def test_auto_charges_in_the_cheap_slot(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """Cheap now, dear later: both devices charge now at full power and the sensor says so."""
    plans = capture(hass, "v2g_home_plan_updated")
    await set_prices(hass, loaded_entry, first_slot(CHEAP, DEAR))
    await select(hass, CHARGER_MODE, "auto")
    await select(hass, PACK_MODE, "auto")
    assert quasar.power_kw > 7.0
    assert pack.power_kw > 4.0
    assert state(hass, NEXT_ACTION) == "charge"
    assert [p["reason"] for p in plans] == ["prices", "mode", "mode"]
    attributes = hass.states.get(NEXT_ACTION).attributes
    assert attributes["planning_mode"] == "grid_only"
    plan = attributes["plan"]
    assert plan["status"] == "ok"
    assert len(plan["buy"]) == len(plan["sell"]) == len(plan["t"]) - 1 == 96
    assert [len(device["kw"]) for device in plan["devices"]] == [96, 96]
    assert plan["next"]["a"] == "charge"
    # The cheap slot at full power on both. (The window `power_kw` averages may run on into the next
    # slot: at some hours of the day the car goes on charging to its reserve there.)
    first = sum(device["kw"][0] for device in plan["devices"])
    assert first == pytest.approx(7.4 + 5.0, abs=0.1)  # + is charging
    assert attributes["power_kw"] >= 7.4
    assert scheduler_of(loaded_entry).plan is not None


async def test_without_reserves_the_plan_ends_with_the_published_prices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Expected prices after the published ones feed only a reserve offer: an energy-only plan ignores them."""
    published = forecast(flat(1.0, 0.8), hours=12)
    after = forecast(flat(0.1, 0.0), hours=24, start=published.slots[-1].end)
    loaded_entry.runtime_data.prices.async_set_updated_data(
        replace(published, expected=after.slots)
    )
    await select(hass, PACK_MODE, "auto")
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert plan.slots[-1].end == published.slots[-1].end
    assert plan.ahead_slots == ()


async def learn_leaf_soc(hass: HomeAssistant) -> None:
    """The Leaf reports its SoC only while the charger runs: charge for one poll."""
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    await poll(hass)


async def set_number(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Change a setting as a user would."""
    await hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id, "value": value}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_auto_exports_at_the_peak_and_stops_at_the_floor(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    clock: SimClock,
) -> None:
    """Dear now: the Leaf exports, until its SoC reaches the departure target; events say so."""
    started = capture(hass, "v2g_home_export_started")
    stopped = capture(hass, "v2g_home_export_stopped")
    await set_prices(hass, loaded_entry, first_slot(DEAR, (0.5, 0.1)))
    await learn_leaf_soc(hass)
    await set_number(hass, "number.home_reserve_state_of_charge", 10)
    await set_number(hass, "number.home_departure_target_state_of_charge", 40)
    await select(hass, CHARGER_MODE, "auto")
    assert quasar.power_kw < -7.0
    assert state(hass, NEXT_ACTION) == "export"
    assert started[-1]["device_ids"] == [next(iter(loaded_entry.subentries))]
    assert started[-1]["power_kw"] < -7.0
    assert not stopped
    revenue = float(state(hass, "sensor.home_expected_export_revenue_today"))
    tomorrow = state(hass, "sensor.home_expected_export_revenue_tomorrow")
    assert revenue > 0 or float(tomorrow) > 0

    # 7.4 kW out of 37 kWh: 40 % is reached within the hour; the setpoint follows the SoC.
    for _ in range(12):
        clock.advance(300)
        await poll(hass)
    assert quasar.soc_pct >= 39.0
    assert quasar.power_kw == 0
    assert len(stopped) == 1
