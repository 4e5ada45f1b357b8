"""The simulator's Modbus server: fault switches, unit ids, request counting, start and stop."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
import pytest

from custom_components.v2g_home.devices.pymodbus_compat import unit
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    QuasarRegister as Reg,
    SimClock,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)

from .simulator_helpers import ModbusExceptionAnswer, int16, raw_client, read, serving

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


async def test_exception_fault_answers_every_request(server: ModbusSimulator) -> None:
    """With exception_code set, reads and writes get that exception; clearing it restores service."""
    async with raw_client(server) as client:
        server.faults.exception_code = 6
        with pytest.raises(ModbusExceptionAnswer) as answer:
            await read(client, Reg.STATE)
        assert answer.value.code == 6
        response = await client.write_register(Reg.CONTROL, 1, **unit(1))
        assert response.isError()
        assert response.exception_code == 6
        server.faults.clear()
        assert await read(client, Reg.CONTROL) == [
            0
        ]  # the write never reached the device


async def test_slow_replies_time_out_a_short_client(server: ModbusSimulator) -> None:
    """delay_s longer than the client's timeout: no answer in time; without the delay, normal replies."""
    server.faults.delay_s = 0.5
    async with raw_client(server, timeout_s=0.1) as client:
        with pytest.raises(ModbusException):
            await client.read_holding_registers(Reg.STATE, count=1, **unit(1))
    server.faults.delay_s = 0.05
    async with raw_client(server, timeout_s=2.0) as client:
        assert await read(client, Reg.AC_VOLTAGE) == [230]


async def test_drop_connection_closes_and_refuses(server: ModbusSimulator) -> None:
    """A request on an open connection gets the connection closed; new connections are closed at once."""
    async with raw_client(server) as client:
        assert await read(client, Reg.FIRMWARE) == [517]
        server.faults.drop_connection = True
        with pytest.raises(ModbusException):
            await client.read_holding_registers(Reg.FIRMWARE, count=1, **unit(1))
    async with raw_client(server) as client:
        with pytest.raises(ModbusException):
            await client.read_holding_registers(Reg.FIRMWARE, count=1, **unit(1))
    server.faults.drop_connection = False
    async with raw_client(server) as client:
        assert await read(client, Reg.FIRMWARE) == [517]


async def test_drop_connections_now(server: ModbusSimulator) -> None:
    """drop_connections() cuts open clients while the listener stays up."""
    async with raw_client(server) as client:
        assert await read(client, Reg.FIRMWARE) == [517]
        server.drop_connections()
        for _ in range(100):
            if not client.connected:
                break
            await asyncio.sleep(0.01)
        assert not client.connected
    async with raw_client(server) as client:
        assert await read(client, Reg.FIRMWARE) == [517]


async def test_garbage_fault_serves_implausible_values(
    server: ModbusSimulator, car: SimulatedQuasar
) -> None:
    """SoC 250 %, 32767 W, state 99 while garbage is on; the true values afterwards."""
    async with raw_client(server) as client:
        server.faults.garbage = True
        state, soc = await read(client, Reg.STATE, 2)
        assert (state, soc) == (99, 250)
        assert await read(client, Reg.AC_POWER) == [32767]
        assert await read(client, Reg.FIRMWARE) == [517]  # identity stays intact
        server.faults.garbage = False
        assert await read(client, Reg.STATE, 2) == [4, 0]


async def test_garbage_fault_on_a_pack(sim_clock: SimClock) -> None:
    """The pack's 802 SoC reads 250 % (raw 2500 at scale -1) under the garbage fault."""
    pack = SimulatedSunSpecPack(sim_clock)
    soc_address = 40000 + 2 + 68 + 11
    async with serving(pack) as server, raw_client(server) as client:
        server.faults.garbage = True
        assert await read(client, soc_address) == [2500]
        assert int16((await read(client, soc_address + 36))[0]) == 32767  # W


async def test_unknown_unit_id_gets_gateway_exception(server: ModbusSimulator) -> None:
    """Only the configured unit answers normally."""
    async with raw_client(server) as client:
        with pytest.raises(ModbusExceptionAnswer) as answer:
            await read(client, Reg.STATE, unit_id=7)
        assert answer.value.code == 0x0B


async def test_unsupported_function_is_refused(server: ModbusSimulator) -> None:
    """Input registers (FC4) do not exist on these devices: illegal address."""
    async with raw_client(server) as client:
        response = await client.read_input_registers(Reg.STATE, count=1, **unit(1))
        assert response.isError()
        assert response.exception_code == 2


async def test_request_count_includes_faulted_requests(server: ModbusSimulator) -> None:
    """Every request is counted, whatever the answer."""
    async with raw_client(server) as client:
        await read(client, Reg.STATE)
        server.faults.exception_code = 4
        with pytest.raises(ModbusExceptionAnswer):
            await read(client, Reg.STATE)
    assert server.request_count == 2


class _BrokenDevice:
    """A device whose simulation crashes."""

    def read_registers(self, address: int, count: int) -> list[int]:
        raise RuntimeError("simulation bug")

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        raise RuntimeError("simulation bug")

    def garbage_registers(self) -> Mapping[int, int]:
        return {}

    def note_request(self) -> None:
        return None


async def test_crashing_device_answers_device_failure() -> None:
    """A bug in a simulated device becomes exception 4, not silence."""
    async with serving(_BrokenDevice()) as server, raw_client(server) as client:
        with pytest.raises(ModbusExceptionAnswer) as answer:
            await read(client, 0)
        assert answer.value.code == 4


async def test_start_stop_lifecycle(car: SimulatedQuasar) -> None:
    """Port only after start; double start refused; stop is idempotent; a stopped server refuses connections."""
    server = ModbusSimulator({1: car})
    with pytest.raises(RuntimeError):
        _ = server.port
    server.drop_connections()  # nothing to drop yet
    await server.start()
    assert server.running
    port = server.port
    assert port > 0
    with pytest.raises(RuntimeError):
        await server.start()
    await server.stop()
    await server.stop()
    assert not server.running
    client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=0.5, retries=0)
    assert not await client.connect()
    client.close()


async def test_stop_cancels_slow_replies_in_flight(server: ModbusSimulator) -> None:
    """A reply held back by delay_s does not outlive stop()."""
    server.faults.delay_s = 30
    async with raw_client(server, timeout_s=0.5) as client:
        pending = asyncio.ensure_future(
            client.read_holding_registers(0, count=1, **unit(1))
        )
        await asyncio.sleep(0.05)
        await server.stop()
        with pytest.raises(ModbusException):
            await pending


async def test_occupied_port_raises(
    car: SimulatedQuasar, server: ModbusSimulator
) -> None:
    """A second server on a taken port fails to start."""
    other = ModbusSimulator({1: car}, port=server.port)
    with pytest.raises(OSError, match="cannot listen"):
        await other.start()
    assert not other.running


def test_a_server_needs_a_device() -> None:
    """An empty device map is a mistake."""
    with pytest.raises(ValueError, match="at least one device"):
        ModbusSimulator({})
