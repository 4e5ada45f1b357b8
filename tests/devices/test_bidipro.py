"""BiDiPro 10 driver against the simulated charger: discovery, polls, the fail-safe, odd replies."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.devices.bidipro import BiDiProCharger, setpoint_w
from custom_components.v2g_home.devices.bidipro_reading import (
    BiDiProState,
    bidipro_reading,
)
from custom_components.v2g_home.devices.charger import (
    ChargerKind,
    ConnectorType,
    SessionState,
)
from custom_components.v2g_home.devices.errors import (
    DeviceProtocolError,
    UnsupportedDeviceError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.simulator import (
    ConnectorKind,
    ModbusExceptionReply,
    ModbusSimulator,
    SimClock,
    SimulatedBiDiPro,
)
from custom_components.v2g_home.devices.simulator.bidipro_registers import (
    float32_words,
    int32_words,
    string_words,
)

from .bidipro_helpers import RecordingTransport, driving
from .register_device import RegisterDevice
from .simulator_helpers import serving


async def test_identity_model_check_and_connector(evse: SimulatedBiDiPro) -> None:
    async with driving(evse) as (_, driver, _transport):
        identity = await driver.identify()
        assert (identity.manufacturer, identity.model) == ("EVTEC", "BiDiPro 10")
        assert (identity.serial, identity.firmware) == ("EVT10-000123", "ECP4 2.0.7")
        assert driver.kind is ChargerKind.BIDIPRO
        assert (driver.connector, driver.connector_type) == (1, ConnectorType.CHADEMO)


async def test_a_model_without_crema_is_not_a_bidipro(clock: SimClock) -> None:
    server = ModbusSimulator({1: SimulatedBiDiPro(clock, model="other charger")})
    await server.start()
    driver = BiDiProCharger(RecordingTransport(server.port))
    try:
        with pytest.raises(UnsupportedDeviceError, match="crema"):
            await driver.connect()
    finally:
        await driver.close()
        await server.stop()


async def test_the_connector_on_3_is_found_and_every_read_stays_in_one_object(
    clock: SimClock,
) -> None:
    """Connectors 1 and 2 read zeros; 3 is taken. No request ever crosses a 100-register object."""
    evse = SimulatedBiDiPro(clock, connector=3, connector_kind=ConnectorKind.CCS)
    async with driving(evse) as (_, driver, transport):
        assert (driver.connector, driver.connector_type) == (3, ConnectorType.CCS)
        await driver.identify()
        reading = await driver.read()
        assert reading.connector == 3
        await driver.set_power_kw(-4.0)
        await driver.refresh_control()
        await driver.release()
        assert transport.reads
        for address, count in transport.reads:
            assert address // 100 == (address + count - 1) // 100, (address, count)


async def test_a_pinned_connector_skips_the_scan(clock: SimClock) -> None:
    evse = SimulatedBiDiPro(clock, connector=2)
    async with driving(evse, connector=2) as (_, driver, transport):
        assert driver.connector == 2
        assert [a for a, _ in transport.reads if a >= 100] == [200]
    with pytest.raises(ValueError, match="connector"):
        BiDiProCharger(transport, connector=11)
    with pytest.raises(ValueError, match="failsafe"):
        BiDiProCharger(transport, failsafe_timeout_s=601)


async def test_no_configured_connector_is_unsupported(clock: SimClock) -> None:
    evse = SimulatedBiDiPro(clock, session_type=0, plugged_in=False)
    evse.booting = True  # state 0, session state 0, session type 0: looks unconfigured
    server = ModbusSimulator({1: evse})
    await server.start()
    driver = BiDiProCharger(RecordingTransport(server.port))
    try:
        with pytest.raises(UnsupportedDeviceError, match="no configured connector"):
            await driver.connect()
    finally:
        await driver.close()
        await server.stop()


async def test_a_poll_is_two_reads_with_per_mille_soc(clock: SimClock) -> None:
    evse = SimulatedBiDiPro(clock, soc_pct=62.3)
    async with driving(evse) as (server, driver, _):
        before = server.request_count
        reading = await driver.read()
        assert server.request_count - before == 2
        assert reading.state is BiDiProState.IDLE
        assert (reading.soc_per_mille, reading.car_soc_pct) == (623, 62.3)
        assert reading.car_id == "LEAF-ZE1-0042"
        assert (reading.error_bits, reading.active_errors) == (0, ())
        status = reading.status
        assert (status.state, status.plugged_in, status.controllable) == (
            SessionState.READY,
            True,
            True,
        )
        caps = status.capabilities
        assert (caps.max_charge_kw, caps.max_discharge_kw) == (10.0, 10.0)
        assert caps.limits_vary
        assert caps.soc_in_session_only


async def test_the_timeout_is_written_at_start_and_restored_at_release(
    clock: SimClock, evse: SimulatedBiDiPro
) -> None:
    """The charger goes idle by itself when polls stop; release puts its own timeout back."""
    async with driving(evse, failsafe_timeout_s=60) as (_, driver, _t):
        assert evse.comm_timeout_s == 0
        assert await driver.set_power_kw(5.0) == 5.0
        assert evse.comm_timeout_s == 60
        assert driver.in_control
        clock.advance(61)
        assert evse.power_kw == 0.0  # Home Assistant went silent: the fail-safe fired
        await driver.set_power_kw(5.0)
        await driver.release()
        assert (evse.comm_timeout_s, evse.setpoint_w) == (0, 0)
        assert not driver.in_control
        await driver.refresh_control()  # out of control: nothing is written
        assert evse.comm_timeout_s == 0


async def test_a_lost_timeout_is_rearmed(evse: SimulatedBiDiPro) -> None:
    async with driving(evse) as (_, driver, _t):
        await driver.take_control()
        evse.comm_timeout_s = 0  # a reboot of the charger forgets it
        await driver.read()
        await driver.refresh_control()
        assert evse.comm_timeout_s == 120


async def test_reading_before_connect_connects(evse: SimulatedBiDiPro) -> None:
    server = ModbusSimulator({1: evse})
    await server.start()
    driver = BiDiProCharger(RecordingTransport(server.port))
    try:
        assert (await driver.read()).connector == 1
        with pytest.raises(ValueError, match="not a number"):
            await driver.set_power_kw(float("nan"))
    finally:
        await driver.close()
        await server.stop()


def _fake_bidipro(
    *, serial: str = "S1", power: float = 0.0, sticky_setpoint: bool = False
) -> RegisterDevice:
    """A plain register bank: connector 1 missing (exception 2), connector 2 idle."""
    words = dict(enumerate(string_words("fw", 16)))
    words.update(enumerate(string_words(serial, 10), start=16))
    words.update(enumerate(string_words("crema", 10), start=26))
    words.update(enumerate(int32_words(0), start=42))
    connector = [0] * 100
    connector[0:2] = int32_words(10)
    connector[4:6] = int32_words(5)
    connector[10:12] = float32_words(power)
    connector[22:24] = float32_words(-10000.0)
    words.update(enumerate(connector, start=200))
    return RegisterDevice(
        words,
        writable={42, 43, 286, 287},
        sticky={286, 287} if sticky_setpoint else set(),
    )


async def test_missing_objects_are_skipped_and_bad_replies_are_typed() -> None:
    """Exception 2 on connector 1 moves on to 2; NaN power, no serial, a loose setpoint: errors."""
    async with serving(_fake_bidipro(serial="", power=float("nan"))) as server:
        driver = BiDiProCharger(RecordingTransport(server.port))
        try:
            await driver.connect()
            assert driver.connector == 2
            with pytest.raises(DeviceProtocolError, match="serial"):
                await driver.identify()
            with pytest.raises(DeviceProtocolError, match="power reads None"):
                await driver.read()
        finally:
            await driver.close()
    async with serving(_fake_bidipro(sticky_setpoint=True)) as server:
        driver = BiDiProCharger(RecordingTransport(server.port))
        try:
            with pytest.raises(WriteVerificationError, match="register 286"):
                await driver.set_power_kw(-2.0)
        finally:
            await driver.close()


class FailingAbove(RegisterDevice):
    """Answers exception 4 (device failure) for the connector objects."""

    def read_registers(self, address: int, count: int) -> list[int]:
        """Fail on connector objects, serve the rest."""
        if address >= 100:
            raise ModbusExceptionReply(4, "busy")
        return super().read_registers(address, count)


async def test_a_failure_while_scanning_is_not_taken_for_a_missing_connector() -> None:
    device = _fake_bidipro()
    async with serving(FailingAbove(device.words)) as server:
        driver = BiDiProCharger(RecordingTransport(server.port))
        try:
            with pytest.raises(DeviceProtocolError, match="exception 4"):
                await driver.connect()
        finally:
            await driver.close()


def test_a_charge_floor_between_whole_watts_is_respected() -> None:
    """A floor of 1500.4 W: 1.50041 kW would become 1500 W, below the floor, so 0 is sent."""
    reading = bidipro_reading(
        {
            "state": 10,
            "session_state": 1,
            "session_type": 5,
            "power": 0.0,
            "soc": 500,
            "connector_type": 1,
            "discharge_floor": -7321.4,
            "charge_ceiling": 0.0,
            "charge_floor": 1500.4,
            "errors": 0,
            "car_id": None,
            "setpoint": 0,
        },
        1,
    )
    assert setpoint_w(1.50041, reading) == 0
    assert setpoint_w(1.6, reading) == 1600
    assert setpoint_w(-9.0, reading) == -7321
    assert reading.car_id is None
    with pytest.raises(DeviceProtocolError, match="state reads None"):
        bidipro_reading({"state": None}, 1)
