"""Pack profiles: validation that names the field, and a profile pack driven over loopback Modbus TCP."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from custom_components.v2g_home.devices.errors import (
    DeviceProtocolError,
    ProfileError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.models import PackState
from custom_components.v2g_home.devices.profile import (
    PROFILES_DIR,
    ProfilePack,
    available_profiles,
    load_profile,
    parse_profile,
)
from custom_components.v2g_home.devices.simulator import ModbusSimulator

from .conftest import open_transport
from .register_device import RegisterDevice

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from custom_components.v2g_home.devices.profile_schema import PackProfile
    from custom_components.v2g_home.devices.transport import ModbusTransport

EXAMPLE = PROFILES_DIR / "generic_modbus_battery.yaml"


def example() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def test_shipped_example_is_available_and_polls_in_one_request() -> None:
    """The example profile validates and its status block is a single read."""
    profiles = available_profiles()
    profile = profiles["generic_modbus_battery"]
    assert profile.name == "Generic Modbus battery (example)"
    assert (profile.port, profile.unit_id, profile.max_charge_kw) == (502, 1, 5.0)
    assert len(ProfilePack(None, profile)._blocks) == 1  # type: ignore[arg-type]


def _broken(change: Any) -> str:
    data = example()
    change(data)
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "mine.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["registers"]["soc"].update(type="float"),
            "mine.yaml: registers.soc.type: value must be one of",
        ),
        (lambda d: d["values"].pop("soc"), "values.soc: required key not provided"),
        (
            lambda d: d["values"].update(power="nope"),
            "values.power: no register named 'nope'",
        ),
        (
            lambda d: d["registers"]["battery_power"].update(unit="A"),
            "registers.battery_power.unit: power needs",
        ),
        (
            lambda d: d["registers"]["capacity"].update(unit="Ah"),
            "registers.capacity.unit: capacity needs",
        ),
        (
            lambda d: d["values"].pop("capacity"),
            "values.capacity: give a capacity register or capacity_kwh",
        ),
        (
            lambda d: d["registers"]["soc"].update(count=2),
            "registers.soc.count: only strings take a count",
        ),
        (
            lambda d: d["registers"]["soc"].update(address=70000),
            "registers.soc.address: value must be at most",
        ),
        (
            lambda d: d["identity"].update(serial="missing"),
            "identity.serial: no register named 'missing'",
        ),
        (lambda d: d["values"].update(soh="missing"), "values.soh: no register named"),
        (
            lambda d: d["values"].update(soc="serial"),
            "registers.serial.type: soc must be a number, not a string",
        ),
        (
            lambda d: d["values"]["state"].update(register="missing"),
            "values.state.register: no register named",
        ),
        (
            lambda d: d["values"]["state"]["map"].update({5: "exploding"}),
            "values.state.map.5: value must be one of",
        ),
        (
            lambda d: d["control"]["charge"][0].update(register="energy_charged"),
            "control.charge.0.register: 'energy_charged' is uint32",
        ),
        (
            lambda d: d["control"]["idle"][0].update(
                register="soc", power="signed", value=None
            )
            or d["control"]["idle"][0].pop("value"),
            "registers.soc.unit: a power write needs",
        ),
        (
            lambda d: d["control"]["idle"][0].update(power="signed"),
            "control.idle.0.<value_or_power>: give value or power, not both",
        ),
        (
            lambda d: d["control"]["idle"][0].pop("value"),
            "control.idle.0: a step needs either value or power",
        ),
        (
            lambda d: d["control"]["discharge"].clear(),
            "control.discharge: length of value must be at least 1",
        ),
        (
            lambda d: d.update(id="Has Spaces"),
            "id: use lower-case letters, digits and _",
        ),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
    ],
)
def test_errors_name_the_field(change: Any, message: str) -> None:
    """A bad profile is refused with the dotted path of the offending field."""
    assert message in _broken(change)


def test_top_level_garbage_is_refused() -> None:
    """A file that is not a mapping at all."""
    with pytest.raises(
        ProfileError, match=r"x.yaml: \(top level\): expected a mapping of fields"
    ):
        parse_profile(["not", "a", "profile"], "x.yaml")


def test_json_profiles_load_and_state_keys_may_be_strings(tmp_path: Path) -> None:
    """JSON has only string keys; the state map coerces them to register values."""
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(example()), encoding="utf-8")
    profile = load_profile(path)
    assert profile.values["state"]["map"][2] == "charging"


def test_unreadable_file_is_a_profile_error(tmp_path: Path) -> None:
    """Broken YAML and missing files both say which file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml: cannot be read"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="gone.yaml: cannot be read"):
        load_profile(tmp_path / "gone.yaml")


