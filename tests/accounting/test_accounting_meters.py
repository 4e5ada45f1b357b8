"""The ledger's readings: house and grid sensors as power, device counters, polls that fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.v2g_home.accounting.device_flows import (
    DeviceSample,
    flow_between,
    read_device,
)
from custom_components.v2g_home.accounting.meters import MeterReader
from custom_components.v2g_home.coordinators.pack import PackData
from custom_components.v2g_home.devices.models import PackReading, PackState
from tests.helpers.accounting import (
    SITE,
    FrozenClock,
    run,
    v2g_drives_pack,
    value,
)
from tests.helpers.ha import setup

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)
pytestmark = pytest.mark.freeze_time(START, tick=True)
METER = "sensor.meter"


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


async def test_power_sensors_in_watt_and_kilowatt(hass: HomeAssistant) -> None:
    """W and kW are read as kW; text, unknown units and missing sensors are not a reading."""
    reader = MeterReader(hass, METER)
    now = datetime.now(UTC)
    assert reader.power_kw(now) is None
    hass.states.async_set(METER, "1500", {"unit_of_measurement": "W"})
    assert reader.power_kw(now) == 1.5
    hass.states.async_set(METER, "0.4", {"unit_of_measurement": "kW"})
    assert reader.power_kw(now) == 0.4
    hass.states.async_set(METER, "unavailable", {"unit_of_measurement": "kW"})
    assert reader.power_kw(now) is None
    hass.states.async_set(METER, "3", {"unit_of_measurement": "A"})
    assert reader.power_kw(now) is None


async def test_energy_counter_becomes_power(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A kWh counter gives the power between its last two changes; still for 5 minutes means 0."""
    hass.states.async_set(METER, "10.0", {"unit_of_measurement": "kWh"})
    first = hass.states.get(METER)
    reader = MeterReader(hass, METER)
    reader.async_start()
    assert reader.power_kw(datetime.now(UTC)) is None  # one reading is no rate yet
    freezer.tick(timedelta(seconds=36))
    hass.states.async_set(METER, "10.02", {"unit_of_measurement": "kWh"})
    await hass.async_block_till_done()
    second = hass.states.get(METER)
    assert first is not None
    assert second is not None
    # The rate is taken between the states' own timestamps; on a loaded machine HA's state clock
    # can run a little beside the frozen test clock, so compare with those, not with the 36 s tick.
    hours = (second.last_updated - first.last_updated).total_seconds() / 3600
    assert hours == pytest.approx(0.01, rel=0.05)
    assert reader.power_kw(datetime.now(UTC)) == pytest.approx(0.02 / hours, rel=1e-6)
    freezer.tick(timedelta(seconds=36))
    hass.states.async_set(METER, "20", {"unit_of_measurement": "Wh"})  # reset
    await hass.async_block_till_done()
    assert reader.power_kw(datetime.now(UTC)) is None
    later = datetime.now(UTC) + timedelta(minutes=6)
    assert reader.power_kw(later) == 0.0
    reader.async_stop()
    reader.async_stop()


def test_device_counters_win_over_power() -> None:
    """A pack with its own kWh counters is accounted by their deltas, not by integrating power."""
    before = DeviceSample(
        at=START, power_kw=-1.0, charged_counter_kwh=5.0, discharged_counter_kwh=7.0
    )
    after = DeviceSample(
        at=START + timedelta(seconds=60),
        power_kw=-1.0,
        charged_counter_kwh=5.0,
        discharged_counter_kwh=7.5,
    )
    assert flow_between(before, after).exported_kwh == pytest.approx(0.5)
    reset = DeviceSample(
        at=START + timedelta(seconds=60),
        power_kw=-1.0,
        charged_counter_kwh=0.0,
        discharged_counter_kwh=0.0,
    )
    assert flow_between(before, reset).exported_kwh == pytest.approx(1.0 / 60)
    gap = DeviceSample(at=START + timedelta(minutes=6), power_kw=-1.0)
    assert flow_between(before, gap).discharged_kwh == 0.0


def test_a_pack_without_power_gives_no_sample() -> None:
    """No power reading, nothing to integrate."""
    reading = PackReading(
        soc_pct=50.0,
        soh_pct=None,
        power_kw=None,
        capacity_kwh=None,
        state=PackState.IDLE,
    )
    coordinator: Any = SimpleNamespace(
        data=PackData(reading=reading, measured_at=START)
    )
    assert read_device(coordinator) is None


async def test_no_energy_is_guessed_while_a_device_does_not_answer(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """During an outage nothing is counted; after it counting resumes from the next good poll."""
    await setup(hass, entry)
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 30)
    sold = value(hass, f"{SITE}_energy_sold")
    assert sold > 0
    pack_server.faults.exception_code = 4
    await run(hass, freezer, 60)
    assert value(hass, f"{SITE}_energy_sold") == sold
    pack_server.faults.clear()
    await run(hass, freezer, 2 * 60)
    assert value(hass, f"{SITE}_energy_sold") > sold
