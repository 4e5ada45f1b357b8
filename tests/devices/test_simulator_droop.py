"""The simulated DER device's own frequency droop (model 711): layout, adoption, response, reversion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.v2g_home.devices.pymodbus_compat import unit
from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import (
    FrequencyStep,
    FrequencyTrace,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.simulator.sunspec_droop_model import (
    droop_model,
)

from .simulator_helpers import ModbusExceptionAnswer, raw_client, read, serving, write

FIXTURES = Path(__file__).parent / "fixtures" / "sunspec"


def test_the_model_matches_the_json_with_its_control_sets_flattened() -> None:
    """Every point of 711 (Ctl repeated NCtl times) has the JSON's size, type, scale factor and access."""
    group = json.loads((FIXTURES / "model_711.json").read_text(encoding="utf-8"))[
        "group"
    ]
    rows = [
        (p["name"], p["size"], p["type"], p.get("sf"), p.get("access", "R") == "RW")
        for p in group["points"]
    ]
    (controls,) = group["groups"]
    for index in (1, 2):
        rows += [
            (
                f"Ctl{index}.{p['name']}",
                p["size"],
                p["type"],
                p.get("sf"),
                p.get("access", "R") == "RW",
            )
            for p in controls["points"]
        ]
    model = droop_model(2)
    assert [
        (p.name, p.size, p.type, p.scale_factor, p.writable) for p in model.points
    ] == rows
    assert model.length == sum(r[1] for r in rows) - 2


def _device(clock: SimClock, hz: float = 49.7) -> SimulatedDerStorage:
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=10, duration_s=600, hz=hz),)
    )
    return SimulatedDerStorage(clock, grid=trace, with_droop=True)


async def _u32(client: object, address: int, value: int) -> None:
    reply = await client.write_registers(
        address, [value >> 16, value & 0xFFFF], **unit(1)
    )  # type: ignore[attr-defined]
    assert not reply.isError()


async def _configure_fcr_d_up(client: object, der: SimulatedDerStorage) -> None:
    """3 kW of FCR-D up on a 5 kW device: 0.1 Hz dead band, k = 0.4/50 x 5/3, 2 s."""
    await _u32(client, der.address(711, "Ctl2.DbUf"), 100)
    await write(client, der.address(711, "Ctl2.KUf"), 133)  # type: ignore[arg-type]
    await _u32(client, der.address(711, "Ctl2.RspTms"), 20)
    await write(client, der.address(711, "AdptCtlReq"), 2)  # type: ignore[arg-type]
    await write(client, der.address(711, "Ena"), 1)  # type: ignore[arg-type]


async def test_an_adopted_curve_answers_a_step_within_its_response_time() -> None:
    """49.7 Hz: (0.2 Hz / 50) / 0.0133 x 5 kW = 1.5 kW more export, 90 % within 2 s."""
    clock = SimClock(manual=True)
    der = _device(clock)
    async with serving(der) as server, raw_client(server) as client:
        assert (await read(client, der.address(711, "NCtl")))[0] == 2
        await _configure_fcr_d_up(client, der)
        assert (await read(client, der.address(711, "AdptCtlRslt")))[0] == 1
        assert (await read(client, der.address(711, "Ctl1.KUf")))[0] == 133
        clock.advance(9.9)
        assert der.power_kw == 0.0
        clock.advance(2.1)
        assert -1.56 < der.power_kw < -0.9 * 1.5
        clock.advance(20)
        assert der.power_kw == pytest.approx(-1.5, rel=0.02)


async def test_set_1_is_read_only_and_bad_requests_fail() -> None:
    """The active set is changed only by adoption; an index out of range fails."""
    der = _device(SimClock(manual=True))
    async with serving(der) as server, raw_client(server) as client:
        with pytest.raises(ModbusExceptionAnswer) as refused:
            await write(client, der.address(711, "Ctl1.KUf"), 100)
        assert refused.value.code == 2
        await write(client, der.address(711, "AdptCtlReq"), 3)
        assert (await read(client, der.address(711, "AdptCtlRslt")))[0] == 2
        with pytest.raises(ModbusExceptionAnswer) as bad:
            await write(client, der.address(711, "Ena"), 2)
        assert bad.value.code == 3


async def test_the_reversion_timer_adopts_the_default_set() -> None:
    """RvrtTms 30 s with RvrtCtl 2 holding the old curve: 30 s after the last write it is back."""
    clock = SimClock(manual=True)
    der = _device(clock)
    async with serving(der) as server, raw_client(server) as client:
        await _configure_fcr_d_up(client, der)
        # Set 2 now holds the default curve again, for the reversion to adopt.
        await _u32(client, der.address(711, "Ctl2.DbUf"), 36)
        await write(client, der.address(711, "Ctl2.KUf"), 500)
        await write(client, der.address(711, "RvrtCtl"), 2)
        await _u32(client, der.address(711, "RvrtTms"), 30)
        clock.advance(20)
        assert (await read(client, der.address(711, "RvrtRem"), 2))[1] == 10
        assert der.power_kw == pytest.approx(-1.5, rel=0.02)
        clock.advance(40)
        assert (await read(client, der.address(711, "Ctl1.KUf")))[0] == 500
        # The default 5 % droop beyond 36 mHz: (0.264 / 50) / 0.05 x 5 kW.
        assert der.power_kw == pytest.approx(-0.528, rel=0.02)


async def test_the_droop_adds_to_the_setpoint_within_the_rates() -> None:
    """Exporting 4 kW by WSet plus 1.5 kW of droop is capped at the 5 kW rate."""
    clock = SimClock(manual=True)
    der = _device(clock)
    async with serving(der) as server, raw_client(server) as client:
        await _configure_fcr_d_up(client, der)
        await _u32(client, der.address(704, "WSet"), 4000)
        await write(client, der.address(704, "WSetEna"), 1)
        clock.advance(30)
        assert der.power_kw == pytest.approx(-5.0)
