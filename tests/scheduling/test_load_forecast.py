"""House load forecast from the recorder's long-term statistics of the house sensor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.components.recorder.models import (
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import async_import_statistics
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.v2g_home.const import CONF_HOUSE_POWER_ENTITY
from custom_components.v2g_home.planner.model import Slot
from custom_components.v2g_home.scheduling.house_forecast import (
    forecast_house_load,
    house_forecast_provider,
)
from tests.helpers.site import site_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

HOUR = timedelta(hours=1)
NOW = datetime(2026, 2, 2, 10, 20, tzinfo=UTC)  # a Monday, 11:20 in Denmark
THIS_HOUR = NOW.replace(minute=0)
POWER = "sensor.house_power"
METER = "sensor.house_energy"


def house_entry(hass: HomeAssistant, entity_id: str | None) -> MockConfigEntry:
    """A site whose options point at the house sensor (or at none)."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    if entity_id:
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_HOUSE_POWER_ENTITY: entity_id}
        )
    return entry


def slots(*starts: datetime) -> list[Slot]:
    """Quarter-hour slots with arbitrary prices."""
    return [
        Slot(
            start=start,
            duration=timedelta(minutes=15),
            buy_price_per_kwh=2.0,
            sell_price_per_kwh=1.0,
        )
        for start in starts
    ]


def metadata(statistic_id: str, unit: str, *, has_sum: bool) -> Any:
    """Statistics metadata as the sensor integration records it."""
    meta: dict[str, Any] = {
        "mean_type": StatisticMeanType.NONE
        if has_sum
        else StatisticMeanType.ARITHMETIC,
        "has_sum": has_sum,
        "name": None,
        "source": "recorder",
        "statistic_id": statistic_id,
        "unit_of_measurement": unit,
    }
    if "unit_class" in StatisticMetaData.__annotations__:
        # HA 2026.11 requires it; HA 2025.4's recorder refuses it.
        meta["unit_class"] = {"kWh": "energy", "W": "power", "kW": "power"}.get(unit)
    return meta


async def import_power_watts(
    hass: HomeAssistant,
    hours: int,
    watts: Any,
    statistic_id: str = POWER,
    unit: str = "W",
) -> None:
    """Hourly means of a power sensor for the `hours` hours before now; `watts` sees the hour's start."""
    rows = []
    for back in range(hours, 0, -1):
        start = THIS_HOUR - back * HOUR
        value = float(watts(start))
        rows.append({"start": start, "mean": value, "min": value, "max": value})
    async_import_statistics(hass, metadata(statistic_id, unit, has_sum=False), rows)
    await async_wait_recording_done(hass)


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Monday 2 February 2026, 10:20 UTC."""
    freezer.move_to(NOW)
    return freezer


async def test_power_sensor_history_in_watts_becomes_kw_per_slot(
    hass: HomeAssistant,
) -> None:
    """Four weeks of a power sensor in W: 18:00 Danish time is 2.4 kW, other hours 400 W."""
    await import_power_watts(
        hass, 24 * 28, lambda start: 2400 if start.hour == 17 else 400
    )
    entry = house_entry(hass, POWER)
    evening = datetime(2026, 2, 2, 17, tzinfo=UTC)
    forecast = await forecast_house_load(
        hass, entry, slots(evening, evening + timedelta(minutes=45), evening + HOUR)
    )
    assert forecast == pytest.approx([2.4, 2.4, 0.4])


async def test_energy_meter_history_is_read_as_hourly_change(
    hass: HomeAssistant,
) -> None:
    """A kWh meter that grows 1.5 kWh every hour: the house draws 1.5 kW."""
    rows = [
        {
            "start": THIS_HOUR - back * HOUR,
            "state": 1000 - 1.5 * back,
            "sum": 1000 - 1.5 * back,
        }
        for back in range(24 * 3, 0, -1)
    ]
    async_import_statistics(hass, metadata(METER, "kWh", has_sum=True), rows)
    await async_wait_recording_done(hass)
    entry = house_entry(hass, METER)
    forecast = await forecast_house_load(hass, entry, slots(THIS_HOUR + 2 * HOUR))
    assert forecast == pytest.approx([1.5])


async def test_without_a_house_sensor_the_plan_is_grid_only(
    hass: HomeAssistant,
) -> None:
    """No house sensor in the options: no forecast at all."""
    entry = house_entry(hass, None)
    assert await forecast_house_load(hass, entry, slots(THIS_HOUR + HOUR)) is None


async def test_a_sensor_without_statistics_gives_no_forecast(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A sensor that has neither statistics nor a state with a unit: grid-only, with a warning."""
    entry = house_entry(hass, POWER)
    with caplog.at_level(logging.WARNING):
        assert await forecast_house_load(hass, entry, slots(THIS_HOUR + HOUR)) is None
    assert "sensor.house_power has no history in W, kW, Wh or kWh" in caplog.text


