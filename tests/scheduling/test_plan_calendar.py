"""The plan calendar: each device's planned windows as events with kWh, money and reason."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from tests.helpers.ha import state
from tests.helpers.scheduling import (
    PACK_MODE,
    QUARTER,
    quarter_start,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

CALENDAR = "calendar.home_plan"
CHEAP, PEAK, DULL = (0.2, 0.0), (4.0, 3.0), (3.5, 0.5)


def cheap_now_peak_later(index: int) -> tuple[float, float]:
    """Cheap for an hour, dull, a peak in four hours, dull again."""
    if index < 4:
        return CHEAP
    return PEAK if 16 <= index < 20 else DULL


async def _events(hass: HomeAssistant, hours: float) -> list[dict[str, str]]:
    now = dt_util.utcnow()
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": now,
            "end_date_time": now + timedelta(hours=hours),
        },
        blocking=True,
        return_response=True,
    )
    return list(response[CALENDAR]["events"])


async def test_charge_and_export_windows_are_events(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The pack charges now and exports at the peak: two events, the calendar is on during the first."""
    await set_prices(hass, loaded_entry, cheap_now_peak_later)
    await select(hass, PACK_MODE, "auto")
    charge, export = await _events(hass, 24)
    assert charge["summary"].startswith("Charge 5.0 kW · V2G Home Simulated")
    assert "kWh · -" in charge["description"]
    assert charge["description"].endswith("Charge while it is cheap")
    peak = dt_util.as_local(quarter_start(dt_util.utcnow()) + 16 * QUARTER)
    assert export["summary"].startswith("Export ")
    assert dt_util.parse_datetime(export["start"]) == peak
    assert dt_util.parse_datetime(export["end"]) <= peak + 4 * QUARTER
    assert "kWh · +" in export["description"]
    assert export["description"].endswith("Export at the peak price")
    assert state(hass, CALENDAR) == "on"
    assert hass.states.get(CALENDAR).attributes["message"] == charge["summary"]

    # A range that ends before the peak holds only the charge.
    assert [e["summary"] for e in await _events(hass, 3)] == [charge["summary"]]


async def test_no_plan_no_events(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Scheduling off: the calendar is empty and off."""
    await set_prices(hass, loaded_entry, cheap_now_peak_later)
    await select(hass, PACK_MODE, "auto")
    await scheduler_of(loaded_entry).async_update_settings(enabled=False)
    await hass.async_block_till_done()
    assert await _events(hass, 24) == []
    assert state(hass, CALENDAR) == "off"
