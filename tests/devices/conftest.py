"""Loopback fixtures: simulated hardware on 127.0.0.1, an ephemeral port, and real Modbus TCP transports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedBiDiPro,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.transport import ModbusTransport

from .simulator_helpers import raw_client, serving

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from pymodbus.client import AsyncModbusTcpClient


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Device tests talk Modbus TCP over 127.0.0.1 (HA's harness blocks sockets otherwise)."""


async def open_transport(
    server: ModbusSimulator, *, timeout_s: float = 1.0
) -> ModbusTransport:
    """A connected transport to a running simulator."""
    transport = ModbusTransport("127.0.0.1", server.port, 1, timeout_s=timeout_s)
    await transport.connect()
    return transport


@pytest.fixture
async def quasar_transport(
    quasar_server: ModbusSimulator,
) -> AsyncIterator[ModbusTransport]:
    """A transport connected to the simulated charger."""
    transport = await open_transport(quasar_server)
    yield transport
    await transport.close()


@pytest.fixture
async def pack_transport(
    pack_server: ModbusSimulator,
) -> AsyncIterator[ModbusTransport]:
    """A transport connected to the simulated pack."""
    transport = await open_transport(pack_server)
    yield transport
    await transport.close()


@pytest.fixture
def sim_clock() -> SimClock:
    """Manual clock for the raw-client simulator tests: time moves only when the test says so."""
    return SimClock(manual=True)


@pytest.fixture
def car(sim_clock: SimClock) -> SimulatedQuasar:
    """A plugged-in Leaf at 50 % (37 kWh, 92 % each way) on a Quasar 1."""
    return SimulatedQuasar(sim_clock)


@pytest.fixture
async def server(car: SimulatedQuasar) -> AsyncIterator[ModbusSimulator]:
    """The charger on a loopback port."""
    async with serving(car) as running:
        yield running


@pytest.fixture
async def client(server: ModbusSimulator) -> AsyncIterator[AsyncModbusTcpClient]:
    """A raw Modbus client to the charger."""
    async with raw_client(server) as connected:
        yield connected


@pytest.fixture
def evse(clock: SimClock) -> SimulatedBiDiPro:
    """A BiDiPro 10 with a 37 kWh Leaf at 50 % on connector 1, its session up."""
    return SimulatedBiDiPro(clock)