async def test_statistics_in_a_foreign_unit_give_no_forecast(
    hass: HomeAssistant,
) -> None:
    """A temperature picked by mistake is not read as kW."""
    await import_power_watts(hass, 48, lambda _: 21.0, unit="°C")
    entry = house_entry(hass, POWER)
    assert await forecast_house_load(hass, entry, slots(THIS_HOUR + HOUR)) is None


async def test_the_recorder_is_read_once_an_hour(
    hass: HomeAssistant, frozen_now: FrozenDateTimeFactory
) -> None:
    """New statistics show up in the forecast from the next hour on, not at every re-plan."""
    await import_power_watts(hass, 48, lambda _: 1000, unit="W")
    entry = house_entry(hass, POWER)
    provider = house_forecast_provider(entry)
    tomorrow = slots(THIS_HOUR + 24 * HOUR)
    assert await provider(hass, tomorrow) == pytest.approx([1.0])
    await import_power_watts(hass, 48, lambda _: 3000, unit="W")
    assert await provider(hass, tomorrow) == pytest.approx([1.0])
    frozen_now.tick(HOUR)
    assert await provider(hass, tomorrow) == pytest.approx([3.0])


async def record_states(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entity_id: str,
    unit: str,
    values: list[tuple[datetime, str]],
) -> None:
    """Record the sensor's states at past times (no state class: no statistics), then return to now."""
    for moment, value in values:
        freezer.move_to(moment)
        hass.states.async_set(entity_id, value, {"unit_of_measurement": unit})
        await hass.async_block_till_done()
    freezer.move_to(NOW)
    await async_wait_recording_done(hass)


async def test_power_sensor_without_statistics_is_read_from_its_states(
    hass: HomeAssistant, frozen_now: FrozenDateTimeFactory
) -> None:
    """1.2 kW for two days, unavailable for a while, then 1.2 kW again: the house draws 1.2 kW."""
    start = THIS_HOUR - 48 * HOUR
    await record_states(
        hass,
        frozen_now,
        POWER,
        "kW",
        [
            (start, "1.2"),
            (start + 20 * HOUR, "unavailable"),
            (start + 22 * HOUR, "1.2"),
        ],
    )
    entry = house_entry(hass, POWER)
    forecast = await forecast_house_load(hass, entry, slots(THIS_HOUR + 20 * HOUR))
    assert forecast == pytest.approx([1.2])


async def test_energy_meter_without_statistics_is_read_from_its_states(
    hass: HomeAssistant, frozen_now: FrozenDateTimeFactory
) -> None:
    """A Wh counter read every 30 minutes, 400 Wh each time: 0.8 kW."""
    start = THIS_HOUR - 30 * HOUR
    await record_states(
        hass,
        frozen_now,
        METER,
        "Wh",
        [(start + index * HOUR / 2, str(10_000 + 400 * index)) for index in range(60)],
    )
    entry = house_entry(hass, METER)
    forecast = await forecast_house_load(hass, entry, slots(THIS_HOUR + 3 * HOUR))
    assert forecast == pytest.approx([0.8])
