"""No response on a frequency that cannot be trusted, on the simulator (real time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.control.reserve import ReserveProduct
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.devices.simulator import SimulatedBiDiPro
from custom_components.v2g_home.devices.simulator.actuator import BIDIPRO_DYNAMICS
from tests.helpers.site import bidipro_subentry

from .helpers import commit, grid_site, meter_options, serving, settle, start, wait_for

if TYPE_CHECKING:
    import asyncio

    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )
    from custom_components.v2g_home.grid.responder import FrequencyResponder

BIDIPRO_MODE = "select.evtec_bidipro_10_control_mode"
HZ_SENSOR = "sensor.grid_frequency_meter"


async def _responding(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
    evse: SimulatedBiDiPro,
    server: ModbusSimulator,
) -> tuple[FrequencyResponder, str]:
    entry = grid_site(
        [bidipro_subentry(server.port)], **meter_options(meter_server.port)
    )
    responder = await start(hass, entry, [BIDIPRO_MODE])
    (device_id,) = entry.runtime_data.devices
    await commit(responder, device_id, ReserveProduct.FCR_D_UP, 4.0)
    grid.fixed_hz = 49.7
    await wait_for(lambda: evse.power_kw == pytest.approx(-2.0, abs=0.05), 20, "-2 kW")
    return responder, device_id


async def test_a_stale_frequency_ends_the_response(
    hass: HomeAssistant, live_clock: SimClock
) -> None:
    """A Hz sensor that stops reporting: 2 s on, its value is stale and the car returns to the plan's 0 kW."""
    evse = SimulatedBiDiPro(live_clock, dynamics=BIDIPRO_DYNAMICS)
    timer: list[asyncio.TimerHandle] = []

    def report() -> None:
        # The same value again still moves `last_reported`: the sensor is alive.
        hass.states.async_set(HZ_SENSOR, "49.95", {"unit_of_measurement": "Hz"})
        timer[:] = [hass.loop.call_later(0.5, report)]

    def silence() -> None:
        for handle in timer:
            handle.cancel()

    report()
    async with serving(evse) as server:
        entry = grid_site([bidipro_subentry(server.port)], frequency_entity=HZ_SENSOR)
        responder = await start(hass, entry, [BIDIPRO_MODE])
        (device_id,) = entry.runtime_data.devices
        assert responder.source.kind is not None
        assert responder.source.kind.value == "entity"
        await commit(responder, device_id, ReserveProduct.FCR_N, 4.0)
        await wait_for(
            lambda: evse.power_kw == pytest.approx(-2.0, abs=0.05), 20, "-2 kW"
        )
        silence()
        waited = await wait_for(
            lambda: responder.tracks[device_id].state is ResponseState.STALE_FREQUENCY,
            20,
            "stale frequency",
        )
        assert waited > 1.0  # not before the reading is 2 s old
        await wait_for(lambda: abs(evse.power_kw) < 0.05, 20, "back to 0 kW")
        rows = list(responder.trail.recent[device_id])
        assert rows[-1].state is ResponseState.STALE_FREQUENCY
        assert rows[-1].hz is None
        report()
        await wait_for(lambda: evse.power_kw <= -1.9, 20, "responding again")
        silence()
        await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        ("out_of_band", ResponseState.FREQUENCY_OUT_OF_BAND),
        ("garbage", ResponseState.FREQUENCY_NOT_FINITE),
        ("silent", ResponseState.FREQUENCY_UNREADABLE),
        ("late", ResponseState.FREQUENCY_UNREADABLE),
    ],
)
async def test_a_frequency_beyond_the_band_or_garbage_is_no_setpoint(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
    fault: str,
    state: ResponseState,
) -> None:
    """53.5 Hz, NaN, a meter that refuses or answers after its 1 s timeout: the reason is shown, back to 0 kW."""
    evse = SimulatedBiDiPro(live_clock, dynamics=BIDIPRO_DYNAMICS)
    async with serving(evse) as server:
        responder, device_id = await _responding(
            hass, live_clock, grid, meter_server, evse, server
        )
        if fault == "out_of_band":
            grid.fixed_hz = 53.5
        elif fault == "garbage":
            meter_server.faults.garbage = True
        elif fault == "silent":
            meter_server.faults.exception_code = 4
        else:
            meter_server.faults.delay_s = 3.0
        await wait_for(
            lambda: responder.tracks[device_id].state is state, 20, state.value
        )
        await wait_for(lambda: abs(evse.power_kw) < 0.05, 20, "back to 0 kW")
        await settle(hass, 1.0)
        assert abs(evse.power_kw) < 0.05
        await hass.config_entries.async_unload(responder.entry.entry_id)
