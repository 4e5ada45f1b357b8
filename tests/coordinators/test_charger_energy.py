"""The car's energy through its charger, counted for the Energy dashboard's battery systems."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import State
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
)

from tests.helpers.ha import CHARGER, poll, setup, state
from tests.helpers.site import DER_SERIAL, charger_data, site_entry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedQuasar,
    )
    from custom_components.v2g_home.devices.simulator.sunspec_der import (
        SimulatedDerStorage,
    )

CHARGED = f"sensor.{CHARGER}_energy_charged"
DISCHARGED = f"sensor.{CHARGER}_energy_discharged"
POLL_S = 10


class Ticker:
    """Home Assistant's clock as the energy counters see it, moved on with the simulator's."""

    def __init__(self, clock: SimClock) -> None:
        """Start at the real now."""
        self.start = dt_util.utcnow()
        self.seconds = 0.0
        self.clock = clock

    def now(self) -> dt_util.dt.datetime:
        """The counters' now."""
        return self.start + timedelta(seconds=self.seconds)

    async def run(self, hass: HomeAssistant, seconds: int) -> None:
        """Let time pass poll by poll on both clocks."""
        for _ in range(seconds // POLL_S):
            self.seconds += POLL_S
            self.clock.advance(POLL_S)
            await poll(hass, POLL_S)


@pytest.fixture
def ticker(clock: SimClock) -> Iterator[Ticker]:
    """The counters stamp each charger poll with this clock."""
    ticking = Ticker(clock)
    with patch(
        "custom_components.v2g_home.accounting.pack_energy.dt_util.utcnow",
        side_effect=ticking.now,
    ):
        yield ticking


async def test_charging_and_discharging_are_counted_apart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    ticker: Ticker,
) -> None:
    """The owner charges at 10 A, then the car is discharged: each way equals what the charger metered."""
    quasar.user_current_a = 10
    await setup(hass, entry)
    await ticker.run(hass, 120)
    charged = quasar.meter.energy_in_kwh
    assert charged > 0
    assert float(state(hass, CHARGED)) == pytest.approx(charged, rel=0.02)
    assert float(state(hass, DISCHARGED)) == 0.0

    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": f"select.{CHARGER}_control_mode", "option": "discharge"},
        blocking=True,
    )
    out_before = quasar.meter.energy_out_kwh
    await ticker.run(hass, 300)
    discharged = quasar.meter.energy_out_kwh - out_before
    assert discharged == pytest.approx(3.68 * 300 / 3600, rel=0.05)
    assert float(state(hass, DISCHARGED)) == pytest.approx(discharged, rel=0.02)
    assert float(state(hass, CHARGED)) == pytest.approx(charged, rel=0.02)
    current = hass.states.get(DISCHARGED)
    assert current.attributes["state_class"] == "total_increasing"


async def test_a_lost_charger_is_not_counted_across_the_gap(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
    ticker: Ticker,
) -> None:
    """While the charger does not answer nothing is counted, and nothing is made up afterwards."""
    quasar.user_current_a = 10
    await setup(hass, entry)
    await ticker.run(hass, 60)
    before = float(state(hass, CHARGED))
    quasar_server.faults.drop_connection = True
    await ticker.run(hass, 20)
    assert state(hass, CHARGED) == STATE_UNAVAILABLE
    quasar_server.faults.drop_connection = False
    ticker.seconds += 600  # ten minutes go by before the next poll answers
    await poll(hass, 600)
    after_gap = float(state(hass, CHARGED))
    assert after_gap == pytest.approx(before, abs=1e-3)
    await ticker.run(hass, 60)
    assert float(state(hass, CHARGED)) > after_gap


async def test_the_total_survives_a_restart(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The lifetime total comes back from the restore cache instead of starting at 0."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(DISCHARGED, "42.5"),
                {"native_value": 42.5, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    await setup(hass, entry)
    assert state(hass, DISCHARGED) == "42.5"
    assert state(hass, CHARGED) == "0.0"


async def test_a_charger_with_counters_shows_its_own(
    hass: HomeAssistant,
    der_server: ModbusSimulator,
    der: SimulatedDerStorage,
    ticker: Ticker,
) -> None:
    """A SunSpec DER device driven as a charger: its lifetime counters, to the watt-hour, not an integral."""
    der.local_power_kw = (
        -3.0
    )  # its own schedule discharges before Home Assistant takes over
    ticker.clock.advance(600)
    entry = site_entry(
        [
            ConfigSubentryData(
                data=charger_data(
                    der_server.port,
                    charger_kind="sunspec_der",
                    leaf_pack="custom",
                    usable_capacity_kwh=13.5,
                    failsafe_timeout_s=120,
                ),
                subentry_type="charger",
                title="DER charger",
                unique_id=DER_SERIAL,
            )
        ]
    )
    await setup(hass, entry)
    await ticker.run(hass, 60)
    out_kwh = round(der.meter.energy_out_kwh * 1000) / 1000
    assert (
        out_kwh > 0.5
    )  # the ten minutes before the site was set up are in the device's counter
    assert float(state(hass, "sensor.der_charger_energy_discharged")) == out_kwh
    assert float(state(hass, "sensor.der_charger_energy_charged")) == 0.0
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
