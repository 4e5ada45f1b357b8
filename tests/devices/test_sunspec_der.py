"""SunSpec DER driver against the simulated DER storage: readings, WSet control and the revert timer."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.charger import ChargerKind, SessionState
from custom_components.v2g_home.devices.errors import (
    DeviceProtocolError,
    UnsupportedDeviceError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.models import PackReading, PackState
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimDevice,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.sunspec_der import SunSpecDer
from custom_components.v2g_home.devices.sunspec_der_reading import (
    InverterState,
    der_reading,
)
from custom_components.v2g_home.devices.sunspec_discovery import (
    SunSpecFlavour,
    discover,
    flavour,
)

from .conftest import open_transport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from custom_components.v2g_home.devices.transport import ModbusTransport


@asynccontextmanager
async def driving(
    device: SimDevice, **options: int
) -> AsyncIterator[tuple[ModbusSimulator, SunSpecDer, ModbusTransport]]:
    server = ModbusSimulator({1: device})
    await server.start()
    transport = await open_transport(server)
    driver = SunSpecDer(transport, **options)
    try:
        yield server, driver, transport
    finally:
        await transport.close()
        await server.stop()


@pytest.fixture
def der(clock: SimClock) -> SimulatedDerStorage:
    """A 13.5 kWh, 5 kW DER storage device at 50 %."""
    return SimulatedDerStorage(clock)


async def test_identity_and_a_poll_of_three_reads(der: SimulatedDerStorage) -> None:
    async with driving(der) as (server, driver, _):
        identity = await driver.identify()
        assert (identity.manufacturer, identity.serial) == ("V2G Home", "SIMDER0001")
        assert sorted(driver.models) == [1, 701, 702, 704, 713]
        assert driver.kind is ChargerKind.SUNSPEC_DER
        before = server.request_count
        reading = await driver.read()
        assert server.request_count - before == 3
        assert isinstance(reading, PackReading)  # the pack glue can poll it unchanged
        assert (reading.soc_pct, reading.soh_pct, reading.capacity_kwh) == (
            50.0,
            98.0,
            13.5,
        )
        assert reading.available_kwh == pytest.approx(13.5 * 0.5 * 0.98, abs=0.001)
        assert (reading.max_charge_kw, reading.max_discharge_kw) == (5.0, 5.0)
        assert reading.frequency_hz == 50.0
        assert (reading.inverter_state, reading.state) == (
            InverterState.STANDBY,
            PackState.STANDBY,
        )
        assert reading.connected is True
        assert not reading.power_control_enabled


async def test_power_sign_frequency_and_counters(
    clock: SimClock, der: SimulatedDerStorage
) -> None:
    """701 W is + while generating: the device serving the house at 2 kW reads -2 kW here."""
    der.local_power_kw = -2.0
    der.frequency_hz = 49.87
    clock.advance(1800)
    async with driving(der) as (_, driver, _t):
        reading = await driver.read()
        assert reading.power_kw == -2.0
        assert reading.state is PackState.DISCHARGING
        assert reading.frequency_hz == pytest.approx(49.87)
        assert (reading.energy_charged_kwh, reading.energy_discharged_kwh) == (0.0, 1.0)
        status = reading.status
        assert (status.state, status.plugged_in, status.car_soc_pct) == (
            SessionState.DISCHARGING,
            True,
            reading.soc_pct,
        )
        assert not status.capabilities.soc_in_session_only


async def test_wset_with_the_revert_timer_armed(der: SimulatedDerStorage) -> None:
    """+3 kW charges (WSet -3000), -4 kW discharges, -9 kW is capped at the 5 kW rate."""
    async with driving(der) as (_, driver, _t):
        assert await driver.set_power_kw(3.0) == 3.0
        assert der.power_kw == 3.0
        assert der.settings[704, "WSet"] == -3000
        assert (der.settings[704, "WSetRvrtTms"], der.settings[704, "WSetEnaRvrt"]) == (
            120,
            0,
        )
        assert der.settings[704, "WSetMod"] == 1
        assert await driver.set_power_kw(-4.0) == -4.0
        assert der.power_kw == -4.0
        assert await driver.set_power_kw(-9.0) == -5.0
        await driver.stop()
        assert der.power_kw == 0.0
        assert (await driver.read()).power_control_enabled
        await driver.release()
        assert der.settings[704, "WSetEna"] == 0
        assert not driver.in_control
        await driver.refresh_control()  # released: nothing to keep alive
        with pytest.raises(ValueError, match="not a number"):
            await driver.set_power_kw(float("inf"))


async def test_refreshing_keeps_control_and_silence_reverts(
    clock: SimClock, der: SimulatedDerStorage
) -> None:
    """Polls every minute keep the 120 s timer going; silence reverts; a refresh takes it back."""
    der.local_power_kw = 1.0
    async with driving(der) as (_, driver, _t):
        await driver.set_power_kw(-2.0)
        for _ in range(5):
            clock.advance(60)
            await driver.read()
            await driver.refresh_control()
        assert der.power_kw == -2.0
        clock.advance(121)
        assert der.power_kw == 1.0  # reverted: the device's own logic runs again
        reading = await driver.read()
        assert not reading.power_control_enabled
        await driver.refresh_control()
        assert der.power_kw == -2.0


async def test_percent_mode_where_watts_are_missing(clock: SimClock) -> None:
    device = SimulatedDerStorage(clock, with_watts_mode=False)
    async with driving(device) as (_, driver, _t):
        assert await driver.set_power_kw(-2.5) == -2.5
        assert device.settings[704, "WSetMod"] == 0
        assert device.settings[704, "WSetPct"] == 5000
        assert device.power_kw == -2.5


async def test_no_revert_timer_no_control(clock: SimClock) -> None:
    """Reading works; taking control without a fail-safe is refused."""
    device = SimulatedDerStorage(clock, with_revert=False)
    async with driving(device) as (_, driver, _t):
        assert (await driver.read()).revert_remaining_s is None
        with pytest.raises(UnsupportedDeviceError, match="WSetRvrtTms"):
            await driver.set_power_kw(1.0)
        assert device.power_kw == 0.0


async def test_discovery_picks_der_or_802(clock: SimClock) -> None:
    """The DER chain is DER; the 802 pack is BATTERY and not a DER device."""
    async with driving(SimulatedDerStorage(clock)) as (_, _driver, transport):
        assert flavour(await discover(transport)) is SunSpecFlavour.DER
    async with driving(SimulatedSunSpecPack(clock)) as (_, driver, transport):
        assert flavour(await discover(transport)) is SunSpecFlavour.BATTERY
        with pytest.raises(UnsupportedDeviceError, match="model 701"):
            await driver.connect()
    with pytest.raises(UnsupportedDeviceError, match="missing 701, 704, 713"):
        flavour({})


async def test_garbage_and_alarms(der: SimulatedDerStorage) -> None:
    async with driving(der) as (server, driver, _t):
        server.faults.garbage = True
        with pytest.raises(DeviceProtocolError, match="SoC reads 250"):
            await driver.read()
        server.faults.garbage = False
        der.alarm_bits = (1 << 7) | (1 << 20)
        reading = await driver.read()
        assert reading.active_alarms == ("over_temp", "bit_20")
        assert reading.state is PackState.FAULT
        assert reading.status.state is SessionState.ERROR
        assert reading.status.error_code == der.alarm_bits


class StuckEnable(SimulatedDerStorage):
    """Acknowledges writes of WSetEna but keeps the old value."""

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Drop WSetEna writes."""
        if address == self.address(704, "WSetEna"):
            return
        super().write_registers(address, values)


