"""The simulated Quasar 1 + Leaf, driven with a raw pymodbus client over loopback TCP (no drivers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.pymodbus_compat import unit
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
from .simulator_helpers import (
    ModbusExceptionAnswer,
    int16,
    read,
    write,
)

if TYPE_CHECKING:
    from pymodbus.client import AsyncModbusTcpClient


async def test_identity_registers(client: AsyncModbusTcpClient) -> None:
    """Firmware in register 1, serial split over registers 2 (high) and 3 (low)."""
    firmware, high, low = await read(client, Reg.FIRMWARE, 3)
    assert firmware == 517
    assert high << 16 | low == 0x0001_E240


async def test_idle_charger_hides_soc_and_reports_paused(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """Plugged in but not running: state 4, power 0 and SoC register 0 although the car is at 50 %."""
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]
    assert await read(client, Reg.SOC) == [0]
    assert await read(client, Reg.AC_POWER) == [0]
    assert car.soc_pct == pytest.approx(50.0)


async def test_unplugged_reports_no_car(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """State 0 with the car away; start is a no-op without a car."""
    car.plugged_in = False
    await take_control_and_start(client, 16)
    assert await read(client, Reg.STATE) == [QuasarState.NO_CAR]
    assert car.power_kw == 0


async def test_writes_without_remote_control_do_not_take(
    client: AsyncModbusTcpClient,
) -> None:
    """Register 81 = 0: setpoint and action writes are acknowledged but ignored, so a read-back shows the old value."""
    await write(client, Reg.CURRENT_SETPOINT, 16)
    await write(client, Reg.FAILSAFE_TIMEOUT, 60)
    assert await read(client, Reg.CURRENT_SETPOINT) == [0]
    assert await read(client, Reg.FAILSAFE_TIMEOUT) == [0]
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.CURRENT_SETPOINT, 16)
    assert await read(client, Reg.CURRENT_SETPOINT) == [16]


async def test_charging_an_hour_moves_soc_with_efficiency(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """16 A for one hour: 3.68 kWh from the grid, 92 % of it in the battery."""
    await take_control_and_start(client, 16)
    sim_clock.advance(3600)
    current, _, _, voltage = await read(client, Reg.AC_CURRENT, 4)
    assert (current, voltage) == (16, 230)
    assert await read(client, Reg.AC_POWER) == [3680]
    assert await read(client, Reg.STATE) == [QuasarState.CHARGING]
    expected_soc = 50.0 + 3.68 * EFFICIENCY / CAPACITY_KWH * 100
    assert car.soc_pct == pytest.approx(expected_soc)
    assert await read(client, Reg.SOC) == [round(expected_soc)]
    assert car.meter.energy_in_kwh == pytest.approx(3.68)
    assert car.meter.energy_out_kwh == 0
    dc_voltage, dc_current = await read(client, Reg.DC_VOLTAGE, 2)
    assert 3500 < dc_voltage < 4000
    assert dc_current * dc_voltage / 100 == pytest.approx(3680 * EFFICIENCY, rel=0.01)


async def test_discharging_in_power_mode(
    client: AsyncModbusTcpClient, car: SimulatedQuasar, sim_clock: SimClock
) -> None:
    """Power mode (83 = 1), -5000 W for 30 min: 2.5 kWh out at the AC side costs 2.5 / 0.92 kWh of the battery."""
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.SETPOINT_TYPE, 1)
    await write(client, Reg.POWER_SETPOINT, -5000)
    await write(client, Reg.ACTION, 1)
    sim_clock.advance(1800)
    assert int16((await read(client, Reg.AC_POWER))[0]) == -5000
    assert int16((await read(client, Reg.AC_CURRENT))[0]) == round(-5000 / 230)
    assert await read(client, Reg.STATE) == [QuasarState.DISCHARGING]
    assert int16((await read(client, Reg.DC_CURRENT))[0]) < 0
    assert car.meter.energy_out_kwh == pytest.approx(2.5)
    assert car.soc_pct == pytest.approx(50.0 - 2.5 / EFFICIENCY / CAPACITY_KWH * 100)
    assert car.power_kw == pytest.approx(-5.0)


@pytest.mark.parametrize(
    ("setpoint_type", "register", "refused", "accepted", "accepted_w"),
    [
        (0, Reg.CURRENT_SETPOINT, 5, 6, 1380),
        (0, Reg.CURRENT_SETPOINT, -5, -6, -1380),
        (1, Reg.POWER_SETPOINT, 1379, 1380, 1380),
    ],
)
async def test_minimum_of_six_amps(
    client: AsyncModbusTcpClient,
    car: SimulatedQuasar,
    sim_clock: SimClock,
    setpoint_type: int,
    register: int,
    refused: int,
    accepted: int,
    accepted_w: int,
) -> None:
    """Below 6 A / 1380 W nothing flows (the setpoint is stored); at the minimum it does."""
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.SETPOINT_TYPE, setpoint_type)
    await write(client, register, refused)
    await write(client, Reg.ACTION, 1)
    sim_clock.advance(600)
    assert int16((await read(client, register))[0]) == refused
    assert await read(client, Reg.STATE) == [QuasarState.PAUSED]
    assert car.meter.energy_in_kwh == car.meter.energy_out_kwh == 0
    await write(client, register, accepted)
    assert int16((await read(client, Reg.AC_POWER))[0]) == accepted_w


async def test_max_power_register_caps_the_flow(
    client: AsyncModbusTcpClient, car: SimulatedQuasar
) -> None:
    """Register 514 limits both directions."""
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.MAX_POWER, 3000)
    await take_control_and_start(client, 32)
    assert await read(client, Reg.AC_POWER) == [3000]
    await write(client, Reg.CURRENT_SETPOINT, -32)
    assert car.power_kw == pytest.approx(-3.0)


@pytest.mark.parametrize(
    ("address", "value", "code"),
    [
        (Reg.CONTROL, 2, 3),
        (Reg.CURRENT_SETPOINT, 33, 3),
        (Reg.CURRENT_SETPOINT, -33, 3),
        (Reg.POWER_SETPOINT, 7401, 3),
        (Reg.MAX_POWER, 1000, 3),
        (Reg.ACTION, 9, 3),
        (Reg.STATE, 1, 2),
        (Reg.SOC, 80, 2),
        (2000, 1, 2),
    ],
)
async def test_refused_writes_answer_with_exceptions(
    client: AsyncModbusTcpClient, address: int, value: int, code: int
) -> None:
    """Out-of-range values get exception 3, read-only or unknown registers exception 2."""
    await write(client, Reg.CONTROL, 1)
    with pytest.raises(ModbusExceptionAnswer) as answer:
        await write(client, address, value)
    assert answer.value.code == code


async def test_reads_outside_the_map_are_illegal_addresses(
    client: AsyncModbusTcpClient,
) -> None:
    """Undocumented registers inside the map read 0 (so block reads work); beyond it is exception 2."""
    assert await read(client, 520, 2) == [0, 0]
    with pytest.raises(ModbusExceptionAnswer) as answer:
        await read(client, 1020, 10)
    assert answer.value.code == 2


async def test_multi_register_write(client: AsyncModbusTcpClient) -> None:
    """FC16 writes apply register by register."""
    await write(client, Reg.CONTROL, 1)
    response = await client.write_registers(Reg.CONTROL, [1, 0, 1], **unit(1))
    assert not response.isError()
    assert await read(client, Reg.CONTROL, 3) == [1, 0, 1]
