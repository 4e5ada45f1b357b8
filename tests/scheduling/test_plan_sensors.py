"""The plan sensors users read: next action with when and how long, revenue today and tomorrow, profit."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.recorder.history import get_significant_states
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.v2g_home.scheduling.view import expected_revenue
from tests.helpers.ha import state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    NEXT_ACTION,
    PACK_MODE,
    QUARTER,
    flat,
    forecast,
    quarter_start,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimulatedQuasar

TODAY = "sensor.home_expected_export_revenue_today"
TOMORROW = "sensor.home_expected_export_revenue_tomorrow"
PROFIT = "sensor.home_estimated_profit_this_plan"
IDLE_PRICES = (3.5, 0.5)  # dear to buy, cheap to sell: nothing worth doing
PEAK = (4.0, 3.0)


def peak_in_two_hours(index: int) -> tuple[float, float]:
    """Nothing to do for two hours, then an hour's peak, then nothing again."""
    return PEAK if 8 <= index < 12 else IDLE_PRICES


async def test_next_action_says_when_and_for_how_long(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Idle now, a peak in two hours: the next action is the export then, with its power and length."""
    await set_prices(hass, loaded_entry, peak_in_two_hours)
    await select(hass, PACK_MODE, "auto")
    assert state(hass, NEXT_ACTION) == "export"
    attributes = hass.states.get(NEXT_ACTION).attributes
    peak_start = quarter_start(dt_util.utcnow()) + 8 * QUARTER
    assert attributes["current"] == "idle"
    assert attributes["reason"] == "export_peak"
    assert attributes["starts_at"] == peak_start
    assert peak_start < attributes["ends_at"] <= peak_start + 4 * QUARTER
    assert attributes["duration_minutes"] == round(
        (attributes["ends_at"] - peak_start).total_seconds() / 60
    )
    # The pack's 10 kWh from 50 % down to the 20 % reserve, at up to 5 kW, into the peak's sell price.
    assert attributes["energy_kwh"] == pytest.approx(3.0 * 0.95, abs=0.2)
    assert 0 < attributes["power_kw"] <= 5.0
    assert attributes["money"] == pytest.approx(
        attributes["energy_kwh"] * 3.0, rel=0.01
    )


async def test_revenue_tomorrow_counts_the_exports_planned_tomorrow(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Tomorrow's evening peak is planned: tomorrow's figure is that export at tomorrow's price."""
    tomorrow_evening = dt_util.start_of_local_day() + timedelta(days=1, hours=18)

    def peak_tomorrow_evening(index: int) -> tuple[float, float]:
        start = quarter_start(dt_util.utcnow()) + index * QUARTER
        in_peak = tomorrow_evening <= start < tomorrow_evening + timedelta(hours=1)
        return PEAK if in_peak else IDLE_PRICES

    loaded_entry.runtime_data.prices.async_set_updated_data(
        forecast(peak_tomorrow_evening, hours=48)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    await select(hass, PACK_MODE, "auto")
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    tomorrow = float(state(hass, TOMORROW))
    assert tomorrow > 0
    assert tomorrow == expected_revenue(plan, tomorrow_evening.date())
    assert tomorrow == pytest.approx(sum(plan.grid_export_kw) * 0.25 * 3.0, abs=0.01)
    assert float(state(hass, TODAY)) == 0.0


async def test_profit_is_what_the_plan_saves(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The estimated profit is the plan's saving over doing nothing; its horizon is an attribute."""
    await set_prices(hass, loaded_entry, peak_in_two_hours)
    await select(hass, PACK_MODE, "auto")
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert plan.totals.savings > 0
    profit = hass.states.get(PROFIT)
    assert float(profit.state) == round(plan.totals.savings, 2)
    assert profit.attributes["unit_of_measurement"] == "DKK"
    assert profit.attributes["until"] == plan.slots[-1].end
    assert profit.attributes["export_revenue"] == round(plan.totals.export_revenue, 2)


async def test_without_a_plan_the_money_is_zero_never_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Scheduling off: no plan, so the figures are 0 and the card is told why."""
    await set_prices(hass, loaded_entry, peak_in_two_hours)
    await select(hass, PACK_MODE, "auto")
    await scheduler_of(loaded_entry).async_update_settings(enabled=False)
    await hass.async_block_till_done()
    assert state(hass, NEXT_ACTION) == "disabled"
    for entity_id in (TODAY, TOMORROW, PROFIT):
        assert float(state(hass, entity_id)) == 0.0
    assert hass.states.get(NEXT_ACTION).attributes["plan"]["status"] == "disabled"


def _status(hass: HomeAssistant) -> str:
    return hass.states.get(NEXT_ACTION).attributes["plan"]["status"]


async def test_the_card_is_told_why_there_is_no_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Every device by hand, the car away, no prices: each is a status the card shows as such."""
    await set_prices(hass, loaded_entry, flat(1.0, 0.5))
    assert _status(hass) == "manual"
    quasar.plugged_in = False
    await select(hass, CHARGER_MODE, "auto")
    assert _status(hass) == "car_away"
    assert hass.states.get(NEXT_ACTION).attributes["plan"]["away"] == [
        "Wallbox Quasar 1"
    ]
    await select(hass, PACK_MODE, "auto")
    assert _status(hass) == "ok"
    later = forecast(flat(1.0, 0.5), start=dt_util.utcnow() + timedelta(days=2))
    loaded_entry.runtime_data.prices.async_set_updated_data(later)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _status(hass) == "no_prices"


async def test_the_plan_and_its_timings_stay_out_of_the_recorder(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The recorder keeps the action and its reason, not the plan or the times that move with it."""
    start = dt_util.utcnow()
    await set_prices(hass, loaded_entry, peak_in_two_hours)
    await select(hass, PACK_MODE, "auto")
    await async_wait_recording_done(hass)
    history = await hass.async_add_executor_job(
        get_significant_states, hass, start, None, [NEXT_ACTION]
    )
    recorded = history[NEXT_ACTION][-1]
    assert recorded.state == "export"
    assert recorded.attributes["reason"] == "export_peak"
    assert not {"plan", "starts_at", "planned_at", "trigger"} & set(recorded.attributes)
    assert "plan" in hass.states.get(NEXT_ACTION).attributes
