"""The simulated SunSpec DER storage device on the wire: layout from the JSON, control, revert timer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.v2g_home.devices.pymodbus_compat import unit
from custom_components.v2g_home.devices.simulator import SimClock, SimulatedBiDiPro
from custom_components.v2g_home.devices.simulator.household import (
    Household,
    status_line,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.simulator.sunspec_der_models import (
    MODEL_701,
    MODEL_702,
    MODEL_704,
    MODEL_713,
)

from .simulator_helpers import (
    ModbusExceptionAnswer,
    int16,
    raw_client,
    read,
    serving,
    text,
    write,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sunspec"


@pytest.mark.parametrize("model", [MODEL_701, MODEL_702, MODEL_704, MODEL_713])
def test_simulator_models_match_the_json(model: object) -> None:
    """Every point (groups flattened after the fixed points) has the JSON's size, type and access."""
    group = json.loads(
        (FIXTURES / f"model_{model.model_id}.json").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    )["group"]
    rows = [
        (p["name"], p["size"], p["type"], p.get("sf"), p.get("access", "R") == "RW")
        for p in group["points"]
    ]
    for sub in group.get("groups", []):
        rows += [
            (
                f"{sub['name']}.{p['name']}",
                p["size"],
                p["type"],
                p.get("sf"),
                p.get("access", "R") == "RW",
            )
            for p in sub["points"]
        ]
    points = model.points  # type: ignore[attr-defined]
    assert [
        (p.name, p.size, p.type, p.scale_factor, p.writable) for p in points
    ] == rows
    assert model.length == sum(r[1] for r in rows) - 2  # type: ignore[attr-defined]


async def test_chain_and_live_values() -> None:
    """SunS, 1, 701, 702, 704, 713, end; SoC, W (generation +) and Hz read as the device stands."""
    clock = SimClock(manual=True)
    device = SimulatedDerStorage(clock, soc_pct=40.0)
    async with serving(device) as server, raw_client(server) as client:
        assert text(await read(client, 40000, 2)) == "SunS"
        chain, address = [], 40002
        while True:
            model_id, length = await read(client, address, 2)
            if model_id == 0xFFFF:
                break
            chain.append(model_id)
            address += 2 + length
        assert chain == [1, 701, 702, 704, 713]
        assert await read(client, device.address(713, "SoC")) == [400]
        hz = await read(client, device.address(701, "Hz"), 2)
        assert hz == [0, 5000]
        device.local_power_kw = -2.0  # the device's own logic serves the house
        assert int16((await read(client, device.address(701, "W")))[0]) == 2000
        with pytest.raises(ModbusExceptionAnswer) as outside:
            await read(client, 39990, 5)
        assert outside.value.code == 2


async def test_wset_runs_the_device_until_the_revert_timer_expires() -> None:
    """WSet -3000 W charges at 3 kW; 60 s after the last control write it reverts to local logic."""
    clock = SimClock(manual=True)
    device = SimulatedDerStorage(clock)
    wset = device.address(704, "WSet")
    async with serving(device) as server, raw_client(server) as client:
        timer = device.address(704, "WSetRvrtTms")
        assert not (await client.write_registers(timer, [0, 60], **unit(1))).isError()
        for address in (wset + 1, wset):  # half an int32, either half
            with pytest.raises(ModbusExceptionAnswer) as half:
                await write(client, address, 0xF448)
            assert half.value.code == 3
        reply = await client.write_registers(wset, [0xFFFF, 0xF448], **unit(1))
        assert not reply.isError()
        await write(client, device.address(704, "WSetEna"), 1)
        assert device.power_kw == 3.0
        clock.advance(30)
        assert (await read(client, device.address(704, "WSetRvrtRem"), 2))[1] == 30
        clock.advance(31)
        assert device.power_kw == 0.0
        assert device.settings[704, "WSetEna"] == 0
        assert device.meter.energy_in_kwh == pytest.approx(3.0 * 60 / 3600)


async def test_rules_refuse_what_the_device_cannot_do() -> None:
    """Out-of-range values get 3; unimplemented or read-only points get 2."""
    device = SimulatedDerStorage(SimClock(manual=True), with_revert=False)
    async with serving(device) as server, raw_client(server) as client:
        for point, value, code in (
            ("WSetEna", 2, 3),
            ("WSetPct", 10001, 3),
            ("WSetRvrtTms", 0, 2),
            ("WMaxLimPct", 50, 2),
        ):
            with pytest.raises(ModbusExceptionAnswer) as caught:
                await write(client, device.address(704, point), value)
            assert caught.value.code == code, point
        with pytest.raises(ModbusExceptionAnswer) as rating:
            await write(client, device.address(702, "WMax"), 6000)
        assert rating.value.code == 3


async def test_percent_mode_caps_and_alarms() -> None:
    """WSetPct 50 % of WMax discharges; WDisChaRteMax caps it; an alarm stops everything."""
    device = SimulatedDerStorage(SimClock(manual=True), with_watts_mode=False)
    async with serving(device) as server, raw_client(server) as client:
        assert await read(client, device.address(704, "WSet"), 2) == [0x8000, 0]
        await write(client, device.address(704, "WSetPct"), 5000)
        await write(client, device.address(704, "WSetEna"), 1)
        assert device.power_kw == -2.5
        await write(client, device.address(702, "WDisChaRteMax"), 1000)
        assert device.power_kw == -1.0
        device.alarm_bits = 1 << 7
        assert device.power_kw == 0.0
        assert await read(client, device.address(713, "Sta")) == [2]
        server.faults.garbage = True
        assert await read(client, device.address(713, "SoC")) == [2500]


def test_nonsense_devices_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        SimulatedDerStorage(SimClock(manual=True), max_power_kw=0)


def test_the_household_runs_the_der_device_on_its_own_logic() -> None:
    """Solar charging to 90 %, then the house; a command (WSetEna 1) takes precedence."""
    clock = SimClock(manual=True)
    device = SimulatedDerStorage(clock, soc_pct=89.0)
    household = Household(clock, None, None, der=device)
    assert device.power_kw == 1.5
    device.soc_pct = 90.5
    household.tick()
    assert device.power_kw == -0.8
    line = status_line(None, None, der=device, bidipro=SimulatedBiDiPro(clock))
    assert line.startswith("car  50.0 % +0.00 kW (state 10, timeout 0 s;")
    assert "| DER  90.5 % -0.80 kW" in line
