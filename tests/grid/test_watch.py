"""What the fast task does when a device misbehaves: drops its own droop, or stops answering (real time)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.control.reserve import ReserveProduct
from custom_components.v2g_home.control.response import ResponseState

from .helpers import bidipro_site, commit, droop_site, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


async def test_a_device_that_drops_the_reserves_droop_gets_it_again(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Something switches the 711 droop off: the watchdog sees it within seconds and sets it again."""
    async with droop_site(hass, live_clock, grid) as site:
        der, droop, responder = site.der, site.droop, site.responder
        await commit(responder, site.device_id, ReserveProduct.FCR_D_UP, 3.0)
        await wait_for(lambda: droop.settings["Ena"] == 1, 20, "the droop set")
        with caplog.at_level(logging.WARNING):
            droop.store("Ena", 0, live_clock.now())
            await wait_for(lambda: droop.settings["Ena"] == 1, 20, "set again")
        assert "left the reserve's droop" in caplog.text
        grid.fixed_hz = 49.7
        await wait_for(
            lambda: der.power_kw == pytest.approx(-1.5, rel=0.03), 20, "-1.5 kW"
        )
        assert responder.tracks[site.device_id].state is ResponseState.DEVICE_LOCAL
        await hass.config_entries.async_unload(site.entry.entry_id)


async def test_a_device_that_stops_answering_is_logged_and_taken_back(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
) -> None:
    """Its seconds are logged as device_silent with no power; once it answers, the response resumes."""
    async with bidipro_site(hass, live_clock, meter_server.port) as site:
        evse, server, entry = site.evse, site.server, site.entry
        responder, device_id = site.responder, site.device_id
        coordinator = entry.runtime_data.devices[device_id]
        await commit(responder, device_id, ReserveProduct.FCR_D_UP, 4.0)
        grid.fixed_hz = 49.7
        await wait_for(lambda: evse.power_kw <= -1.95, 20, "-2 kW")
        server.faults.exception_code = 4
        await wait_for(
            lambda: responder.tracks[device_id].state is ResponseState.DEVICE_SILENT,
            20,
            "device silent",
        )
        await wait_for(
            lambda: responder.trail.recent[device_id][-1].state
            is ResponseState.DEVICE_SILENT,
            5,
            "logged",
        )
        assert responder.trail.recent[device_id][-1].power_kw is None
        server.faults.clear()
        grid.fixed_hz = 49.5
        await coordinator.async_refresh()
        await wait_for(lambda: evse.power_kw <= -3.95, 30, "-4 kW once it answers")
        assert responder.tracks[device_id].state is ResponseState.RESPONDING
        await hass.config_entries.async_unload(entry.entry_id)
