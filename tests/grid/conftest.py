"""Every test here runs Home Assistant against simulated devices that ramp in real time, with a grid meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import FrequencyTrace
from custom_components.v2g_home.devices.simulator.grid_meter import SimulatedGridMeter

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(autouse=True)
def home_assistant(
    ha_harness: None, prices_api: None, entity_registry_enabled_by_default: None
) -> None:
    """Home Assistant with the recorder and loopback sockets; the response's sensors, disabled by default, enabled."""


@pytest.fixture
def live_clock() -> SimClock:
    """Simulated time at the speed of real time: ramps take the seconds they take."""
    return SimClock(speed=1.0)


@pytest.fixture
def grid(live_clock: SimClock) -> FrequencyTrace:
    """A quiet grid at 50 Hz; tests set `fixed_hz` to step it."""
    trace = FrequencyTrace(live_clock, noise=False)
    trace.fixed_hz = 50.0
    return trace


@pytest.fixture
async def meter_server(grid: FrequencyTrace) -> AsyncIterator[ModbusSimulator]:
    """The grid meter (example profile: float32 Hz at 100) on a loopback port."""
    server = ModbusSimulator({1: SimulatedGridMeter(grid)})
    await server.start()
    yield server
    await server.stop()
