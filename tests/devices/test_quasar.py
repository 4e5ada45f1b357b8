"""Quasar 1 driver against the simulated charger over loopback Modbus TCP."""

from __future__ import annotations

import math

import pytest

from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    DeviceProtocolError,
    DeviceTimeoutError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.models import ChargerState
from custom_components.v2g_home.devices.quasar import QuasarCharger, SetpointMode
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.transport import ModbusTransport

from .conftest import open_transport


async def test_identify_reads_serial_and_firmware(
    quasar_transport: ModbusTransport,
) -> None:
    """Serial number is the two words together, as the device registry will show it."""
    identity = await QuasarCharger(quasar_transport).identify()
    assert (identity.manufacturer, identity.model) == ("Wallbox", "Quasar 1")
    assert identity.serial == str(0x0001E240)
    assert identity.firmware == "517"


async def test_serial_zero_is_rejected(clock: SimClock) -> None:
    """A charger reporting serial 0 cannot be told apart from another: refuse it."""
    server = ModbusSimulator({1: SimulatedQuasar(clock, serial=0)}, clock=clock)
    await server.start()
    transport = await open_transport(server)
    try:
        with pytest.raises(DeviceProtocolError, match="serial number 0"):
            await QuasarCharger(transport).identify()
    finally:
        await transport.close()
        await server.stop()


async def test_full_poll_takes_three_requests(
    quasar_server: ModbusSimulator, quasar_transport: ModbusTransport
) -> None:
    """Everything listed in the map arrives in three contiguous reads."""
    charger = QuasarCharger(quasar_transport)
    before = quasar_server.request_count
    reading = await charger.read()
    assert quasar_server.request_count - before == 3
    assert reading.state is ChargerState.PAUSED
    assert reading.car_soc_raw_pct == 0  # idle: the charger hides the SoC
    assert reading.ac_voltage_v == 230
    assert reading.max_power_kw == pytest.approx(7.4)
    assert not reading.remote_control
    assert reading.setpoint_a == 0
    assert reading.setpoint_w is None
    assert (reading.failsafe_timeout_s, reading.auto_start, reading.locked) == (
        0,
        True,
        False,
    )


async def test_charging_moves_the_car_and_is_read_back(
    quasar: SimulatedQuasar, clock: SimClock, quasar_transport: ModbusTransport
) -> None:
    """3 kW in current mode is 13 A at 230 V; an hour later the Leaf holds 2.99 kWh x 0.92 more."""
    charger = QuasarCharger(quasar_transport, failsafe_timeout_s=7200)
    assert await charger.set_power_kw(3.0) == pytest.approx(2.99)
    assert quasar.remote_control
    assert quasar.register(83) == 0
    assert quasar.register(88) == 7200
    clock.advance(3600)
    reading = await charger.read()
    assert reading.failsafe_timeout_s == 7200
    assert reading.state is ChargerState.CHARGING
    assert reading.power_kw == pytest.approx(2.99)
    assert reading.ac_current_a == 13
    assert reading.setpoint_a == 13
    assert reading.dc_voltage_v > 300
    assert reading.dc_current_a > 0
    assert quasar.soc_pct == pytest.approx(50 + 2.99 * 0.92 / 37 * 100, abs=0.01)
    assert reading.car_soc_raw_pct == round(quasar.soc_pct)
    assert quasar.meter.energy_in_kwh == pytest.approx(2.99, abs=1e-6)