def test_available_profiles_skips_invalid_duplicate_and_other_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One good profile survives; the bad and the duplicate are logged by name."""
    good = example()
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(good), encoding="utf-8")
    (tmp_path / "b.yml").write_text(yaml.safe_dump(good), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("id: 5", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    assert list(available_profiles(tmp_path)) == ["generic_modbus_battery"]
    assert "b.yml: id generic_modbus_battery is already taken" in caplog.text
    assert "c.yaml" in caplog.text
    assert available_profiles(tmp_path / "nowhere") == {}


def _bank(**overrides: int) -> dict[int, int]:
    """Registers of the example map: 55.3 %, 98.5 % SoH, -1500 W, discharging, 9.8 kWh, counters, serial."""
    words = {
        100: 553,
        101: 985,
        102: 0xFFFF - 150 + 1,
        103: 3,
        104: 980,
        110: 0,
        111: 12345,
        112: 1,
        113: 0,
    }
    serial = b"GMB-0042".ljust(16, b"\0")
    words |= {120 + i: serial[2 * i] << 8 | serial[2 * i + 1] for i in range(8)}
    words |= {128: 7, 200: 0, 201: 0}
    words |= {105 + i: 0 for i in range(5)} | {114 + i: 0 for i in range(6)}
    words.update({int(k.removeprefix("r")): v for k, v in overrides.items()})
    return words


async def _served(
    device: RegisterDevice,
) -> AsyncIterator[tuple[ModbusSimulator, ModbusTransport]]:
    server = ModbusSimulator({1: device})
    await server.start()
    transport = await open_transport(server)
    try:
        yield server, transport
    finally:
        await transport.close()
        await server.stop()


@pytest.fixture
def bank() -> RegisterDevice:
    """The example pack's registers; 200 and 201 are writable."""
    return RegisterDevice(_bank(), writable={200, 201})


@pytest.fixture
async def served(
    bank: RegisterDevice,
) -> AsyncIterator[tuple[ModbusSimulator, ModbusTransport]]:
    """The bank on an ephemeral loopback port and a transport to it."""
    async for pair in _served(bank):
        yield pair


@pytest.fixture
def profile() -> PackProfile:
    """The shipped example profile."""
    return load_profile(EXAMPLE)


async def test_reads_the_example_map(
    served: tuple[ModbusSimulator, ModbusTransport], profile: PackProfile
) -> None:
    """Scaled, signed, 32-bit and mapped values, in one request."""
    server, transport = served
    pack = ProfilePack(transport, profile)
    await pack.connect()
    before = server.request_count
    reading = await pack.read()
    assert server.request_count - before == 1
    assert reading.soc_pct == pytest.approx(55.3)
    assert reading.soh_pct == pytest.approx(98.5)
    assert reading.power_kw == pytest.approx(-1.5)
    assert reading.capacity_kwh == pytest.approx(9.8)
    assert reading.state is PackState.DISCHARGING
    assert reading.energy_charged_kwh == pytest.approx(1234.5)
    assert reading.energy_discharged_kwh == pytest.approx(6553.6)
    assert (reading.max_charge_kw, reading.max_discharge_kw) == (5.0, 5.0)
    identity = await pack.identify()
    assert (identity.manufacturer, identity.serial, identity.firmware) == (
        "Example",
        "GMB-0042",
        "7",
    )


