"""Run simulated devices until Ctrl-C (`scripts/simulator`): a charger with a car, a SunSpec pack, a DER device."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import dataclass
import logging
import signal
from typing import TYPE_CHECKING

from .bidipro import SimulatedBiDiPro
from .bidipro_registers import ConnectorKind
from .clock import SimClock
from .household import Household, status_line
from .quasar import SimulatedQuasar
from .server import ModbusSimulator
from .sunspec_der import SimulatedDerStorage
from .sunspec_pack import SimulatedSunSpecPack

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .base import SimDevice

_LOGGER = logging.getLogger("v2g_home.simulator")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulator",
        description="Simulated charger + car (Quasar 1 or BiDiPro 10), SunSpec pack and "
        "SunSpec DER storage over Modbus TCP.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--charger",
        choices=("quasar", "evtec", "none"),
        default="quasar",
        help="which charger to serve: Wallbox Quasar 1 or EVtec BiDiPro 10",
    )
    parser.add_argument(
        "--charger-port",
        "--quasar-port",
        dest="charger_port",
        type=int,
        default=5020,
        help="0 = any free port",
    )
    parser.add_argument(
        "--connector", type=int, default=1, help="BiDiPro connector in use (1..10)"
    )
    parser.add_argument(
        "--connector-type",
        choices=("chademo", "ccs"),
        default="chademo",
        help="BiDiPro plug: chademo (a Leaf) or ccs",
    )
    parser.add_argument("--pack-port", type=int, default=5021, help="0 = any free port")
    parser.add_argument(
        "--no-quasar",
        action="store_true",
        help="run without a charger (--charger none)",
    )
    parser.add_argument("--no-pack", action="store_true", help="run without the pack")
    parser.add_argument(
        "--der", action="store_true", help="also serve a SunSpec DER storage device"
    )
    parser.add_argument("--der-port", type=int, default=5022, help="0 = any free port")
    parser.add_argument("--der-soc", type=float, default=50.0, help="DER SoC, %%")
    parser.add_argument(
        "--der-capacity", type=float, default=13.5, help="DER capacity, kWh"
    )
    parser.add_argument("--der-power", type=float, default=5.0, help="DER power, kW")
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


@dataclass(kw_only=True)
class Devices:
    """The simulated devices the options ask for."""

    quasar: SimulatedQuasar | None = None
    bidipro: SimulatedBiDiPro | None = None
    pack: SimulatedSunSpecPack | None = None
    der: SimulatedDerStorage | None = None


def build_devices(args: argparse.Namespace, clock: SimClock) -> Devices:
    """The devices the options ask for (none of them served yet)."""
    charger = "none" if args.no_quasar else args.charger
    devices = Devices()
    if charger == "quasar":
        devices.quasar = SimulatedQuasar(
            clock, soc_pct=args.soc, capacity_kwh=args.capacity
        )
    elif charger == "evtec":
        devices.bidipro = SimulatedBiDiPro(
            clock,
            soc_pct=args.soc,
            capacity_kwh=args.capacity,
            connector=args.connector,
            connector_kind=ConnectorKind[args.connector_type.upper()],
        )
    if not args.no_pack:
        devices.pack = SimulatedSunSpecPack(
            clock,
            base_address=args.pack_base,
            soc_pct=args.pack_soc,
            capacity_kwh=args.pack_capacity,
            max_power_kw=args.pack_power,
            w_positive_means_charge=not args.pack_w_negative_charge,
        )
    if args.der:
        devices.der = SimulatedDerStorage(
            clock,
            soc_pct=args.der_soc,
            capacity_kwh=args.der_capacity,
            max_power_kw=args.der_power,
        )
    return devices


def build_servers(
    args: argparse.Namespace, clock: SimClock, devices: Devices
) -> dict[str, ModbusSimulator]:
    """Each device behind its own server, by the name the log uses."""
    served: list[tuple[str, SimDevice | None, int]] = [
        ("Quasar 1 + Leaf", devices.quasar, args.charger_port),
        ("BiDiPro 10 + car", devices.bidipro, args.charger_port),
        ("SunSpec pack", devices.pack, args.pack_port),
        ("SunSpec DER storage", devices.der, args.der_port),
    ]
    return {
        name: ModbusSimulator(
            {args.unit_id: device}, host=args.host, port=port, clock=clock
        )
        for name, device, port in served
        if device is not None
    }


async def run(args: argparse.Namespace) -> None:
    """Start the servers, tick the household, log status, stop on SIGINT/SIGTERM."""
    clock = SimClock(speed=args.speed)
    devices = build_devices(args, clock)
    servers = build_servers(args, clock, devices)
    household = (
        None
        if args.no_household
        else Household(
            clock,
            devices.quasar,
            devices.pack,
            autostart=args.autostart,
            der=devices.der,
        )
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
                    "t=%6.0f min  %s",
                    clock.now() / 60,
                    status_line(
                        devices.quasar,
                        devices.pack,
                        bidipro=devices.bidipro,
                        der=devices.der,
                    ),
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