async def test_discharge_is_negative_and_stop_ends_the_flow(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """A negative setpoint discharges; 0 stops; register 258 holds the signed current."""
    charger = QuasarCharger(quasar_transport)
    assert await charger.set_power_kw(-5.0) == pytest.approx(-21 * 0.23)
    assert quasar.power_kw == pytest.approx(-4.83)
    reading = await charger.read()
    assert reading.state is ChargerState.DISCHARGING
    assert reading.setpoint_a == -21
    assert reading.power_kw == pytest.approx(-4.83)
    assert await charger.set_power_kw(0.0) == 0.0
    assert quasar.power_kw == 0
    assert not quasar.session_running


@pytest.mark.parametrize(
    ("requested_kw", "amps"),
    [
        (1.0, 0),
        (-1.37, 0),
        (1.38, 6),
        (-1.38, -6),
        (2.0, 8),
        (7.4, 32),
        (50.0, 32),
        (-50.0, -32),
    ],
)
async def test_setpoint_is_zero_or_at_least_six_amps_and_at_most_32(
    quasar: SimulatedQuasar,
    quasar_transport: ModbusTransport,
    requested_kw: float,
    amps: int,
) -> None:
    """Below 1.38 kW nothing flows (toward zero); from 1.38 kW at least 6 A; never above 32 A."""
    charger = QuasarCharger(quasar_transport)
    set_kw = await charger.set_power_kw(requested_kw)
    assert set_kw == pytest.approx(amps * 0.23)
    assert quasar.power_kw == pytest.approx(amps * 0.23)


async def test_conversion_uses_the_measured_voltage(
    quasar_transport: ModbusTransport,
) -> None:
    """At 240 V the minimum power still gives 6 A; before any reading 230 V is assumed."""
    charger = QuasarCharger(quasar_transport)
    assert charger.setpoint_for(4.6) == (20, pytest.approx(4.6))
    charger._voltage_v = 240.0
    assert charger.setpoint_for(1.38) == (6, pytest.approx(1.44))
    assert charger.setpoint_for(-4.0) == (-16, pytest.approx(-3.84))
    charger._voltage_v = 230.0
    # 3.68 kW x (49.9 - 49.5) / 0.4 comes out a hair under 16 A: still 16 A.
    assert charger.setpoint_for(-3.68 * (49.9 - 49.5) / 0.4) == (
        -16,
        pytest.approx(-3.68),
    )
    with pytest.raises(ValueError, match="not a number"):
        charger.setpoint_for(math.nan)


async def test_power_mode_writes_watts(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Setpoint type 1 writes register 260 in W, floored, 0 or >= 1380 W."""
    charger = QuasarCharger(quasar_transport, setpoint_mode=SetpointMode.POWER)
    assert await charger.set_power_kw(-2.5005) == pytest.approx(-2.5)
    assert quasar.register(83) == 1
    assert quasar.power_kw == pytest.approx(-2.5)
    reading = await charger.read()
    assert reading.setpoint_w == -2500
    assert reading.setpoint_a is None
    assert charger.setpoint_for(1.3805) == (1380, pytest.approx(1.38))
    assert charger.setpoint_for(9.0) == (7400, pytest.approx(7.4))


async def test_firmware_without_power_mode_falls_back_to_current(
    clock: SimClock, caplog: pytest.LogCaptureFixture
) -> None:
    """83 = 1 does not take on old firmware: the driver says so once and drives in amps."""
    car = SimulatedQuasar(clock, power_mode_supported=False)
    server = ModbusSimulator({1: car}, clock=clock)
    await server.start()
    transport = await open_transport(server)
    try:
        charger = QuasarCharger(transport, setpoint_mode=SetpointMode.POWER)
        assert await charger.set_power_kw(3.0) == pytest.approx(2.99)
        assert charger.setpoint_mode is SetpointMode.CURRENT
        assert car.power_kw == pytest.approx(2.99)
        assert "no power setpoint mode" in caplog.text
    finally:
        await transport.close()
        await server.stop()


async def test_crashed_modbus_module_is_cured_by_restart(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """A hung module answers "device failure" to everything but the restart command."""
    charger = QuasarCharger(quasar_transport)
    await charger.take_control()
    quasar.modbus_crashed = True
    with pytest.raises(DeviceProtocolError, match="exception 4"):
        await charger.read()
    await charger.restart()
    reading = await charger.read()
    assert not reading.remote_control
    assert not charger.in_control


async def test_lower_max_power_register_limits_the_setpoint(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """An installer limit of 3680 W (register 514) caps requests at 16 A."""
    charger = QuasarCharger(quasar_transport)
    await charger.take_control()
    await quasar_transport.write_register(514, 3680)
    await charger.read()
    assert await charger.set_power_kw(7.0) == pytest.approx(3.68)


async def test_failsafe_stops_a_quiet_session_and_control_is_retaken(
    quasar: SimulatedQuasar, clock: SimClock, quasar_transport: ModbusTransport
) -> None:
    """600 s without Modbus: the charger stops and returns to the user; the driver notices and retakes."""
    charger = QuasarCharger(quasar_transport, failsafe_timeout_s=600)
    await charger.set_power_kw(3.0)
    clock.advance(300)
    await charger.read()  # polling keeps it alive
    clock.advance(599)
    quasar.step()
    assert quasar.remote_control
    clock.advance(2)
    assert quasar.power_kw == 0
    assert not quasar.remote_control
    reading = await charger.read()
    assert not reading.remote_control
    assert not charger.in_control
    assert await charger.set_power_kw(3.0) == pytest.approx(2.99)
    assert quasar.remote_control
    assert quasar.power_kw == pytest.approx(2.99)


async def test_lost_failsafe_setting_is_rearmed_on_the_next_poll(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """If register 88 no longer holds the configured timeout, the poll writes it again."""
    charger = QuasarCharger(quasar_transport, failsafe_timeout_s=900)
    await charger.take_control()
    await quasar_transport.write_register(88, 0)
    await charger.read()
    assert quasar.register(88) == 900


async def test_release_restores_user_control_and_the_old_timeout(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Unload: setpoint 0, session stopped, 88 back to what it was, 81 = 0."""
    charger = QuasarCharger(quasar_transport)
    await charger.set_power_kw(4.0)
    await charger.release()
    assert not quasar.remote_control
    assert not charger.in_control
    assert quasar.register(88) == 0
    assert quasar.register(258) == 0
    assert quasar.power_kw == 0


async def test_release_after_the_failsafe_fired_only_updates_the_belief(
    quasar: SimulatedQuasar, clock: SimClock, quasar_transport: ModbusTransport
) -> None:
    """If the charger already returned to the user, release has nothing to hand back and does not fail."""
    charger = QuasarCharger(quasar_transport, failsafe_timeout_s=60)
    await charger.set_power_kw(3.0)
    clock.advance(61)
    assert quasar.power_kw == 0
    await charger.release()
    assert not charger.in_control
    assert not quasar.remote_control


async def test_write_that_does_not_take_raises_verification_error(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """The app took control behind the driver's back: the setpoint write is ignored and caught."""
    charger = QuasarCharger(quasar_transport)
    charger.in_control = True  # stale belief: the charger is actually in user control
    with pytest.raises(
        WriteVerificationError, match="register 258 reads 0 after writing 13"
    ):
        await charger.set_power_kw(3.0)
    assert quasar.power_kw == 0


async def test_restart_hands_control_back(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Action 3 restarts the charger, which comes back in user control."""
    charger = QuasarCharger(quasar_transport)
    await charger.take_control()
    await charger.restart()
    assert not charger.in_control
    assert not quasar.remote_control


async def test_start_and_stop_commands(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Explicit stop pauses a running session and start resumes it at the setpoint."""
    charger = QuasarCharger(quasar_transport)
    await charger.set_power_kw(3.0)
    await charger.stop()
    assert quasar.power_kw == 0
    await charger.start()
    assert quasar.power_kw == pytest.approx(2.99)


async def test_no_car_no_start(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Without a car the setpoint is stored but no start is sent."""
    quasar.plugged_in = False
    charger = QuasarCharger(quasar_transport)
    await charger.set_power_kw(3.0)
    assert not quasar.session_running
    assert (await charger.read()).state is ChargerState.NO_CAR


def test_failsafe_timeout_must_be_positive() -> None:
    """0 would disable the fail-safe; the driver refuses it."""
    with pytest.raises(ValueError, match="failsafe"):
        QuasarCharger(None, failsafe_timeout_s=0)  # type: ignore[arg-type]


async def test_garbage_values_are_rejected(
    quasar_server: ModbusSimulator, quasar_transport: ModbusTransport
) -> None:
    """Implausible registers (SoC 250 %, 32.7 kW) are a protocol error, not a reading."""
    quasar_server.faults.garbage = True
    with pytest.raises(DeviceProtocolError, match="outside"):
        await QuasarCharger(quasar_transport).read()


@pytest.mark.parametrize(
    ("fault", "value", "error"),
    [
        ("exception_code", 6, DeviceProtocolError),
        ("delay_s", 0.5, DeviceTimeoutError),
        ("drop_connection", True, DeviceConnectionError),
    ],
)
async def test_faults_reach_the_driver_as_typed_errors(
    quasar_server: ModbusSimulator, fault: str, value: object, error: type[Exception]
) -> None:
    """Exception reply, slow reply and dropped connection each raise their own error from read()."""
    transport = await open_transport(quasar_server, timeout_s=0.2)
    try:
        setattr(quasar_server.faults, fault, value)
        with pytest.raises(error):
            await QuasarCharger(transport).read()
    finally:
        await transport.close()


async def test_connect_and_close_pass_through(quasar_server: ModbusSimulator) -> None:
    """The driver opens and closes its transport."""
    charger = QuasarCharger(
        ModbusTransport("127.0.0.1", quasar_server.port, 1, timeout_s=1.0)
    )
    await charger.connect()
    assert charger.transport.connected
    await charger.close()
    assert not charger.transport.connected
