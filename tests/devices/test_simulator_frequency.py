"""The simulated grid frequency: the trace, the Modbus meter and the DER device's 701 Hz."""

from __future__ import annotations

import math
import struct

import pytest

from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import (
    FrequencyDrift,
    FrequencyStep,
    FrequencyTrace,
    demo_trace,
)
from custom_components.v2g_home.devices.simulator.grid_meter import (
    FREQUENCY_CENTI_ADDRESS,
    FREQUENCY_FLOAT_ADDRESS,
    SimulatedGridMeter,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)

from .simulator_helpers import (
    ModbusExceptionAnswer,
    raw_client,
    read,
    serving,
    text,
    write,
)


def test_normal_noise_stays_within_fcr_n_and_moves() -> None:
    """An hour of normal operation: within +-0.05 Hz, never still, the same on every run."""
    trace = FrequencyTrace(SimClock(manual=True), seed=7)
    values = [trace.hz_at(t / 2) for t in range(7200)]
    assert max(abs(v - 50.0) for v in values) < 0.05
    assert max(values) - min(values) > 0.05
    assert values == [
        FrequencyTrace(SimClock(manual=True), seed=7).hz_at(t / 2) for t in range(7200)
    ]
    assert values != [
        FrequencyTrace(SimClock(manual=True), seed=8).hz_at(t / 2) for t in range(7200)
    ]


def test_the_fcr_d_event_holds_49_7_hz_for_60_s_and_the_drift_is_slow() -> None:
    """The demo trace: a clean step at 60 s, then a triangle to -70 mHz over ten minutes."""
    trace = demo_trace(SimClock(manual=True))
    assert trace.hz_at(59.9) != 49.7
    assert {trace.hz_at(60.0 + t) for t in range(60)} == {49.7}
    assert trace.hz_at(120.0) != 49.7
    deepest = 240.0 + 300.0
    assert trace.hz_at(deepest) - trace.noise_hz(deepest) == pytest.approx(49.93)
    assert FrequencyDrift(start_s=0, duration_s=10, depth_hz=-0.1).offset_hz(11) == 0.0


def test_a_test_may_fix_the_frequency() -> None:
    """fixed_hz overrides the trace, even with a value that is no number."""
    clock = SimClock(manual=True)
    trace = FrequencyTrace(
        clock, steps=(FrequencyStep(start_s=0, duration_s=5, hz=49.6),)
    )
    assert trace.hz() == 49.6
    trace.fixed_hz = math.nan
    assert math.isnan(trace.hz())


async def test_the_meter_serves_the_trace_as_float32_and_centihertz() -> None:
    """Registers 100-101 (float32) and 102 (0.01 Hz) read the trace at the request; writes refused."""
    clock = SimClock(manual=True)
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=10, duration_s=60, hz=49.7),)
    )
    meter = SimulatedGridMeter(trace)
    async with serving(meter) as server, raw_client(server) as client:
        words = await read(client, FREQUENCY_FLOAT_ADDRESS, 3)
        assert struct.unpack(">f", struct.pack(">HH", *words[:2]))[0] == 50.0
        assert words[2] == 5000
        clock.advance(10)
        words = await read(client, FREQUENCY_FLOAT_ADDRESS, 3)
        assert struct.unpack(">f", struct.pack(">HH", *words[:2]))[0] == pytest.approx(
            49.7
        )
        assert words[2] == 4970
        assert text(await read(client, 0, 8)) == "SIMGRID0001"
        server.faults.garbage = True
        words = await read(client, FREQUENCY_FLOAT_ADDRESS, 3)
        assert math.isnan(struct.unpack(">f", struct.pack(">HH", *words[:2]))[0])
        with pytest.raises(ModbusExceptionAnswer) as refused:
            await write(client, FREQUENCY_CENTI_ADDRESS, 1)
        assert refused.value.code == 2
        with pytest.raises(ModbusExceptionAnswer):
            await read(client, 199, 2)


async def test_the_der_device_reads_the_grid_in_701_hz() -> None:
    """701 Hz (scale factor -2) follows the trace; a test's fixed value still wins."""
    clock = SimClock(manual=True)
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=5, duration_s=60, hz=49.7),)
    )
    der = SimulatedDerStorage(clock, grid=trace)
    async with serving(der) as server, raw_client(server) as client:
        assert await read(client, der.address(701, "Hz"), 2) == [0, 5000]
        clock.advance(5)
        assert await read(client, der.address(701, "Hz"), 2) == [0, 4970]
        der.frequency_hz = 50.02
        assert await read(client, der.address(701, "Hz"), 2) == [0, 5002]
