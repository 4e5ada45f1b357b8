"""Packs in Home Assistant: readings, energy counters for the Energy dashboard, profile packs."""

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

from custom_components.v2g_home.accounting.pack_energy import integrate_kwh
from custom_components.v2g_home.devices.models import PackReading, PackState
from custom_components.v2g_home.devices.simulator import ModbusSimulator
from custom_components.v2g_home.devices.sunspec import SunSpecPack
from custom_components.v2g_home.devices.transport import ModbusTransport
from tests.helpers.ha import PACK, poll, setup, state
from tests.helpers.profile_device import GenericProfileBattery
from tests.helpers.site import pack_data, site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedSunSpecPack,
    )

DISCHARGED = f"sensor.{PACK}_energy_discharged"
CHARGED = f"sensor.{PACK}_energy_charged"


async def command_pack(server: ModbusSimulator, power_kw: float) -> None:
    """Set the pack's power the way a scheduler would (SunSpec model 124)."""
    driver = SunSpecPack(ModbusTransport("127.0.0.1", server.port, 1))
    try:
        await driver.connect()
        await driver.set_power_kw(power_kw)
    finally:
        await driver.close()


async def test_pack_readings(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """SoC, health, power, stored energy, rated capacity and state as the pack reports them."""
    assert state(hass, f"sensor.{PACK}_battery") == "50.0"
    assert state(hass, f"sensor.{PACK}_state_of_health") == "97.0"
    assert state(hass, f"sensor.{PACK}_power") == "0.0"
    assert state(hass, f"sensor.{PACK}_stored_energy") == "5.0"
    assert state(hass, f"sensor.{PACK}_rated_capacity") == "10.0"
    assert state(hass, CHARGED) == "0.0"
    current = hass.states.get(DISCHARGED)
    assert current is not None
    assert current.attributes["state_class"] == "total_increasing"
    assert current.attributes["device_class"] == "energy"
    assert current.attributes["unit_of_measurement"] == "kWh"


async def test_energy_counters_match_the_metered_energy(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
    clock: SimClock,
) -> None:
    """Without device counters, kWh are integrated from power: equal to what the simulator metered."""
    await command_pack(pack_server, -2.0)
    start = dt_util.utcnow()
    seconds = 0
    with patch(
        "custom_components.v2g_home.coordinators.pack.dt_util.utcnow",
        side_effect=lambda: start + timedelta(seconds=seconds),
    ):
        await setup(hass, entry)
        metered_before = pack.meter.energy_out_kwh
        for _ in range(8):
            seconds += 15
            clock.advance(15)
            await poll(hass, 15)
    assert float(state(hass, f"sensor.{PACK}_power")) == pytest.approx(-2.0)
    assert state(hass, f"sensor.{PACK}_state") == "discharging"
    metered = pack.meter.energy_out_kwh - metered_before
    assert metered == pytest.approx(2.0 * 120 / 3600)
    assert float(state(hass, DISCHARGED)) == pytest.approx(metered, rel=1e-3)
    assert state(hass, CHARGED) == "0.0"


async def test_energy_counter_restored_after_restart(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The lifetime total survives a restart instead of starting again at 0."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(DISCHARGED, "12.5"),
                {"native_value": 12.5, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    await setup(hass, entry)
    assert state(hass, DISCHARGED) == "12.5"
    assert state(hass, CHARGED) == "0.0"


async def test_pack_unavailable_on_garbage(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack_server: ModbusSimulator
) -> None:
    """Implausible values make the pack unavailable rather than showing them."""
    pack_server.faults.garbage = True
    await poll(hass, 15)
    assert state(hass, f"sensor.{PACK}_battery") == STATE_UNAVAILABLE
    assert state(hass, DISCHARGED) == STATE_UNAVAILABLE
    pack_server.faults.garbage = False
    await poll(hass, 30)
    assert state(hass, f"sensor.{PACK}_battery") == "50.0"


async def test_profile_pack_uses_device_counters(hass: HomeAssistant) -> None:
    """A pack described by a profile: readings mapped by the profile, energy from its own counters."""
    server = ModbusSimulator({1: GenericProfileBattery()})
    await server.start()
    try:
        entry = site_entry(
            [
                ConfigSubentryData(
                    data=pack_data(server.port, pack_driver="generic_modbus_battery"),
                    subentry_type="pack",
                    title="Example Generic Modbus battery",
                    unique_id="GEN-0042",
                )
            ]
        )
        await setup(hass, entry)
        prefix = "sensor.example_generic_modbus_battery"
        assert state(hass, f"{prefix}_battery") == "64.5"
        assert state(hass, f"{prefix}_power") == "1.5"
        assert state(hass, f"{prefix}_state") == "charging"
        assert state(hass, f"{prefix}_energy_charged") == "123.4"
        assert state(hass, f"{prefix}_energy_discharged") == "56.7"
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await server.stop()


async def test_pack_reporting_little_gets_only_those_sensors(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """No health, capacity or power: those sensors are not created and the counters stay unknown."""
    sparse = PackReading(
        soc_pct=42.0,
        soh_pct=None,
        power_kw=None,
        capacity_kwh=None,
        state=PackState.IDLE,
    )
    with patch.object(SunSpecPack, "read", return_value=sparse):
        await setup(hass, entry)
        assert state(hass, f"sensor.{PACK}_battery") == "42.0"
        for missing in ("state_of_health", "stored_energy", "rated_capacity"):
            assert hass.states.get(f"sensor.{PACK}_{missing}") is None
        assert state(hass, f"sensor.{PACK}_power") == "unknown"
        assert state(hass, DISCHARGED) == "unknown"
        await hass.config_entries.async_unload(entry.entry_id)


def test_integration_between_two_polls() -> None:
    """Trapezoid per direction; nothing across a gap long enough to have missed what happened."""
    start = dt_util.utcnow()
    minute = timedelta(minutes=1)
    assert integrate_kwh((start, -2.0), (start + minute, -4.0), -1) == pytest.approx(
        3 / 60
    )
    assert integrate_kwh((start, -2.0), (start + minute, -4.0), 1) == 0.0
    assert integrate_kwh((start, 1.0), (start + minute, -1.0), 1) == pytest.approx(
        0.5 / 60
    )
    assert integrate_kwh((start, 3.0), (start + 10 * minute, 3.0), 1) == 0.0
    assert integrate_kwh((start, 3.0), (start, 3.0), 1) == 0.0
