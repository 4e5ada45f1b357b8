"""A SunSpec DER battery with model 711 answers a reserve by its own droop; the task only watches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.control.reserve import (
    FREQUENCY_PRODUCTS,
    ReserveProduct,
)
from custom_components.v2g_home.control.response import ResponseState

from .helpers import commit, droop_site, settle, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


async def test_the_device_answers_by_itself_and_gets_its_own_curve_back(
    hass: HomeAssistant, live_clock: SimClock, grid: FrequencyTrace
) -> None:
    """FCR-D up 3 kW: the device's 711 takes it; at 49.7 Hz it exports 1.5 kW; the end restores it."""
    async with droop_site(hass, live_clock, grid) as site:
        der, responder, device_id = site.der, site.responder, site.device_id
        own = dict(site.droop.settings)
        assert {o.product.value for o in responder.offers(device_id) if o.able} == {
            p.value for p in FREQUENCY_PRODUCTS
        }
        assert responder.deliverable(device_id) == {
            *(p.value for p in FREQUENCY_PRODUCTS),
            ReserveProduct.MFRR_UP.value,
        }
        await commit(responder, device_id, ReserveProduct.FCR_D_UP, 3.0)
        await wait_for(
            lambda: responder.tracks[device_id].state is ResponseState.DEVICE_LOCAL,
            20,
            "the device's own droop set",
        )
        assert site.droop.settings["Ena"] == 1
        assert site.droop.settings["RvrtTms"] == 30
        writes_before = site.server.request_count
        grid.fixed_hz = 49.7
        await wait_for(
            lambda: der.power_kw == pytest.approx(-1.5, rel=0.03), 20, "-1.5 kW"
        )
        await settle(hass, 2.0)
        # A watchdog: the droop runs in the device; the setpoint is the plan's (about 0 kW at flat
        # prices, a few W at a slot edge), not the 1.5 kW of the droop.
        assert abs(site.entry.runtime_data.devices[device_id].setpoint_kw) < 0.1
        assert site.server.request_count - writes_before < 40
        await responder.book.async_clear(device_id=device_id)
        await wait_for(
            lambda: responder.tracks[device_id].state is ResponseState.NOT_COMMITTED,
            20,
            "released",
        )
        assert {**site.droop.settings, "AdptCtlReq": 0} == own
        await wait_for(lambda: abs(der.power_kw) < 0.05, 20, "back to 0 kW")
        await hass.config_entries.async_unload(site.entry.entry_id)


async def test_fcr_n_with_fcr_d_is_left_to_the_fast_task(
    hass: HomeAssistant, live_clock: SimClock, grid: FrequencyTrace
) -> None:
    """Two slopes on one side do not fit model 711: the fast task responds, the device's curve is untouched."""
    async with droop_site(hass, live_clock, grid) as site:
        responder, device_id = site.responder, site.device_id
        await commit(responder, device_id, ReserveProduct.FCR_N, 1.0)
        await commit(responder, device_id, ReserveProduct.FCR_D_UP, 2.0)
        grid.fixed_hz = 49.7
        await wait_for(
            lambda: site.der.power_kw == pytest.approx(-2.0, abs=0.05), 20, "-2 kW"
        )
        assert responder.tracks[device_id].state is ResponseState.RESPONDING
        assert site.droop.settings["Ena"] == 0
        await hass.config_entries.async_unload(site.entry.entry_id)