async def test_a_setpoint_that_does_not_stick_is_an_error(clock: SimClock) -> None:
    async with driving(StuckEnable(clock)) as (_, driver, _t):
        with pytest.raises(WriteVerificationError, match="WSetEna"):
            await driver.set_power_kw(2.0)


async def test_frequency_and_power_out_of_range_are_garbage(clock: SimClock) -> None:
    device = SimulatedDerStorage(clock)
    async with driving(device) as (_, driver, _t):
        device.frequency_hz = 75.0
        with pytest.raises(DeviceProtocolError, match="Hz reads 75"):
            await driver.read()
    with pytest.raises(DeviceProtocolError, match="W reads 20000"):
        der_reading({"ac.W": 20000, "cap.WMaxRtg": 5000})
    unrated = der_reading({"ac.W": 20000, "ac.InvSt": 99})
    assert (unrated.power_kw, unrated.inverter_state) == (-20.0, InverterState.UNKNOWN)
    assert unrated.state is PackState.DISCHARGING
    with pytest.raises(ValueError, match="revert"):
        SunSpecDer(driver.transport, revert_timeout_s=0)


async def test_devices_that_cannot_be_commanded(clock: SimClock) -> None:
    """Neither WSet nor WSetPct, or a percent setpoint without WMax: refused before any write."""
    bare = SimulatedDerStorage(clock, with_watts_mode=False)
    del bare.settings[704, "WSetPct"]
    async with driving(bare) as (_, driver, _t):
        with pytest.raises(UnsupportedDeviceError, match="neither WSet nor WSetPct"):
            await driver.set_power_kw(1.0)
    percent = SimulatedDerStorage(clock, with_watts_mode=False)
    async with driving(percent) as (_, driver, _t):
        await driver.connect()
        driver._poll = {
            k: v for k, v in driver._poll.items() if not k.startswith("cap.")
        }
        with pytest.raises(UnsupportedDeviceError, match="no WMax"):
            await driver.set_power_kw(1.0)
        assert driver.failsafe_timeout_s == 120
        await driver.close()


def test_pack_state_without_an_inverter_state() -> None:
    assert der_reading({}).state is PackState.UNKNOWN
    assert der_reading({"ac.W": 10}).state is PackState.IDLE
    assert der_reading({"ac.W": -3000}).state is PackState.CHARGING
