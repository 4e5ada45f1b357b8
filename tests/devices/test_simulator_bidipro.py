"""The simulated BiDiPro 10 on the wire (raw Modbus client): layout, rules, fail-safe and exact physics."""

from __future__ import annotations

import struct

import pytest

from custom_components.v2g_home.devices.simulator import (
    ConnectorKind,
    ConnectorState,
    SimClock,
    SimulatedBiDiPro,
)

from .simulator_helpers import (
    ModbusExceptionAnswer,
    raw_client,
    read,
    serving,
    text,
    write,
)

BASE = 100


def int32(words: list[int]) -> int:
    return int(struct.unpack(">i", struct.pack(">HH", *words))[0])


def float32(words: list[int]) -> float:
    return float(struct.unpack(">f", struct.pack(">HH", *words))[0])


def words32(value: int) -> list[int]:
    return list(struct.unpack(">HH", struct.pack(">i", value)))


async def write32(client, address: int, value: int) -> None:  # type: ignore[no-untyped-def]
    from custom_components.v2g_home.devices.pymodbus_compat import unit

    reply = await client.write_registers(address, words32(value), **unit(1))
    if reply.isError():
        raise ModbusExceptionAnswer(reply.exception_code)


async def test_layout_identity_and_connector() -> None:
    """Model with 'crema', serial and firmware; the connector at 100 reads idle with the Leaf's SoC."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock, soc_pct=62.5)
    async with serving(charger) as server, raw_client(server) as client:
        assert "crema" in text(await read(client, 26, 10))
        assert text(await read(client, 16, 10)) == "EVT10-000123"
        words = await read(client, BASE, 58)
        assert int32(words[0:2]) == ConnectorState.IDLE
        assert int32(words[4:6]) == 5
        assert int32(words[12:14]) == 625  # per mille
        assert int32(words[14:16]) == ConnectorKind.CHADEMO
        assert float32(words[22:24]) == -10000.0
        assert float32(words[30:32]) == 0.0  # not charge-ready until the first charge
        assert text(await read(client, BASE + 76, 10)) == "LEAF-ZE1-0042"
        assert await read(client, 300, 6) == [0] * 6  # an unconfigured connector


async def test_a_read_across_an_object_boundary_is_refused() -> None:
    """99..100 spans the ChargePoint and connector 1: exception 2; beyond connector 10 too."""
    charger = SimulatedBiDiPro(SimClock(manual=True))
    async with serving(charger) as server, raw_client(server) as client:
        for address, count in ((99, 2), (150, 60), (1100, 1)):
            with pytest.raises(ModbusExceptionAnswer) as caught:
                await read(client, address, count)
            assert caught.value.code == 2


async def test_int32_writes_need_both_words_and_the_windows() -> None:
    """FC06 on half a setpoint is refused; beyond 10 kW or below the floor too; 0 always works."""
    charger = SimulatedBiDiPro(SimClock(manual=True))
    async with serving(charger) as server, raw_client(server) as client:
        with pytest.raises(ModbusExceptionAnswer) as half:
            await write(client, BASE + 86, 3000)
        assert half.value.code == 3
        for watts in (12000, -10001):
            with pytest.raises(ModbusExceptionAnswer):
                await write32(client, BASE + 86, watts)
        await write32(client, BASE + 86, 7000)
        assert charger.power_kw == 7.0
        assert charger.connector_state is ConnectorState.CHARGING
        await write32(client, BASE + 86, 0)
        await write32(client, BASE + 88, 1)  # suspend: stored, no effect
        assert int32(await read(client, BASE + 88, 2)) == 1
        charger.plugged_in = True  # already plugged: nothing changes
        with pytest.raises(ModbusExceptionAnswer):
            await write32(client, 42, 601)
        with pytest.raises(ModbusExceptionAnswer) as read_only:
            await write32(client, BASE + 10, 1)
        assert read_only.value.code == 2


async def test_discharge_only_with_a_bidirectional_session_and_an_offer() -> None:
    """Session type 1, or V2G not offered: X+22 reads 0 and a negative setpoint is refused."""
    charger = SimulatedBiDiPro(SimClock(manual=True), session_type=1)
    async with serving(charger) as server, raw_client(server) as client:
        assert float32(await read(client, BASE + 22, 2)) == 0.0
        with pytest.raises(ModbusExceptionAnswer):
            await write32(client, BASE + 86, -3000)
        charger.session_type = 3
        await write32(client, BASE + 86, -3000)
        assert charger.power_kw == -3.0
        charger.v2g_offered = False
        assert charger.power_kw == 0.0  # the car stops giving at once


async def test_plugging_in_walks_through_the_session_start() -> None:
    """4, 5, 6 for five seconds each, then idle; a setpoint is refused until then."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock, plugged_in=False)
    async with serving(charger) as server, raw_client(server) as client:
        assert charger.connector_state is ConnectorState.NO_CAR
        assert text(await read(client, BASE + 76, 10)) == ""
        charger.plugged_in = True
        seen = []
        for _ in range(4):
            seen.append(charger.connector_state)
            clock.advance(5)
        assert seen == [4, 5, 6, 10]
        charger.plugged_in = False
        charger.plugged_in = True
        with pytest.raises(ModbusExceptionAnswer):
            await write32(client, BASE + 86, 2000)


