"""Session behaviour of the simulated Quasar: limits, fail-safe, actions, glitches, plugging, exact metering."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import (
    QuasarRegister as Reg,
    QuasarState,
    SimClock,
    SimulatedQuasar,
)

from .quasar_sim import (
    CAPACITY_KWH,
    EFFICIENCY,
    take_control_and_start,
)
from .simulator_helpers import ModbusExceptionAnswer, raw_client, read, serving, write

if TYPE_CHECKING:
    from pymodbus.client import AsyncModbusTcpClient


async def test_charging_stops_at_full(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """From 99 % at 32 A for two hours: exactly the missing energy is metered, then the charger pauses."""
    car.soc_pct = 99.0
    await take_control_and_start(client, 32)
    sim_clock.advance(7200)
    assert car.soc_pct == 100.0
    assert car.meter.energy_in_kwh == pytest.approx(0.01 * CAPACITY_KWH / EFFICIENCY)
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]
    assert await read(client, Reg.SOC) == [0]
    await write(client, Reg.CURRENT_SETPOINT, -10)
    assert await read(client, Reg.STATE) == [QuasarState.DISCHARGING]


async def test_discharging_stops_at_empty(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """From 1 % discharging: the AC side delivers stored x efficiency, then nothing flows."""
    car.soc_pct = 1.0
    await take_control_and_start(client, -32)
    sim_clock.advance(7200)
    assert car.soc_pct == 0.0
    assert car.meter.energy_out_kwh == pytest.approx(0.01 * CAPACITY_KWH * EFFICIENCY)
    assert car.power_kw == 0
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]


async def test_failsafe_stops_session_when_modbus_goes_quiet(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """88 = 600 s: an hour of silence charges for exactly 600 s, then control is back with the user."""
    await take_control_and_start(client, 16)
    await write(client, Reg.FAILSAFE_TIMEOUT, 600)
    sim_clock.advance(3600)
    assert car.meter.energy_in_kwh == pytest.approx(3.68 * 600 / 3600)
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]
    assert await read(client, Reg.CONTROL, 2) == [0, 1]
    assert await read(client, Reg.CURRENT_SETPOINT) == [0]
    assert not car.remote_control


async def test_polling_keeps_the_failsafe_alive(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """Any request inside the timeout restarts it."""
    await take_control_and_start(client, 16)
    await write(client, Reg.FAILSAFE_TIMEOUT, 600)
    for _ in range(6):
        sim_clock.advance(590)
        assert await read(client, Reg.STATE) == [QuasarState.CHARGING]
    assert car.remote_control
    assert car.meter.energy_in_kwh == pytest.approx(3.68 * 6 * 590 / 3600)


async def test_stop_and_start_actions(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """257 = 2 pauses without losing the setpoint; 257 = 1 resumes."""
    await take_control_and_start(client, 10)
    await write(client, Reg.ACTION, 2)
    sim_clock.advance(600)
    assert car.meter.energy_in_kwh == 0
    assert await read(client, Reg.CURRENT_SETPOINT) == [10]
    await write(client, Reg.ACTION, 1)
    sim_clock.advance(600)
    assert car.meter.energy_in_kwh == pytest.approx(2.3 * 600 / 3600)


async def test_restart_returns_control_to_user(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """257 = 3 reboots the charger: session over, user control, current mode, recoverable errors cleared."""
    car.recoverable_error = 0x0001_0002
    await take_control_and_start(client, 10)
    await write(client, Reg.SETPOINT_TYPE, 1)
    assert await read(client, Reg.RECOVERABLE_ERROR_HIGH, 2) == [1, 2]
    await write(client, Reg.ACTION, 3)
    assert await read(client, Reg.CONTROL) == [0]
    assert await read(client, Reg.SETPOINT_TYPE) == [0]
    assert await read(client, Reg.RECOVERABLE_ERROR_HIGH, 2) == [0, 0]
    assert car.power_kw == 0


async def test_unrecoverable_error_shows_error_state(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """An unrecoverable error code turns the state into 7 and appears in 539/540."""
    car.unrecoverable_error = 0x0003_0004
    assert await read(client, Reg.STATE) == [QuasarState.ERROR]
    assert await read(client, Reg.UNRECOVERABLE_ERROR_HIGH, 2) == [3, 4]


async def test_releasing_control_stops_remote_session(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """81 = 0 hands back to the user; with no user schedule the charger pauses."""
    await take_control_and_start(client, 16)
    assert car.power_kw > 0
    await write(client, Reg.CONTROL, 0)
    assert car.power_kw == 0
    assert await read(client, Reg.AUTOSTART) == [1]


async def test_user_mode_charges_at_the_owner_setting(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """Under user control the charger follows the app's current (here 10 A); remote control overrides it."""
    car.user_current_a = 10
    assert await read(client, Reg.AC_POWER) == [2300]
    await write(client, Reg.CONTROL, 1)
    assert await read(client, Reg.AC_POWER) == [0]


