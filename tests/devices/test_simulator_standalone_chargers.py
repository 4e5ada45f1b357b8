"""The standalone simulator serving a BiDiPro 10 and a SunSpec DER storage device."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

from pymodbus.client import AsyncModbusTcpClient

from custom_components.v2g_home.devices.simulator import ConnectorKind, SimClock
from custom_components.v2g_home.devices.simulator.__main__ import (
    build_devices,
    build_servers,
    parse_args,
)

from .simulator_helpers import read, text

LISTENING = re.compile(
    r"(BiDiPro 10 \+ car|SunSpec DER storage|SunSpec pack) on 127\.0\.0\.1:(\d+)"
)


def test_options_pick_the_devices() -> None:
    """--charger evtec with connector 3 (CCS) and --der; the old --no-quasar still means no charger."""
    args = parse_args(
        [
            "--charger=evtec",
            "--connector=3",
            "--connector-type=ccs",
            "--der",
            "--no-pack",
        ]
    )
    devices = build_devices(args, SimClock(manual=True))
    assert devices.quasar is None
    assert devices.pack is None
    assert devices.bidipro is not None
    assert (devices.bidipro.connector, devices.bidipro.connector_kind) == (
        3,
        ConnectorKind.CCS,
    )
    assert devices.der is not None
    servers = build_servers(args, SimClock(manual=True), devices)
    assert sorted(servers) == ["BiDiPro 10 + car", "SunSpec DER storage"]
    old = build_devices(parse_args(["--no-quasar", "--quasar-port=0"]), SimClock())
    assert (old.quasar, old.bidipro) == (None, None)
    assert parse_args(["--quasar-port=5555"]).charger_port == 5555


async def test_standalone_serves_a_bidipro_and_a_der_device() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "custom_components.v2g_home.devices.simulator",
        "--charger=evtec",
        "--charger-port=0",
        "--der",
        "--der-port=0",
        "--no-pack",
        "--speed=60",
        "--log-every=0.1",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        ports: dict[str, int] = {}
        while len(ports) < 2:
            line = (
                await asyncio.wait_for(process.stderr.readline(), timeout=30)
            ).decode()
            assert line, "simulator exited before listening"
            if match := LISTENING.search(line):
                ports[match.group(1)] = int(match.group(2))
        charger = AsyncModbusTcpClient(
            "127.0.0.1", port=ports["BiDiPro 10 + car"], timeout=2, retries=0
        )
        der = AsyncModbusTcpClient(
            "127.0.0.1", port=ports["SunSpec DER storage"], timeout=2, retries=0
        )
        await charger.connect()
        await der.connect()
        try:
            assert "crema" in text(await read(charger, 26, 10))
            assert text(await read(der, 40000, 2)) == "SunS"
        finally:
            charger.close()
            der.close()
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0
    assert "(state 10, timeout 0 s;" in log
    assert "| DER " in log
