"""Fixtures (a pytest plugin): the simulated chargers and batteries, served on ephemeral loopback ports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedBiDiPro,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import SimulatedDerStorage

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
def clock() -> SimClock:
    """Simulated time that moves only when a test advances it."""
    return SimClock(manual=True)


@pytest.fixture
def quasar(clock: SimClock) -> SimulatedQuasar:
    """A Quasar 1 with a 37 kWh Leaf at 50 %, plugged in."""
    return SimulatedQuasar(clock, capacity_kwh=37.0, soc_pct=50.0)


@pytest.fixture
def pack(clock: SimClock) -> SimulatedSunSpecPack:
    """A 10 kWh, 5 kW SunSpec pack at 50 %."""
    return SimulatedSunSpecPack(clock)


@pytest.fixture
async def quasar_server(
    quasar: SimulatedQuasar, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The charger on an ephemeral loopback port."""
    server = ModbusSimulator({1: quasar}, clock=clock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def pack_server(
    pack: SimulatedSunSpecPack, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The pack on an ephemeral loopback port."""
    server = ModbusSimulator({1: pack}, clock=clock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def bidipro(clock: SimClock) -> SimulatedBiDiPro:
    """An EVtec BiDiPro 10 with a 37 kWh Leaf at 50 % on its CHAdeMO connector 1, V2G offered."""
    return SimulatedBiDiPro(clock)


@pytest.fixture
async def bidipro_server(
    bidipro: SimulatedBiDiPro, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The BiDiPro on an ephemeral loopback port."""
    server = ModbusSimulator({1: bidipro}, clock=clock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def der(clock: SimClock) -> SimulatedDerStorage:
    """A 13.5 kWh, 5 kW SunSpec DER storage device (models 701-713) at 50 %."""
    return SimulatedDerStorage(clock)


@pytest.fixture
async def der_server(
    der: SimulatedDerStorage, clock: SimClock
) -> AsyncIterator[ModbusSimulator]:
    """The DER device on an ephemeral loopback port."""
    server = ModbusSimulator({1: der}, clock=clock)
    await server.start()
    yield server
    await server.stop()
