"""Charger profiles: the shipped example, errors that name the field, a profile charger over Modbus TCP."""

from __future__ import annotations

from contextlib import asynccontextmanager
import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from custom_components.v2g_home.devices.charger import (
    ChargerKind,
    ConnectorType,
    SessionState,
)
from custom_components.v2g_home.devices.charger_profile import (
    CHARGER_PROFILES_DIR,
    ProfileCharger,
    available_charger_profiles,
    load_charger_profile,
)
from custom_components.v2g_home.devices.charger_profile_reading import profile_status
from custom_components.v2g_home.devices.charger_profile_schema import (
    parse_charger_profile,
)
from custom_components.v2g_home.devices.errors import (
    DeviceProtocolError,
    ProfileError,
    WriteVerificationError,
)

from .conftest import open_transport
from .profile_charger_device import ExampleCharger
from .simulator_helpers import serving

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from pathlib import Path

    from custom_components.v2g_home.devices.simulator import ModbusSimulator

EXAMPLE = CHARGER_PROFILES_DIR / "example_v2g_charger.yaml"


def example() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def test_the_shipped_example_is_available() -> None:
    profile = available_charger_profiles()["example_v2g_charger"]
    assert profile.name == "Example V2G charger (example)"
    assert profile.connector is ConnectorType.CCS
    assert (profile.port, profile.unit_id, profile.limits["max_charge_kw"]) == (
        502,
        1,
        11.0,
    )
    assert profile.failsafe == {
        "register": "watchdog",
        "seconds": 120,
        "refresh": "traffic",
    }


def broken(change: Any) -> str:
    data = example()
    change(data)
    with pytest.raises(ProfileError) as caught:
        parse_charger_profile(data, "mine.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["values"].pop("power"), "mine.yaml: values.power: required key"),
        (
            lambda d: d["values"].update(power="nope"),
            "values.power: no register named 'nope'",
        ),
        (
            lambda d: d["registers"]["power"].update(unit="A"),
            "registers.power.unit: power needs one of ['W', 'kW']",
        ),
        (
            lambda d: d["values"]["state"]["map"].update({6: "flying"}),
            "values.state.map.6: value must be one of",
        ),
        (
            lambda d: d["values"]["soc"].update(valid="sometimes"),
            "values.soc.valid: value must be one of",
        ),
        (
            lambda d: d["values"]["soc"].update(register="serial"),
            "registers.serial.type: register must be a number, not a string",
        ),
        (
            lambda d: d["limits"].update(min_charge_kw=12.0),
            "limits.min_charge_kw: is above max_charge_kw",
        ),
        (
            lambda d: d["limits"].update(max_discharge="fault_code"),
            "registers.fault_code.unit: max_discharge needs",
        ),
        (
            lambda d: d["control"]["setpoint"].update(register="serial"),
            "control.setpoint.register: 'serial' is string",
        ),
        (
            lambda d: d["control"]["setpoint"].update(register="fault_code"),
            "registers.fault_code.unit: setpoint needs",
        ),
        (
            lambda d: d["control"]["setpoint"].update(sign="upside_down"),
            "control.setpoint.sign: value must be one of",
        ),
        (
            lambda d: d["control"]["failsafe"].update(seconds=0),
            "control.failsafe.seconds: value must be at least 1",
        ),
        (
            lambda d: d["control"]["failsafe"].update(register="serial"),
            "control.failsafe.register: 'serial' is string",
        ),
        (
            lambda d: d["control"]["stop"][0].update(register="gone"),
            "control.stop.0.register: no register named 'gone'",
        ),
        (lambda d: d.update(connector="scart"), "connector: value must be one of"),
        (
            lambda d: d["identity"].update(serial="missing"),
            "identity.serial: no register",
        ),
        (
            lambda d: d["registers"]["status"].update(count=2),
            "registers.status.count: only strings take a count",
        ),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
    ],
)
def test_errors_name_the_field(change: Any, message: str) -> None:
    assert message in broken(change)


def test_files_and_folders(tmp_path: Path) -> None:
    """JSON works too; a broken file or a taken id is skipped, the rest stays available."""
    (tmp_path / "a.json").write_text(json.dumps(example()), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "c.yaml").write_text("id: [", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    assert list(available_charger_profiles(tmp_path)) == ["example_v2g_charger"]
    assert load_charger_profile(tmp_path / "a.json").id == "example_v2g_charger"
    with pytest.raises(ProfileError, match="c.yaml: cannot be read"):
        load_charger_profile(tmp_path / "c.yaml")
    assert available_charger_profiles(tmp_path / "missing") == {}


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
