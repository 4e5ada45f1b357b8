"""Run a simulated Quasar 1 + Leaf and a SunSpec pack until Ctrl-C (`scripts/simulator`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from .clock import SimClock
from .household import Household, status_line
from .quasar import SimulatedQuasar
from .server import ModbusSimulator
from .sunspec_pack import SimulatedSunSpecPack

if TYPE_CHECKING:
    from collections.abc import Sequence

_LOGGER = logging.getLogger("v2g_home.simulator")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulator",
        description="Simulated Quasar 1 + Leaf and SunSpec pack over Modbus TCP.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--quasar-port", type=int, default=5020, help="0 = any free port"
    )
    parser.add_argument("--pack-port", type=int, default=5021, help="0 = any free port")
    parser.add_argument(
        "--no-quasar", action="store_true", help="run without the charger"
    )
    parser.add_argument("--no-pack", action="store_true", help="run without the pack")
    parser.add_argument("--unit-id", type=int, default=1)
    parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per real second"
    )
    parser.add_argument("--soc", type=float, default=55.0, help="car SoC at start, %%")
    parser.add_argument(
        "--capacity", type=float, default=37.0, help="car usable capacity, kWh"
    )
    parser.add_argument(
        "--pack-soc", type=float, default=40.0, help="pack SoC at start, %%"
    )
    parser.add_argument(
        "--pack-capacity", type=float, default=10.0, help="pack capacity, kWh"
    )
    parser.add_argument(
        "--pack-power", type=float, default=5.0, help="pack max power, kW"
    )
    parser.add_argument(
        "--pack-base", type=int, default=40000, choices=(0, 40000, 50000)
    )
    parser.add_argument(
        "--pack-w-negative-charge",
        action="store_true",
        help="model 802 W < 0 while charging",
    )
    parser.add_argument(
        "--autostart",
        action="store_true",
        help="the car charges at 10 A under user control until Home Assistant takes control",
    )
    parser.add_argument(
        "--no-household", action="store_true", help="nothing moves unless commanded"
    )
    parser.add_argument(
        "--log-every",
        type=float,
        default=15.0,
        help="real seconds between status lines",
    )
    return parser.parse_args(argv)


def build_servers(
    args: argparse.Namespace, clock: SimClock
) -> tuple[
    SimulatedQuasar | None, SimulatedSunSpecPack | None, dict[str, ModbusSimulator]
]:
    """The devices the options ask for, each behind its own server."""
    quasar = (
        SimulatedQuasar(clock, soc_pct=args.soc, capacity_kwh=args.capacity)
        if not args.no_quasar
        else None
    )
    pack = None
    if not args.no_pack:
        pack = SimulatedSunSpecPack(
            clock,
            base_address=args.pack_base,
            soc_pct=args.pack_soc,
            capacity_kwh=args.pack_capacity,
            max_power_kw=args.pack_power,
            w_positive_means_charge=not args.pack_w_negative_charge,
        )
    servers: dict[str, ModbusSimulator] = {}
    if quasar is not None:
        servers["Quasar 1 + Leaf"] = ModbusSimulator(
            {args.unit_id: quasar}, host=args.host, port=args.quasar_port, clock=clock
        )
    if pack is not None:
        servers["SunSpec pack"] = ModbusSimulator(
            {args.unit_id: pack}, host=args.host, port=args.pack_port, clock=clock
        )
    return quasar, pack, servers


async def run(args: argparse.Namespace) -> None:
    """Start the servers, tick the household, log status, stop on SIGINT/SIGTERM."""
    clock = SimClock(speed=args.speed)
    quasar, pack, servers = build_servers(args, clock)
    household = (
        None
        if args.no_household
        else Household(clock, quasar, pack, autostart=args.autostart)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for name, server in servers.items():
            await server.start()
            _LOGGER.info(
                "%s on %s:%s (unit %s), speed x%s",
                name,
                args.host,
                server.port,
                args.unit_id,
                args.speed,
            )
        next_log = 0.0
        while not stop.is_set():
            if household is not None:
                household.tick()
            if loop.time() >= next_log:
                _LOGGER.info(
                    "t=%6.0f min  %s", clock.now() / 60, status_line(quasar, pack)
                )
                next_log = loop.time() + args.log_every
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
    finally:
        for server in servers.values():
            await server.stop()
        _LOGGER.info("simulator stopped")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
