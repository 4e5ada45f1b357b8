"""SunSpec packs: discovery, model 802 readings and model 124 control, over loopback Modbus TCP."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    DeviceProtocolError,
    DeviceTimeoutError,
    UnsupportedDeviceError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.models import PackState
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimDevice,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.sunspec import PowerSign, SunSpecPack

from .conftest import open_transport
from .register_device import RegisterDevice, sunspec_words

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from custom_components.v2g_home.devices.transport import ModbusTransport

COMMON = (1, {"Mn": "Acme", "Md": "Box", "SN": "A1", "Vr": "2.1"})


@asynccontextmanager
async def serving(
    device: SimDevice, *, timeout_s: float = 1.0
) -> AsyncIterator[tuple[ModbusSimulator, ModbusTransport]]:
    """Serve one device on an ephemeral port and connect a transport to it."""
    server = ModbusSimulator({1: device})
    await server.start()
    transport = await open_transport(server, timeout_s=timeout_s)
    try:
        yield server, transport
    finally:
        await transport.close()
        await server.stop()


@pytest.mark.parametrize("base", [40000, 0, 50000])
async def test_discovers_the_base_and_identifies(clock: SimClock, base: int) -> None:
    """The "SunS" marker is found at any of the three bases; model 1 names the pack."""
    async with serving(SimulatedSunSpecPack(clock, base_address=base)) as (
        _,
        transport,
    ):
        pack = SunSpecPack(transport)
        identity = await pack.identify()
        assert (identity.manufacturer, identity.model) == (
            "V2G Home",
            "Simulated SunSpec pack",
        )
        assert (identity.serial, identity.firmware) == ("SIMPACK0001", "1.0.0")
        assert sorted(pack.models) == [1, 124, 802]
        assert pack.models[1].address == base + 2


async def test_full_poll_is_one_request(
    pack_server: ModbusSimulator, pack_transport: ModbusTransport
) -> None:
    """Models 802 and 124 sit next to each other, so one read covers a poll."""
    pack = SunSpecPack(pack_transport)
    await pack.connect()
    before = pack_server.request_count
    reading = await pack.read()
    assert pack_server.request_count - before == 1
    assert reading.soc_pct == pytest.approx(50.0)
    assert reading.soh_pct == 97
    assert reading.capacity_kwh == pytest.approx(10.0)
    assert reading.power_kw == 0
    assert reading.state is PackState.HOLDING
    assert (reading.max_charge_kw, reading.max_discharge_kw) == (5.0, 5.0)


async def test_charge_and_discharge_through_model_124(
    pack: SimulatedSunSpecPack, clock: SimClock, pack_transport: ModbusTransport
) -> None:
    """+2.5 kW is InWRte 50 % of 5 kW; an hour later SoC rose by 2.5 x 0.95 / 10; -3 kW discharges."""
    driver = SunSpecPack(pack_transport)
    assert await driver.set_power_kw(2.5) == pytest.approx(2.5)
    assert pack.power_kw == pytest.approx(2.5)
    clock.advance(3600)
    reading = await driver.read()
    assert reading.power_kw == pytest.approx(2.5)
    assert reading.state is PackState.CHARGING
    assert pack.soc_pct == pytest.approx(50 + 23.75)
    assert reading.soc_pct == pytest.approx(73.8, abs=0.05)
    assert await driver.set_power_kw(-3.0) == pytest.approx(-3.0)
    reading = await driver.read()
    assert reading.power_kw == pytest.approx(-3.0)
    assert reading.state is PackState.DISCHARGING
    assert pack.meter.energy_in_kwh == pytest.approx(2.5)


async def test_zero_holds_limits_clamp_and_release_returns_to_local(
    pack: SimulatedSunSpecPack, pack_transport: ModbusTransport
) -> None:
    """0 kW holds even against local logic; requests clamp to WChaMax; release lets local logic run."""
    pack.local_power_kw = 1.0
    driver = SunSpecPack(pack_transport)
    assert await driver.set_power_kw(0) == 0
    assert pack.power_kw == 0
    assert await driver.set_power_kw(-9.0) == pytest.approx(-5.0)
    assert pack.power_kw == pytest.approx(-5.0)
    await driver.release()
    assert pack.power_kw == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not a number"):
        await driver.set_power_kw(float("inf"))


@pytest.mark.parametrize(
    ("w_positive_means_charge", "sign", "expected_kw"),
    [
        (True, PowerSign.AUTO, 2.0),
        (False, PowerSign.AUTO, 2.0),
        (False, PowerSign.POSITIVE_DISCHARGE, 2.0),
        (True, PowerSign.POSITIVE_CHARGE, 2.0),
        (False, PowerSign.POSITIVE_CHARGE, -2.0),  # a wrong setting is taken literally
    ],
)
async def test_power_sign_from_charge_status_or_setting(
    clock: SimClock, w_positive_means_charge: bool, sign: PowerSign, expected_kw: float
) -> None:
    """Model 802 leaves W's sign open: AUTO follows ChaSt, the settings are explicit."""
    device = SimulatedSunSpecPack(
        clock, w_positive_means_charge=w_positive_means_charge
    )
    async with serving(device) as (_, transport):
        driver = SunSpecPack(transport, power_sign=sign)
        await driver.set_power_kw(2.0)
        assert (await driver.read()).power_kw == pytest.approx(expected_kw)


