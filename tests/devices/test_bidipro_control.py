"""BiDiPro 10 driver: the V2G rules, the windows, states and the errors the station reports."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.devices.bidipro_reading import (
    BiDiProState,
)
from custom_components.v2g_home.devices.charger import (
    SessionState,
)
from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    DeviceProtocolError,
    DeviceTimeoutError,
)
from custom_components.v2g_home.devices.simulator import (
    SimClock,
    SimulatedBiDiPro,
)

from .bidipro_helpers import driving


async def test_v2g_not_offered_is_a_state_not_an_error(
    evse: SimulatedBiDiPro,
) -> None:
    """A discharge request sets 0; once the station offers V2G again the request is applied."""
    evse.v2g_offered = False
    async with driving(evse) as (_, driver, _t):
        assert await driver.set_power_kw(-5.0) == 0.0
        reading = await driver.read()
        assert not reading.v2g_offered
        assert not reading.status.capabilities.discharge_offered
        assert reading.status.capabilities.max_discharge_kw == 0.0
        assert evse.setpoint_w == 0
        assert await driver.set_power_kw(3.0) == 3.0  # charging still works
        await driver.set_power_kw(-5.0)
        evse.v2g_offered = True
        await driver.read()
        await driver.refresh_control()
        assert evse.power_kw == -5.0


async def test_session_type_1_charges_only(clock: SimClock) -> None:
    evse = SimulatedBiDiPro(clock, session_type=1)
    async with driving(evse) as (_, driver, _t):
        assert await driver.set_power_kw(-2.0) == 0.0
        assert not (await driver.read()).v2g_offered
        assert await driver.set_power_kw(2.0) == 2.0
        assert evse.power_kw == 2.0


async def test_setpoints_outside_the_windows_are_clamped(clock: SimClock) -> None:
    """Beyond 10 kW: 10; below the floor: the floor; under the charge floor: 0; a taper: its edge."""
    evse = SimulatedBiDiPro(clock, soc_pct=85.0)
    evse.charge_floor_w = 1500.0
    async with driving(evse) as (_, driver, _t):
        assert await driver.set_power_kw(-15.0) == -10.0
        assert await driver.set_power_kw(1.2) == 0.0
        assert await driver.set_power_kw(1.5) == 1.5
        # After the first charge X+30 reports the car's taper (6 kW above 80 %).
        assert await driver.set_power_kw(15.0) == 6.0
        assert evse.power_kw == 6.0
        evse.soc_pct = 15.0
        assert (
            await driver.set_power_kw(-8.0) == -5.0
        )  # the car limits discharge below 20 %


async def test_windows_that_move_in_a_session_are_followed(
    clock: SimClock,
) -> None:
    """Charging through 80 %: the capabilities shrink and refresh_control moves the setpoint."""
    evse = SimulatedBiDiPro(clock, soc_pct=79.0, capacity_kwh=40.0)
    async with driving(evse) as (_, driver, _t):
        assert await driver.set_power_kw(10.0) == 10.0
        ceilings = []
        for _ in range(
            4
        ):  # polls every minute keep the communication timeout from firing
            clock.advance(60)
            reading = await driver.read()
            ceilings.append(reading.status.capabilities.max_charge_kw)
            await driver.refresh_control()
        assert ceilings == [10.0, 10.0, 6.0, 6.0]
        assert evse.setpoint_w == 6000
        assert driver.requested_kw == 10.0  # the request stays; only its clamp moved


async def test_lagging_polls_count_a_station_that_does_not_follow(
    clock: SimClock,
) -> None:
    """X+30 unset (0) before the first charge: 10 kW is asked but the car takes 6 kW above 80 %."""
    evse = SimulatedBiDiPro(clock, soc_pct=85.0)
    async with driving(evse) as (_, driver, _t):
        await driver.take_control()
        evse.setpoint_w = 10000  # written by the driver's clamp to the nominal 10 kW
        evse.charged_this_session = False
        assert [(await driver.read()).lagging_polls for _ in range(3)] == [1, 2, 3]
        evse.setpoint_w = 6000
        assert (await driver.read()).lagging_polls == 0


async def test_errors_in_the_bitmask(evse: SimulatedBiDiPro) -> None:
    """Bits 3 and 39: both shown, the state is an error and a command sets 0."""
    evse.error_bits = (1 << 39) | (1 << 3)
    async with driving(evse) as (_, driver, _t):
        reading = await driver.read()
        assert reading.active_errors == (3, 39)
        assert reading.state is BiDiProState.ERROR
        assert (reading.status.state, reading.status.error_code) == (
            SessionState.ERROR,
            (1 << 39) | (1 << 3),
        )
        assert await driver.set_power_kw(3.0) == 0.0


async def test_a_car_arriving_is_controllable_once_its_session_is_up(
    clock: SimClock,
) -> None:
    evse = SimulatedBiDiPro(clock, plugged_in=False)
    async with driving(evse) as (_, driver, _t):
        status = (await driver.read()).status
        assert (status.state, status.plugged_in) == (SessionState.NO_CAR, False)
        evse.plugged_in = True
        status = (await driver.read()).status
        assert (status.state, status.controllable) == (SessionState.CONNECTING, False)
        assert status.car_soc_pct is None
        assert await driver.set_power_kw(3.0) == 0.0
        clock.advance(15)
        await driver.read()
        await driver.refresh_control()
        assert evse.power_kw == 3.0
        await driver.stop()
        assert evse.power_kw == 0.0
        assert driver.requested_kw == 0.0


async def test_garbage_timeouts_and_drops_are_typed_errors(
    evse: SimulatedBiDiPro,
) -> None:
    async with driving(evse) as (server, driver, transport):
        server.faults.garbage = True
        with pytest.raises(DeviceProtocolError, match="outside"):
            await driver.read()
        server.faults.garbage = False
        server.faults.exception_code = 4
        with pytest.raises(DeviceProtocolError, match="exception 4"):
            await driver.read()
        server.faults.exception_code = None
        transport.timeout_s = 0.2
        server.faults.delay_s = 1.5
        with pytest.raises(DeviceTimeoutError):
            await driver.read()
        server.faults.delay_s = 0.0
        server.faults.drop_connection = True
        with pytest.raises(DeviceConnectionError):
            await driver.read()
        server.faults.drop_connection = False
        assert (await driver.read()).connector == 1
