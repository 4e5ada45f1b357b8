"""A profile charger (the shipped example) driven over loopback Modbus TCP."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.v2g_home.devices.charger import (
    ChargerKind,
    SessionState,
)
from custom_components.v2g_home.devices.charger_profile import (
    ProfileCharger,
)
from custom_components.v2g_home.devices.charger_profile_reading import profile_status
from custom_components.v2g_home.devices.charger_profile_schema import (
    parse_charger_profile,
)
from custom_components.v2g_home.devices.errors import (
    DeviceProtocolError,
    WriteVerificationError,
)

from .conftest import open_transport
from .profile_charger_device import ExampleCharger, example
from .simulator_helpers import serving

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from custom_components.v2g_home.devices.simulator import ModbusSimulator


@asynccontextmanager
async def driving(
    device: ExampleCharger, data: dict[str, Any] | None = None
) -> AsyncIterator[tuple[ModbusSimulator, ProfileCharger]]:
    profile = parse_charger_profile(data or example(), "example")
    async with serving(device) as server:
        transport = await open_transport(server)
        try:
            yield server, ProfileCharger(transport, profile)
        finally:
            await transport.close()


async def test_a_poll_reads_state_soc_limits_and_errors() -> None:
    device = ExampleCharger()
    async with driving(device) as (server, charger):
        assert charger.kind is ChargerKind.PROFILE
        identity = await charger.identify()
        assert (identity.serial, identity.firmware) == ("EXV2G-7", "12")
        before = server.request_count
        reading = await charger.read()
        assert server.request_count - before == 2
        status = reading.status
        assert (status.state, status.plugged_in, status.car_soc_pct) == (
            SessionState.READY,
            True,
            64.5,
        )
        caps = status.capabilities
        assert (caps.max_charge_kw, caps.max_discharge_kw) == (7.0, 5.0)
        assert (caps.min_charge_kw, caps.limits_vary, caps.soc_in_session_only) == (
            1.4,
            True,
            True,
        )
        device.session_up = False
        connecting = (await charger.read()).status
        assert (connecting.state, connecting.car_soc_pct) == (
            SessionState.CONNECTING,
            None,
        )
        device.fault = 9
        errored = (await charger.read()).status
        assert (errored.state, errored.plugged_in, errored.error_code) == (
            SessionState.ERROR,
            None,
            9,
        )
        assert (await charger.read()).raw_state == 5


async def test_control_clamps_arms_the_watchdog_and_releases() -> None:
    device = ExampleCharger()
    device.watchdog_s = 30
    async with driving(device) as (_, charger):
        assert await charger.set_power_kw(15.0) == 7.0
        assert (device.remote, device.watchdog_s, device.power_w) == (1, 120, 7000)
        assert await charger.set_power_kw(1.0) == 0.0  # below the 1.4 kW minimum
        assert await charger.set_power_kw(-3.0) == -3.0
        assert (await charger.read()).status.state is SessionState.DISCHARGING
        device.discharge_limit_w = 0  # the charger stops offering discharge
        status = (await charger.read()).status
        assert not status.capabilities.discharge_offered
        await charger.refresh_control()
        assert device.setpoint_w == 0
        device.watchdog_s = 0  # lost (a reboot)
        await charger.refresh_control()
        assert device.watchdog_s == 120
        await charger.stop()
        assert device.setpoint_w == 0
        await charger.release()
        assert (device.remote, device.watchdog_s) == (0, 30)
        assert not charger.in_control
        await charger.refresh_control()
        assert device.watchdog_s == 30


async def test_a_watchdog_written_on_every_refresh_and_a_flipped_sign() -> None:
    """refresh: write rewrites the seconds each time; positive_discharge flips both ways."""
    data = example()
    data["control"]["failsafe"]["refresh"] = "write"
    data["control"]["setpoint"]["sign"] = "positive_discharge"
    data["values"]["power_sign"] = "positive_discharge"
    device = ExampleCharger()
    async with driving(device, data) as (server, charger):
        assert await charger.set_power_kw(2.0) == 2.0
        assert device.setpoint_w == -2000
        assert (await charger.read()).status.power_kw == 2.0
        before = server.request_count
        await charger.refresh_control()
        assert (
            server.request_count - before == 3
        )  # read, write and read back the watchdog


async def test_without_a_state_register_the_power_tells() -> None:
    data = example()
    del data["values"]["state"]
    data["values"]["soc"]["valid"] = "always"
    device = ExampleCharger()
    async with driving(device, data) as (_, charger):
        assert (await charger.read()).status.state is SessionState.READY
        await charger.set_power_kw(3.0)
        assert (await charger.read()).status.state is SessionState.CHARGING
        await charger.set_power_kw(-3.0)
        assert (await charger.read()).status.state is SessionState.DISCHARGING
        device.car_present = False
        status = (await charger.read()).status
        assert (status.state, status.car_soc_pct, status.plugged_in) == (
            SessionState.READY,
            None,
            True,
        )


async def test_garbage_is_refused() -> None:
    device = ExampleCharger()
    async with driving(device) as (server, charger):
        server.faults.garbage = True
        with pytest.raises(DeviceProtocolError, match="outside 0.0..100.0"):
            await charger.read()
        with pytest.raises(ValueError, match="not a number"):
            await charger.set_power_kw(float("nan"))
    data = example()
    del data["registers"]["car_soc"]["plausible"]
    async with driving(device, data) as (server, charger):
        server.faults.garbage = True
        with pytest.raises(DeviceProtocolError, match="car_soc reads 500.0 %"):
            await charger.read()


async def test_no_serial_register_gives_a_stable_fallback() -> None:
    data = example()
    data["identity"] = {}
    async with driving(ExampleCharger(), data) as (server, charger):
        identity = await charger.identify()
        assert identity.serial == f"example_v2g_charger@127.0.0.1:{server.port}/1"
        assert identity.firmware is None


class Deaf(ExampleCharger):
    """Acknowledges writes of the remote flag but keeps it at 0."""

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Drop writes to the remote flag."""
        if address != 1100:
            super().write_registers(address, values)


async def test_unknown_states_missing_steps_and_writes_that_do_not_stick() -> None:
    data = example()
    del data["control"]["stop"]
    device = ExampleCharger()
    async with driving(device, data) as (_, charger):
        await charger.connect()
        await charger.set_power_kw(2.0)
        await charger.stop()  # no stop steps: the setpoint goes to 0
        assert device.setpoint_w == 0
        await charger.close()
    async with driving(Deaf(), data) as (_, charger):
        with pytest.raises(WriteVerificationError, match="register 1100 reads"):
            await charger.set_power_kw(2.0)
    profile = parse_charger_profile(example(), "example")
    assert (
        profile_status(
            {
                "power": None,
                "status": 7,
                "car_soc": 0.0,
                "charge_limit": 0.0,
                "discharge_limit": 0.0,
                "fault_code": 0,
                "power_setpoint": 0,
            },
            profile,
        ).state
        is SessionState.UNKNOWN
    )
    data = example()
    del data["values"]["state"]
    unstated = parse_charger_profile(data, "example")
    assert (
        profile_status(
            {
                "power": None,
                "car_soc": 0.0,
                "charge_limit": 0.0,
                "discharge_limit": 0.0,
                "fault_code": 0,
                "power_setpoint": 0,
            },
            unstated,
        ).state
        is SessionState.UNKNOWN
    )
