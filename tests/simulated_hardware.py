"""Fixtures (a pytest plugin): the simulated charger and pack, served on ephemeral loopback ports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)

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