async def test_commands_follow_the_profile(
    bank: RegisterDevice,
    served: tuple[ModbusSimulator, ModbusTransport],
    profile: PackProfile,
) -> None:
    """Charge/discharge write the magnitude in W/10 and the mode; limits clamp; 0 idles; release hands back."""
    pack = ProfilePack(served[1], profile)
    assert await pack.set_power_kw(3.0) == pytest.approx(3.0)
    assert (bank.words[201], bank.words[200]) == (300, 1)
    assert await pack.set_power_kw(-7.0) == pytest.approx(-5.0)
    assert (bank.words[201], bank.words[200]) == (500, 2)
    assert await pack.set_power_kw(0.004) == pytest.approx(0.0)
    assert await pack.set_power_kw(0) == 0
    assert (bank.words[201], bank.words[200]) == (0, 3)
    await pack.release()
    assert (bank.words[201], bank.words[200]) == (0, 0)
    with pytest.raises(ValueError, match="not a number"):
        await pack.set_power_kw(float("nan"))


async def test_write_that_does_not_stick_fails_verification(
    profile: PackProfile,
) -> None:
    """The pack acknowledges the mode write but keeps its old value."""
    device = RegisterDevice(_bank(), writable={200, 201}, sticky={200})
    async for _, transport in _served(device):
        with pytest.raises(
            WriteVerificationError, match="control_mode reads 0 after writing 1"
        ):
            await ProfilePack(transport, profile).set_power_kw(1.0)


async def test_signed_power_write_and_discharge_positive_sign() -> None:
    """A signed int16 setpoint in kW, a W register positive while discharging, a fixed capacity."""
    data = example()
    data["registers"]["power_command"] = {
        "address": 201,
        "type": "int16",
        "scale": 0.01,
        "unit": "kW",
    }
    data["control"]["charge"] = [{"register": "power_command", "power": "signed"}]
    data["control"]["discharge"] = [{"register": "power_command", "power": "negated"}]
    data["control"].pop("release")
    data["values"]["power_sign"] = "positive_discharge"
    data["values"].pop("capacity")
    data["values"]["capacity_kwh"] = 12.5
    for role in ("state", "soh", "energy_charged", "energy_discharged"):
        data["values"].pop(role)
    data["identity"] = {}
    profile = parse_profile(data)
    device = RegisterDevice(_bank(), writable={200, 201})
    async for _, transport in _served(device):
        pack = ProfilePack(transport, profile)
        reading = await pack.read()
        assert (reading.power_kw, reading.capacity_kwh, reading.state) == (
            pytest.approx(1.5),
            12.5,
            PackState.CHARGING,
        )
        assert reading.soh_pct is None
        assert reading.energy_charged_kwh is None
        assert await pack.set_power_kw(2.345) == pytest.approx(2.35)
        assert device.words[201] == 235
        assert await pack.set_power_kw(-1.5) == pytest.approx(-1.5)
        assert device.words[201] == 150  # "negated" writes -(-1.5)
        await pack.release()  # no release steps: idle
        assert device.words[200] == 3
        identity = await pack.identify()
        assert identity.serial == f"generic_modbus_battery@127.0.0.1:{transport.port}/1"
        assert identity.firmware is None
        device.words[102] = 0
        assert (await pack.read()).state is PackState.IDLE
        device.words[102] = 100  # +1000 W on a positive-discharge register
        assert (await pack.read()).state is PackState.DISCHARGING


async def test_out_of_range_soc_and_unknown_state(
    bank: RegisterDevice,
    served: tuple[ModbusSimulator, ModbusTransport],
    profile: PackProfile,
) -> None:
    """An unmapped state value is "unknown"; a SoC above 100 % is garbage."""
    pack = ProfilePack(served[1], profile)
    bank.words[103] = 42
    assert (await pack.read()).state is PackState.UNKNOWN
    bank.words[100] = 1005
    with pytest.raises(DeviceProtocolError, match="outside 0.0..100.0"):
        await pack.read()


async def test_soc_above_100_without_a_plausible_range_is_still_garbage() -> None:
    """Even when a profile gives no range, a SoC over 100 % is refused."""
    data = example()
    del data["registers"]["soc"]["plausible"]
    device = RegisterDevice(_bank(r100=1005), writable={200, 201})
    async for _, transport in _served(device):
        pack = ProfilePack(transport, parse_profile(data))
        await pack.connect()
        with pytest.raises(DeviceProtocolError, match=r"soc reads 100.5 %"):
            await pack.read()
        await pack.close()
        assert not transport.connected