async def test_soc_glitch_is_served_once(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """An injected glitch is the next read of 538 only, even while idle; then the real behaviour returns."""
    car.inject_soc_glitch(1)
    assert car.register(Reg.SOC) == 1  # peeking does not consume it
    assert await read(client, Reg.SOC) == [1]
    assert await read(client, Reg.SOC) == [0]
    await take_control_and_start(client, 16)
    car.inject_soc_glitch(99)
    assert await read(client, Reg.STATE, 2) == [QuasarState.CHARGING, 99]
    assert await read(client, Reg.SOC) == [50]


async def test_unplug_ends_session_and_autostart_resumes(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """Unplugging stops the flow; plugging in again with 82 = 1 restarts the session by itself."""
    await take_control_and_start(client, 16)
    car.plugged_in = False
    assert await read(client, Reg.STATE) == [QuasarState.NO_CAR]
    car.plugged_in = True
    assert await read(client, Reg.STATE) == [QuasarState.CHARGING]
    await write(client, Reg.AUTOSTART, 0)
    car.plugged_in = True  # already plugged: nothing happens
    assert await read(client, Reg.STATE) == [QuasarState.CHARGING]
    car.plugged_in = False
    car.plugged_in = True
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]


async def test_meter_is_the_exact_integral_of_power(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """Random setpoints held for random times: the meter equals the sum of power x time, both directions."""
    rng = random.Random(7)
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.ACTION, 1)
    expected_in = expected_out = 0.0
    for _ in range(40):
        amps = rng.choice([-32, -16, -6, 0, 6, 10, 24, 32])
        seconds = rng.uniform(1, 900)
        await write(client, Reg.CURRENT_SETPOINT, amps)
        sim_clock.advance(seconds)
        energy_kwh = amps * 230 * seconds / 3_600_000
        expected_in += max(energy_kwh, 0.0)
        expected_out += max(-energy_kwh, 0.0)
    assert car.meter.energy_in_kwh == pytest.approx(expected_in, rel=1e-12)
    assert car.meter.energy_out_kwh == pytest.approx(expected_out, rel=1e-12)
    stored_change = expected_in * EFFICIENCY - expected_out / EFFICIENCY
    assert car.stored_energy_kwh == pytest.approx(
        CAPACITY_KWH / 2 + stored_change, rel=1e-9
    )
    assert car.meter.net_kwh == pytest.approx(expected_in - expected_out)


def test_invalid_construction_is_refused(sim_clock: SimClock) -> None:
    """Nonsense parameters fail loudly."""
    with pytest.raises(ValueError, match="capacity"):
        SimulatedQuasar(sim_clock, capacity_kwh=0)
    with pytest.raises(ValueError, match="efficiency"):
        SimulatedQuasar(sim_clock, efficiency=1.5)


async def test_crashed_modbus_module_needs_a_restart(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """A hung module answers exception 4 to everything, lets the fail-safe run out, and only 257 = 3 cures it."""
    await take_control_and_start(client, 16)
    await write(client, Reg.FAILSAFE_TIMEOUT, 600)
    car.modbus_crashed = True
    for _ in range(3):
        sim_clock.advance(300)
        with pytest.raises(ModbusExceptionAnswer) as answer:
            await read(client, Reg.STATE)
        assert answer.value.code == 4
    with pytest.raises(ModbusExceptionAnswer):
        await write(client, Reg.ACTION, 2)
    assert car.meter.energy_in_kwh == pytest.approx(
        3.68 * 600 / 3600
    )  # polling did not keep it alive
    await write(client, Reg.ACTION, 3)
    assert not car.modbus_crashed
    assert await read(client, Reg.CONTROL) == [0]


async def test_firmware_without_power_mode_ignores_83(
    sim_clock: SimClock,
) -> None:
    """Some firmware has no power setpoint mode: 83 = 1 does not take, so a read-back shows 0."""
    car = SimulatedQuasar(sim_clock, power_mode_supported=False)
    async with serving(car) as server, raw_client(server) as client:
        await write(client, Reg.CONTROL, 1)
        await write(client, Reg.SETPOINT_TYPE, 1)
        assert await read(client, Reg.SETPOINT_TYPE) == [0]