async def test_auto_sign_learns_the_convention_for_when_charge_status_is_missing() -> (
    None
):
    """Once ChaSt said "charging" with W negative, later readings without ChaSt keep that sign."""
    battery = {
        "SoC": 500,
        "SoC_SF": 0xFFFF,
        "W": 0xF830,
        "W_SF": 0,
        "ChaSt": 4,
        "State": 3,
        "WHRtg": 5000,
        "WHRtg_SF": 0,
    }
    device = RegisterDevice(sunspec_words(40000, [COMMON, (802, battery)]))
    async with serving(device) as (_, transport):
        driver = SunSpecPack(transport)
        assert (await driver.read()).power_kw == pytest.approx(2.0)
        status = driver.models[802].address + 16
        device.words[status] = 0xFFFF  # ChaSt not implemented from now on
        device.words[status + 31] = 0xFC18  # W = -1000
        reading = await driver.read()
        assert reading.power_kw == pytest.approx(1.0)
        assert reading.state is PackState.CHARGING
        assert reading.soh_pct is None
        assert reading.max_charge_kw is None


async def test_without_model_124_reads_work_and_control_names_the_model(
    clock: SimClock,
) -> None:
    """A read-only pack still reports; commanding it says which model is missing."""
    async with serving(SimulatedSunSpecPack(clock, with_model_124=False)) as (
        _,
        transport,
    ):
        driver = SunSpecPack(transport)
        reading = await driver.read()
        assert reading.soc_pct == pytest.approx(50.0)
        assert reading.max_charge_kw == pytest.approx(
            5.0
        )  # from model 802's WChaRteMax
        with pytest.raises(
            UnsupportedDeviceError, match=r"model 124 \(storage control\) not found"
        ):
            await driver.set_power_kw(1.0)


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ([COMMON], r"model 802 \(battery\) not found"),
        ([(802, {"SoC": 50, "SoC_SF": 0})], r"model 1 \(common\) not found"),
    ],
)
async def test_missing_model_is_named(
    models: list[tuple[int, Mapping[str, int | str]]], message: str
) -> None:
    """A pack without the battery or common model is unsupported, and the error says which."""
    async with serving(RegisterDevice(sunspec_words(0, models))) as (_, transport):
        driver = SunSpecPack(transport)
        with pytest.raises(UnsupportedDeviceError, match=message):
            await driver.identify()


async def test_no_marker_anywhere_is_unsupported(
    quasar_transport: ModbusTransport,
) -> None:
    """A Quasar is not a SunSpec device."""
    with pytest.raises(UnsupportedDeviceError, match="no SunSpec marker"):
        await SunSpecPack(quasar_transport).connect()


async def test_model_chain_without_end_is_a_protocol_error() -> None:
    """A chain that runs off the register space is broken."""
    words = sunspec_words(40000, [COMMON])
    words[40002 + 68] = (
        1  # overwrite the end marker with another model 1 that points past 0xFFFF
    )
    words[40002 + 69] = 30000
    async with serving(RegisterDevice(words)) as (_, transport):
        with pytest.raises(DeviceProtocolError, match="no end marker"):
            await SunSpecPack(transport).connect()


async def test_identity_without_serial_is_a_protocol_error() -> None:
    """Model 1 without SN cannot give a unique id."""
    words = sunspec_words(40000, [(1, {"Mn": "Acme"}), (802, {})])
    async with serving(RegisterDevice(words)) as (_, transport):
        with pytest.raises(DeviceProtocolError, match="serial"):
            await SunSpecPack(transport).identify()


async def test_write_that_does_not_stick_is_caught() -> None:
    """A pack that acknowledges StorCtl_Mod but keeps the old value fails verification."""
    battery = {"SoC": 50, "SoC_SF": 0, "W": 0, "W_SF": 0, "ChaSt": 6, "State": 3}
    storage = {
        "WChaMax": 5000,
        "WChaMax_SF": 0,
        "StorCtl_Mod": 0,
        "InWRte": 0,
        "OutWRte": 0,
        "InOutWRte_SF": 0,
    }
    words = sunspec_words(40000, [COMMON, (802, battery), (124, storage)])
    control = 40002 + 68 + 64
    device = RegisterDevice(
        words, writable={control + 5, control + 12, control + 13}, sticky={control + 5}
    )
    async with serving(device) as (_, transport):
        driver = SunSpecPack(transport)
        with pytest.raises(
            WriteVerificationError, match="StorCtl_Mod reads 0 after writing 1"
        ):
            await driver.set_power_kw(2.0)
        assert (
            control + 13,
            40,
        ) in device.writes  # 2 kW of 5 kW at scale factor 0 = 40 %


