"""Each product's step response on the simulator, with Home Assistant in the loop (real time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.control.reserve import ReserveProduct
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.coordinators.charger import ChargerCoordinator
from custom_components.v2g_home.devices.simulator import (
    SimulatedBiDiPro,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.simulator.actuator import (
    BIDIPRO_DYNAMICS,
    DER_DYNAMICS,
    QUASAR_DYNAMICS,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from tests.helpers.ha import state
from tests.helpers.site import bidipro_subentry, charger_subentry, der_pack_subentry

from .helpers import (
    DER_MODE,
    commit,
    grid_site,
    meter_options,
    serving,
    settle,
    soc_known,
    start,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )

QUASAR_MODE = "select.wallbox_quasar_1_control_mode"


async def test_fcr_d_up_on_the_quasar_and_its_energy_is_booked(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
) -> None:
    """49.7 Hz: half of 4 kW within seconds, all of it at 49.5 Hz, none back at 50 Hz; booked as metered."""
    car = SimulatedQuasar(live_clock, soc_pct=60.0, dynamics=QUASAR_DYNAMICS)
    async with serving(car) as server:
        entry = grid_site(
            [charger_subentry(server.port, setpoint_mode="power")],
            **meter_options(meter_server.port),
        )
        responder = await start(hass, entry, [QUASAR_MODE])
        (device_id,) = entry.runtime_data.devices
        coordinator = entry.runtime_data.devices[device_id]
        assert isinstance(coordinator, ChargerCoordinator)
        await soc_known(coordinator)  # the Quasar's probe charge makes the SoC known
        await wait_for(lambda: abs(car.power_kw) < 0.05, 30, "the car at rest")
        out_before = car.meter.energy_out_kwh
        ledger = entry.runtime_data.ledger
        sold_before = ledger.totals(device_id, "lifetime")
        await commit(responder, device_id, ReserveProduct.FCR_D_UP, 4.0)
        grid.fixed_hz = 49.7
        # How fast is the benchmark's business; the timeouts here only keep a test from hanging.
        await wait_for(
            lambda: car.power_kw == pytest.approx(-2.0, abs=0.05), 20, "-2 kW"
        )
        assert responder.tracks[device_id].state is ResponseState.RESPONDING
        await settle(hass, 3.0)
        grid.fixed_hz = 49.5
        await wait_for(
            lambda: car.power_kw == pytest.approx(-4.0, abs=0.05), 20, "-4 kW"
        )
        await settle(hass, 3.0)
        grid.fixed_hz = 50.0
        await wait_for(lambda: abs(car.power_kw) < 0.05, 20, "back to the plan's 0 kW")
        await settle(hass, 1.0)
        await coordinator.async_refresh()
        booked = ledger.totals(device_id, "lifetime")
        metered = car.meter.energy_out_kwh - out_before
        moved = (booked.energy_sold_kwh + booked.energy_to_home_kwh) - (
            sold_before.energy_sold_kwh + sold_before.energy_to_home_kwh
        )
        assert metered > 0.004
        assert moved == pytest.approx(metered, rel=0.1)
        rows = list(responder.trail.recent[device_id])
        assert {row.fcr_d_up_kw for row in rows} == {4.0}
        assert any(row.hz == pytest.approx(49.7) for row in rows)
        assert state(hass, "sensor.home_frequency_response") == "responding"
        await hass.config_entries.async_unload(entry.entry_id)


async def test_fcr_d_down_on_the_bidipro(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
) -> None:
    """50.3 Hz: half of 6 kW more charging, after the BiDiPro's second of dead time and its ramp."""
    evse = SimulatedBiDiPro(live_clock, soc_pct=50.0, dynamics=BIDIPRO_DYNAMICS)
    async with serving(evse) as server:
        entry = grid_site(
            [bidipro_subentry(server.port)], **meter_options(meter_server.port)
        )
        responder = await start(hass, entry, ["select.evtec_bidipro_10_control_mode"])
        (device_id,) = entry.runtime_data.devices
        await wait_for(lambda: abs(evse.power_kw) < 0.05, 30, "the car at rest")
        await commit(responder, device_id, ReserveProduct.FCR_D_DOWN, 6.0)
        grid.fixed_hz = 50.3
        await wait_for(
            lambda: evse.power_kw == pytest.approx(3.0, abs=0.05), 20, "+3 kW"
        )
        grid.fixed_hz = 49.7  # FCR-D down does nothing below 50.1 Hz
        await wait_for(lambda: abs(evse.power_kw) < 0.05, 20, "back to 0 kW")
        await hass.config_entries.async_unload(entry.entry_id)


async def test_fcr_n_both_ways_on_a_der_battery_read_from_its_own_701_hz(
    hass: HomeAssistant, live_clock: SimClock, grid: FrequencyTrace
) -> None:
    """No meter: the DER device's 701 Hz is the source; 49.95 Hz exports 1 kW, 50.05 Hz imports 1 kW."""
    der = SimulatedDerStorage(live_clock, grid=grid, dynamics=DER_DYNAMICS)
    async with serving(der) as server:
        entry = grid_site([der_pack_subentry(server.port)])
        responder = await start(hass, entry, [DER_MODE])
        (device_id,) = entry.runtime_data.devices
        assert responder.source.kind is not None
        assert responder.source.kind.value == "der"
        await commit(responder, device_id, ReserveProduct.FCR_N, 2.0)
        grid.fixed_hz = 49.95
        await wait_for(
            lambda: der.power_kw == pytest.approx(-1.0, abs=0.05), 20, "-1 kW"
        )
        grid.fixed_hz = 50.05
        await wait_for(
            lambda: der.power_kw == pytest.approx(1.0, abs=0.05), 20, "+1 kW"
        )
        grid.fixed_hz = 50.3  # FCR-N is full beyond 50.1 Hz: +2 kW, no more
        await wait_for(
            lambda: der.power_kw == pytest.approx(2.0, abs=0.05), 20, "+2 kW"
        )
        await settle(hass, 1.5)
        assert der.power_kw == pytest.approx(2.0, abs=0.05)
        await hass.config_entries.async_unload(entry.entry_id)
