"""End to end: each control mode of the charger at the price peak, as the simulator and the ledger see it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.helpers.ha import state
from tests.helpers.scheduling import CHARGER_MODE, select

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    Day,
    connect_without_settle,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimClock, SimulatedQuasar

AT_THE_PEAK = datetime(
    2026, 1, 15, 8, 0, tzinfo=UTC
)  # 09:00 Danish time, 2.3 DKK/kWh to sell
SOLD = "sensor.home_energy_sold"
CHARGED = "sensor.home_charging_energy"


def _value(hass: HomeAssistant, entity_id: str) -> float:
    return float(state(hass, entity_id))


async def _switch_to(day: Day, mode: str) -> None:
    """Choose a mode and let one poll see the result."""
    await select(day.hass, CHARGER_MODE, mode)
    await day.run(20)


async def test_each_mode_at_the_peak(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
) -> None:
    """Auto sells, hold never discharges, charge and discharge obey the user, off hands the charger back."""
    quasar.soc_pct = 95.0
    day = Day(hass, freezer, clock, quasar)
    await day.start(entry, at=AT_THE_PEAK)
    await _switch_to(
        day, "charge"
    )  # the Quasar reveals the Leaf's SoC only while energy flows
    await _switch_to(day, "auto")
    assert quasar.power_kw < -1, "auto sells at the peak"

    await _switch_to(day, "hold")
    sold = _value(hass, SOLD)
    await day.run(120)
    assert quasar.power_kw == 0
    assert _value(hass, SOLD) == pytest.approx(sold), "nothing sold while holding"

    await _switch_to(day, "charge")
    charged = _value(hass, CHARGED)
    await day.run(120)
    assert quasar.power_kw > 1, "the user's charge wins over the price"
    assert _value(hass, CHARGED) > charged

    await _switch_to(day, "discharge")
    sold = _value(hass, SOLD)
    await day.run(120)
    assert quasar.power_kw == pytest.approx(
        -3.7, abs=0.3
    )  # the discharge power setting
    assert _value(hass, SOLD) - sold == pytest.approx(3.7 * 120 / 3600, rel=0.05)

    await _switch_to(day, "off")
    await day.run(120)
    assert not quasar.remote_control, "off hands the charger back to its own logic"
    assert quasar.power_kw == 0

    await _switch_to(day, "auto")
    await day.run(60)
    assert quasar.register(81) == 1, "auto takes remote control again"
    assert quasar.power_kw < -1
    assert day.car_meter.lowest_soc_discharging_pct >= 79.5, (
        "never below the trip target"
    )
