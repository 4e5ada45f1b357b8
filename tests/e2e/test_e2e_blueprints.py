"""End to end: the homeowner blueprints drive the real site on the simulator at the price peak."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any

from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest

from tests.helpers.ha import LEAF, state
from tests.helpers.scheduling import CHARGER_MODE, PACK_MODE, select

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    Day,
    connect_without_settle,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant, ServiceCall
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "v2g_home"
BEFORE_PEAK = datetime(2026, 1, 15, 7, 50, tzinfo=UTC)  # 08:50 Danish time
EXPORT_SWITCH = "switch.home_export_allowed"
LEAF_SOC = f"sensor.{LEAF}_battery"


@pytest.fixture(autouse=True)
async def with_blueprints(hass: HomeAssistant, tmp_path: Path) -> AsyncIterator[None]:
    """Our blueprints in the configuration folder, as a manual install puts them."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "v2g_home")
    yield
    # Turning the automations off detaches their time triggers (no lingering timers).
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


async def _automation(hass: HomeAssistant, name: str, **inputs: Any) -> None:
    config = {"use_blueprint": {"path": f"v2g_home/{name}.yaml", "input": inputs}}
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()


async def _learn_leaf_soc(day: Day) -> None:
    """The Quasar reports the Leaf's SoC only while energy flows: a short charge reveals it."""
    await select(day.hass, CHARGER_MODE, "charge")
    await day.run(20)
    await select(day.hass, CHARGER_MODE, "auto")


async def test_pause_export_while_keeping_the_car_full(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """Keep the car full on: the site stops selling; off again: settings restored and selling resumes."""
    quasar.soc_pct = 95.0
    day = Day(hass, freezer, clock, quasar, pack)
    await day.start(entry, at=BEFORE_PEAK)
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"keep_full": {}}}
    )
    assert await async_setup_component(hass, "scene", {})
    await _automation(
        hass,
        "pause_export_while",
        conditions=["input_boolean.keep_full"],
        export_switches=[EXPORT_SWITCH],
        mode_selects=[CHARGER_MODE],
    )
    await _learn_leaf_soc(day)
    await day.run(11 * 60)
    assert quasar.power_kw < -1
    assert pack.power_kw < -1

    await hass.services.async_call(
        "input_boolean",
        "turn_on",
        {"entity_id": "input_boolean.keep_full"},
        blocking=True,
    )
    await day.run(30)
    assert state(hass, EXPORT_SWITCH) == "off"
    assert state(hass, CHARGER_MODE) == "hold"
    assert quasar.power_kw >= 0
    assert pack.power_kw >= 0, "export not allowed: the pack stops selling as well"

    await hass.services.async_call(
        "input_boolean",
        "turn_off",
        {"entity_id": "input_boolean.keep_full"},
        blocking=True,
    )
    await day.run(30)
    assert state(hass, EXPORT_SWITCH) == "on"
    assert state(hass, CHARGER_MODE) == "auto"
    assert quasar.power_kw < -1
    assert pack.power_kw < -1


async def test_boost_charge_before_a_trip(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
) -> None:
    """A low car is charged at once, even at the peak, up to the target; then the plan takes over."""
    quasar.soc_pct = 40.0
    day = Day(hass, freezer, clock, quasar)
    await day.start(entry, at=BEFORE_PEAK)
    battery = er.async_get(hass).async_get(LEAF_SOC)
    assert battery is not None
    assert battery.device_id is not None
    await _automation(
        hass,
        "boost_charge_before_trip",
        car=battery.device_id,
        car_soc=LEAF_SOC,
        minimum_soc=45,
        target_soc=50,
        power_kw=7.4,
        check_from="09:00:00",
        trip_at="11:00:00",
    )
    await _learn_leaf_soc(day)
    await day.run(9 * 60)
    assert quasar.power_kw == 0, (
        "before 09:00 nothing is boosted (and the peak is no time to charge)"
    )
    await day.run(60)
    assert quasar.power_kw > 7
    await day.run(40 * 60)
    # The Quasar reports whole percent, so the boost ends when the car shows 50 % (49.5 % or more).
    assert float(state(hass, LEAF_SOC)) >= 50
    assert quasar.soc_pct >= 49.5
    assert quasar.power_kw <= 0, "target reached: back to the plan"


async def test_daily_summary_reports_what_the_site_sold(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """At the chosen time the phone gets the kWh and kroner the site's today sensors show."""
    sent: list[tuple[dict[str, Any], float, float]] = []

    def phone(call: ServiceCall) -> None:
        """Keep the message with what the sensors showed when it was sent."""
        sold = float(state(hass, "sensor.home_energy_sold_today"))
        revenue = float(state(hass, "sensor.home_export_revenue_today"))
        sent.append((dict(call.data), sold, revenue))

    hass.services.async_register("notify", "phone", phone)
    quasar.soc_pct = 95.0
    day = Day(hass, freezer, clock, quasar, pack)
    await day.start(entry, at=BEFORE_PEAK)
    await _automation(
        hass,
        "daily_revenue_summary",
        energy_sold_today="sensor.home_energy_sold_today",
        revenue_today="sensor.home_export_revenue_today",
        profit_today="sensor.home_net_profit_today",
        send_at="09:30:00",
        notify_action=[
            {
                "action": "notify.phone",
                "data": {"title": "{{ title }}", "message": "{{ message }}"},
            }
        ],
    )
    await _learn_leaf_soc(day)
    await day.run(38 * 60)
    # Everything still at 09:29, so the sensors cannot move while the message is on its way.
    await select(hass, CHARGER_MODE, "hold")
    await select(hass, PACK_MODE, "hold")
    await day.run(60)
    assert not sent
    await day.run(60)
    assert len(sent) == 1
    data, sold, revenue = sent[0]
    assert sold > 1
    assert data["title"] == f"V2G Home: {revenue:.2f} DKK earned today"
    assert f"Sold {sold:.1f} kWh to the grid" in data["message"]
    assert f"({revenue / sold:.2f} DKK/kWh)" in data["message"]
    assert "Net profit" in data["message"]


async def test_next_alarm_sets_the_car_departure(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
) -> None:
    """The phone's next alarm becomes the car's next departure through the real action."""
    day = Day(hass, freezer, clock, quasar)
    await day.start(entry, at=BEFORE_PEAK)
    battery = er.async_get(hass).async_get(LEAF_SOC)
    assert battery is not None
    hass.states.async_set("sensor.phone_next_alarm", "unknown")
    await _automation(
        hass,
        "departure_from_next_alarm",
        next_alarm="sensor.phone_next_alarm",
        car=battery.device_id,
        target_soc=90,
    )
    alarm = datetime(2026, 1, 16, 5, 30, tzinfo=UTC)  # 06:30 Danish time tomorrow
    hass.states.async_set(
        "sensor.phone_next_alarm", alarm.isoformat(), {"device_class": "timestamp"}
    )
    await day.settle()
    car_id = next(iter(entry.runtime_data.devices))
    scheduler = entry.runtime_data.scheduler
    departure = scheduler.departure_for(car_id, dt_util.utcnow())
    assert departure == (alarm + timedelta(minutes=45), 90)
    assert scheduler.last_reason == "departure"