async def test_communication_timeout_sends_it_idle() -> None:
    """With 42 = 60 s, one minute without requests zeroes the setpoint; traffic keeps it going."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock)
    async with serving(charger) as server, raw_client(server) as client:
        await write32(client, 42, 60)
        await write32(client, BASE + 86, 5000)
        clock.advance(50)
        await read(client, BASE, 2)
        clock.advance(50)
        assert charger.power_kw == 5.0
        clock.advance(20)
        assert charger.power_kw == 0.0
        assert charger.setpoint_w == 0
        assert charger.meter.energy_in_kwh == pytest.approx(5.0 * 110 / 3600)


def test_taper_breakpoints_keep_the_meter_exact() -> None:
    """Charging from 75 % through the 80 % and 90 % tapers: stored energy matches the meter exactly."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock, soc_pct=75.0, capacity_kwh=40.0, efficiency=1.0)
    charger.setpoint_w = 10000
    clock.advance(3600)
    # 2 kWh at 10 kW (12 min), 4 kWh at 6 kW (40 min), then 8 min at 3 kW.
    assert charger.meter.energy_in_kwh == pytest.approx(2 + 4 + 3 * 8 / 60)
    assert charger.soc_pct == pytest.approx(91.0)
    assert charger.power_kw == 3.0


def test_errors_stop_the_flow_and_show_state_12() -> None:
    charger = SimulatedBiDiPro(SimClock(manual=True))
    charger.setpoint_w = 4000
    charger.error_bits = 1 << 39
    assert charger.connector_state is ConnectorState.ERROR
    assert charger.power_kw == 0.0
    words = charger.read_registers(BASE + 54, 4)
    assert words == [0, 0x0080, 0, 0]


async def test_garbage_and_other_states() -> None:
    """Garbage: SoC 2500 per mille and an impossible power; booting, reserved and full read as such."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock, soc_pct=99.9, connector=3)
    async with serving(charger) as server, raw_client(server) as client:
        server.faults.garbage = True
        words = await read(client, 300, 16)
        assert (int32(words[0:2]), int32(words[12:14])) == (99, 2500)
        assert float32(words[10:12]) == 1e9
        server.faults.garbage = False
        await write32(client, 386, 3000)
        clock.advance(3600)
        assert charger.connector_state is ConnectorState.CHARGING_ENDED
        charger.reserved = True
        assert charger.connector_state is ConnectorState.RESERVED
        charger.booting = True
        assert charger.connector_state is ConnectorState.STARTING_UP
    with pytest.raises(ValueError, match="connector"):
        SimulatedBiDiPro(clock, connector=11)
    with pytest.raises(ValueError, match="capacity"):
        SimulatedBiDiPro(clock, capacity_kwh=0)
