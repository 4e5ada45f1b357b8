"""An activation that reaches the edge of the SoC band stops there, on the simulator (real time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.control.reserve import ReserveProduct
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.devices.simulator.actuator import DER_DYNAMICS
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from tests.helpers.site import der_pack_subentry

from .helpers import DER_MODE, commit, grid_site, serving, settle, start, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


@pytest.mark.parametrize(
    ("product", "hz", "soc_pct", "edge", "state"),
    [
        # 2 kWh a little above the 20 % reserve floor, FCR-D up at 49.5 Hz: 5 kW out.
        (ReserveProduct.FCR_D_UP, 49.5, 21.6, 20.0, ResponseState.RESERVE_FLOOR),
        # 2 kWh a little below full, FCR-D down at 50.5 Hz: 5 kW in.
        (ReserveProduct.FCR_D_DOWN, 50.5, 98.6, 100.0, ResponseState.SOC_CEILING),
    ],
)
async def test_an_activation_stops_at_the_edge_of_the_soc_band(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    product: ReserveProduct,
    hz: float,
    soc_pct: float,
    edge: float,
    state: ResponseState,
) -> None:
    """The response runs the full reserve, then stops one poll's worth short of the edge and says why."""
    der = SimulatedDerStorage(
        live_clock,
        capacity_kwh=2.0,
        soc_pct=soc_pct,
        grid=grid,
        dynamics=DER_DYNAMICS,
    )
    direction = 1.0 if product is ReserveProduct.FCR_D_DOWN else -1.0
    async with serving(der) as server:
        entry = grid_site([der_pack_subentry(server.port)])
        responder = await start(hass, entry, [DER_MODE])
        (device_id,) = entry.runtime_data.devices
        await commit(responder, device_id, product, 5.0)
        grid.fixed_hz = hz
        closest = abs(soc_pct - edge)

        def stopped() -> bool:
            nonlocal closest
            closest = min(closest, abs(der.soc_pct - edge))
            return responder.tracks[device_id].state is state

        await wait_for(lambda: direction * der.power_kw > 4.0, 20, "the full reserve")
        await wait_for(stopped, 60, f"stopped: {state.value}")
        await wait_for(lambda: abs(der.power_kw) < 0.05, 20, "at rest")
        await settle(hass, 2.0)
        closest = min(closest, abs(der.soc_pct - edge))
        assert closest > 0.0  # the edge itself is never reached
        assert abs(der.power_kw) < 0.05
        moved = der.meter.energy_in_kwh + der.meter.energy_out_kwh
        assert moved > 0.005
        assert responder.trail.recent[device_id][-1].state is state
        await hass.config_entries.async_unload(entry.entry_id)