async def test_rates_are_written_before_the_mode() -> None:
    """Switching from charge to discharge never runs at the stale OutWRte: the mode goes last."""
    battery = {"SoC": 50, "SoC_SF": 0, "W": 0, "W_SF": 0, "ChaSt": 6, "State": 3}
    storage = {
        "WChaMax": 5000,
        "WChaMax_SF": 0,
        "StorCtl_Mod": 1,
        "InWRte": 100,
        "OutWRte": 100,
        "InOutWRte_SF": 0,
    }
    words = sunspec_words(40000, [COMMON, (802, battery), (124, storage)])
    control = 40002 + 68 + 64
    device = RegisterDevice(words, writable={control + 5, control + 12, control + 13})
    async with serving(device) as (_, transport):
        assert await SunSpecPack(transport).set_power_kw(-1.0) == pytest.approx(-1.0)
    assert device.writes == [(control + 13, 0), (control + 12, 20), (control + 5, 2)]


async def test_pack_without_wchamax_cannot_be_commanded() -> None:
    """Percent of an unknown maximum means nothing."""
    words = sunspec_words(
        40000, [COMMON, (802, {"SoC": 50, "SoC_SF": 0}), (124, {"WChaMax_SF": 0})]
    )
    async with serving(RegisterDevice(words)) as (_, transport):
        with pytest.raises(UnsupportedDeviceError, match="WChaMax"):
            await SunSpecPack(transport).set_power_kw(1.0)


async def test_short_model_124_drops_points_whose_scale_factor_is_missing() -> None:
    """L = 20 ends before InOutWRte_SF, so InWRte/OutWRte cannot be interpreted or commanded."""
    words = sunspec_words(
        40000,
        [
            COMMON,
            (802, {"SoC": 50, "SoC_SF": 0}),
            (124, {"WChaMax": 50, "WChaMax_SF": 2}),
        ],
    )
    control = 40002 + 68 + 64
    words[control + 1] = 20
    words[control + 22], words[control + 23] = (
        0xFFFF,
        0,
    )  # the chain now ends right after
    async with serving(RegisterDevice(words)) as (_, transport):
        with pytest.raises(UnsupportedDeviceError, match="lacks InWRte, OutWRte"):
            await SunSpecPack(transport).set_power_kw(1.0)


async def test_garbage_is_rejected(
    pack_server: ModbusSimulator, pack_transport: ModbusTransport
) -> None:
    """SoC 250 % is not a reading."""
    driver = SunSpecPack(pack_transport)
    await driver.connect()
    pack_server.faults.garbage = True
    with pytest.raises(DeviceProtocolError, match="SoC"):
        await driver.read()


@pytest.mark.parametrize(
    ("fault", "value", "error"),
    [
        ("exception_code", 4, DeviceProtocolError),
        ("delay_s", 0.5, DeviceTimeoutError),
        ("drop_connection", True, DeviceConnectionError),
    ],
)
async def test_faults_reach_the_driver_as_typed_errors(
    pack: SimulatedSunSpecPack, fault: str, value: object, error: type[Exception]
) -> None:
    """After discovery, each fault switch surfaces as its own error from read()."""
    async with serving(pack, timeout_s=0.2) as (server, transport):
        driver = SunSpecPack(transport)
        await driver.connect()
        setattr(server.faults, fault, value)
        with pytest.raises(error):
            await driver.read()


async def test_exception_reply_during_discovery_is_not_mistaken_for_no_marker(
    pack_server: ModbusSimulator, pack_transport: ModbusTransport
) -> None:
    """A busy device is a protocol error, not "this is no SunSpec device"."""
    pack_server.faults.exception_code = 6
    with pytest.raises(DeviceProtocolError, match="exception 6") as caught:
        await SunSpecPack(pack_transport).connect()
    assert not isinstance(caught.value, UnsupportedDeviceError)


@pytest.mark.parametrize(
    ("state", "cha_st", "watts", "expected"),
    [
        (99, 4, 1000, PackState.FAULT),
        (1, None, 0, PackState.OFF),
        (2, None, 0, PackState.STANDBY),
        (4, None, 0, PackState.STANDBY),
        (5, None, 0, PackState.HOLDING),
        (42, None, 0, PackState.UNKNOWN),
        (3, 5, 0, PackState.IDLE),
        (3, None, 0xFC18, PackState.DISCHARGING),
        (None, None, 0, PackState.IDLE),
        (3, None, None, PackState.UNKNOWN),
    ],
)
async def test_pack_state_from_state_charge_status_and_power(
    state: int | None, cha_st: int | None, watts: int | None, expected: PackState
) -> None:
    """State wins (fault, off, standby...); when connected, ChaSt; without ChaSt, the power's sign."""
    battery = {
        "SoC": 50,
        "SoC_SF": 0,
        "W": watts,
        "W_SF": 0,
        "ChaSt": cha_st,
        "State": state,
    }
    async with serving(
        RegisterDevice(sunspec_words(40000, [COMMON, (802, battery)]))
    ) as (_, transport):
        driver = SunSpecPack(transport, power_sign=PowerSign.POSITIVE_CHARGE)
        assert (await driver.read()).state is expected
        await driver.close()
        assert not transport.connected
