"""Modbus requests and milliseconds per full poll of each driver against the simulator.

Devices: a Quasar 1 and a BiDiPro 10 (each with a car, under control at 3.7 kW), a SunSpec DER storage device
(models 701/702/704/713, under control) and two SunSpec 802/124 packs.

Goal (printed, never asserted): at most 3 requests per device and at most 50 ms per poll on loopback.
Run: .venv/bin/python benchmarks/poll.py [--polls 200]
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import logging
from pathlib import Path
import statistics
import sys
import time
from typing import TYPE_CHECKING, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.v2g_home.devices.bidipro import BiDiProCharger
from custom_components.v2g_home.devices.quasar import QuasarCharger
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimDevice,
    SimulatedBiDiPro,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.sunspec import SunSpecPack
from custom_components.v2g_home.devices.sunspec_der import SunSpecDer
from custom_components.v2g_home.devices.transport import ModbusTransport

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

HOST = "127.0.0.1"
GOAL_REQUESTS = 3
GOAL_MS = 50.0
type DriverFactory = Callable[[ModbusTransport], PolledDriver]


class PolledDriver(Protocol):
    """What the benchmark needs from a driver."""

    transport: ModbusTransport

    async def connect(self) -> None:
        """Open the connection."""

    async def close(self) -> None:
        """Close the connection."""

    def read(self) -> Awaitable[object]:
        """One full poll."""

    def set_power_kw(self, power_kw: float) -> Awaitable[float]:
        """Command a power."""

    def refresh_control(self) -> Awaitable[None]:
        """Keep the device's fail-safe from firing (after each poll while in control)."""


@dataclass(frozen=True, kw_only=True)
class PollFigures:
    """Measured requests and times of one device's polls."""

    name: str
    requests_per_poll: list[int]
    ms_per_poll: list[float]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


async def time_polls(name: str, driver: PolledDriver, polls: int) -> PollFigures:
    """Poll `driver` `polls` times after one warm-up poll; count requests and time each poll."""
    await driver.read()
    requests: list[int] = []
    times_ms: list[float] = []
    for _ in range(polls):
        before = driver.transport.request_count
        start = time.perf_counter()
        await driver.read()
        times_ms.append((time.perf_counter() - start) * 1000)
        requests.append(driver.transport.request_count - before)
    return PollFigures(name=name, requests_per_poll=requests, ms_per_poll=times_ms)


async def time_rounds(drivers: list[PolledDriver], polls: int) -> list[float]:
    """Time rounds that poll every device concurrently, as Home Assistant's coordinators do."""
    times_ms = []
    for _ in range(polls):
        start = time.perf_counter()
        await asyncio.gather(*(driver.read() for driver in drivers))
        times_ms.append((time.perf_counter() - start) * 1000)
    return times_ms


def report_line(name: str, requests: list[int] | None, times_ms: list[float]) -> str:
    """One table row, with the goal verdict."""
    median_ms, p95_ms = statistics.median(times_ms), percentile(times_ms, 0.95)
    if requests is None:
        req_text, req_ok = "-", True
    else:
        req_text = f"{statistics.median(requests):g} (max {max(requests)})"
        req_ok = max(requests) <= GOAL_REQUESTS
    verdict = "meets goal" if req_ok and p95_ms <= GOAL_MS else "MISSES goal"
    return f"{name:<28} {req_text:>14} {median_ms:>10.2f} {p95_ms:>10.2f}   {verdict}"


def simulated_devices(clock: SimClock) -> dict[str, tuple[SimDevice, DriverFactory]]:
    """The chargers, the DER device and two packs that differ in SunSpec base and power sign."""
    return {
        "Quasar 1 + Leaf": (SimulatedQuasar(clock, soc_pct=55.0), QuasarCharger),
        "BiDiPro 10 + Leaf (conn. 3)": (
            SimulatedBiDiPro(clock, soc_pct=55.0, connector=3),
            BiDiProCharger,
        ),
        "SunSpec DER storage": (SimulatedDerStorage(clock), SunSpecDer),
        "SunSpec pack (base 40000)": (
            SimulatedSunSpecPack(clock, base_address=40000, serial="BENCH-PACK-1"),
            SunSpecPack,
        ),
        "SunSpec pack (base 50000)": (
            SimulatedSunSpecPack(
                clock,
                base_address=50000,
                serial="BENCH-PACK-2",
                w_positive_means_charge=False,
            ),
            SunSpecPack,
        ),
    }


async def run(polls: int) -> None:
    """Start one simulator per device, poll with the real drivers, print the figures."""
    clock = SimClock(speed=60)
    devices = simulated_devices(clock)
    servers = {
        name: ModbusSimulator({1: device}, host=HOST, clock=clock)
        for name, (device, _) in devices.items()
    }
    drivers: dict[str, PolledDriver] = {}
    setup_requests: dict[str, int] = {}
    try:
        for name, server in servers.items():
            await server.start()
            driver = devices[name][1](ModbusTransport(HOST, server.port, 1))
            await driver.connect()
            drivers[name] = driver
            setup_requests[name] = driver.transport.request_count
        for name in (
            "Quasar 1 + Leaf",
            "BiDiPro 10 + Leaf (conn. 3)",
            "SunSpec DER storage",
        ):
            # A running session under remote control: the poll a managed device sees most.
            await drivers[name].set_power_kw(3.7)
        print(
            f"{polls} polls per device on {HOST} (simulator at x60); goal <= {GOAL_REQUESTS} requests, <= {GOAL_MS:g} ms"
        )
        print(f"{'device':<28} {'requests/poll':>14} {'median ms':>10} {'p95 ms':>10}")
        for name, driver in drivers.items():
            figures = await time_polls(name, driver, polls)
            print(
                report_line(
                    figures.name, figures.requests_per_poll, figures.ms_per_poll
                )
            )
        refresh: dict[str, int] = {}
        for name, driver in drivers.items():
            await driver.read()
            before = driver.transport.request_count
            await driver.refresh_control()
            refresh[name] = driver.transport.request_count - before
        print(
            f"requests per refresh_control() after a poll, while in control: {refresh}"
        )
        rounds = await time_rounds(list(drivers.values()), polls)
        print(report_line(f"all {len(drivers)} concurrently", None, rounds))
        print(
            f"requests to connect (incl. SunSpec discovery), once per connection: {setup_requests}"
        )
    finally:
        for driver in drivers.values():
            await driver.close()
        for server in servers.values():
            await server.stop()


def main() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--polls", type=int, default=200)
    # SunSpec discovery probes absent bases on purpose; pymodbus logs those exception replies as errors.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    asyncio.run(run(parser.parse_args().polls))


if __name__ == "__main__":
    main()
