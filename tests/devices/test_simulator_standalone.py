"""The standalone simulator as a user runs it: a process that serves both devices until Ctrl-C."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

from pymodbus.client import AsyncModbusTcpClient
import pytest

from custom_components.v2g_home.devices.simulator import QuasarRegister as Reg

from .simulator_helpers import ModbusExceptionAnswer, read, text, write

LISTENING = re.compile(r"(Quasar 1 \+ Leaf|SunSpec pack) on 127\.0\.0\.1:(\d+)")


async def _ports_from_log(process: asyncio.subprocess.Process) -> dict[str, int]:
    assert process.stderr is not None
    ports: dict[str, int] = {}
    while len(ports) < 2:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=30)).decode()
        assert line, "simulator exited before listening"
        if match := LISTENING.search(line):
            ports[match.group(1)] = int(match.group(2))
    return ports


async def test_standalone_serves_both_devices_until_interrupted() -> None:
    """Both ports answer Modbus, the car charges under --autostart, status lines appear, SIGINT exits cleanly."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "custom_components.v2g_home.devices.simulator",
        "--quasar-port=0",
        "--pack-port=0",
        "--speed=600",
        "--soc=55",
        "--autostart",
        "--log-every=0.1",
        # Steps at once: the status line at t=0 shows the autostart charge, not the start of its ramp.
        "--instant",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        ports = await _ports_from_log(process)
        car = AsyncModbusTcpClient(
            "127.0.0.1", port=ports["Quasar 1 + Leaf"], timeout=2, retries=0
        )
        pack = AsyncModbusTcpClient(
            "127.0.0.1", port=ports["SunSpec pack"], timeout=2, retries=0
        )
        await car.connect()
        await pack.connect()
        try:
            state, soc = await read(car, Reg.STATE, 2)
            assert state == 1  # the owner's 10 A autostart charge
            assert 55 <= soc <= 70  # a few simulated minutes of charging at most
            assert text(await read(pack, 40000, 2)) == "SunS"
            await write(car, Reg.CONTROL, 1)
            with pytest.raises(ModbusExceptionAnswer):
                await write(car, Reg.CURRENT_SETPOINT, 99)
        finally:
            car.close()
            pack.close()
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0
    assert "simulator stopped" in log
    assert (
        "+2.30 kW (plugged, user" in log
    )  # a status line while the autostart charge ran
