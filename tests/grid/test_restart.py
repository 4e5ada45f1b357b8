"""A restart while a reserve is committed: the commitment, the log and the device's own droop survive it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

import pytest

from custom_components.v2g_home.control.reserve import ReserveProduct
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.grid.audit_log import max_gap_s
from custom_components.v2g_home.grid.local_droop import LocalDroops

from .helpers import bidipro_site, commit, droop_site, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


async def test_a_reload_keeps_the_commitment_and_the_log(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
) -> None:
    """FCR-D up during an event: after a reload the car exports again, and the log runs on across it."""
    async with bidipro_site(hass, live_clock, meter_server.port) as site:
        evse, entry, responder = site.evse, site.entry, site.responder
        device_id = site.device_id
        await commit(responder, device_id, ReserveProduct.FCR_D_UP, 4.0)
        grid.fixed_hz = 49.7
        await wait_for(lambda: evse.power_kw <= -1.95, 20, "-2 kW")
        before = responder.book.commitments
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        again = entry.runtime_data.responder
        assert again is not responder
        assert again.book.commitments == before
        await wait_for(
            lambda: again.tracks[device_id].state is ResponseState.RESPONDING,
            20,
            "responding after the reload",
        )
        await wait_for(lambda: evse.power_kw <= -1.95, 20, "-2 kW again")
        first = responder.trail.recent[device_id][0].at
        rows = await again.trail.async_rows(
            device_id, first, again.tracks[device_id].ticked_at or first
        )
        assert rows[0].at == first  # written to the file at the unload
        assert {row.fcr_d_up_kw for row in rows} == {4.0}
        # The only gap is the reload itself, a few seconds.
        assert 0.5 < max_gap_s(rows) < 10.0
        await hass.config_entries.async_unload(entry.entry_id)


async def test_a_crash_never_takes_our_droop_for_the_devices_own(
    hass: HomeAssistant, live_clock: SimClock, grid: FrequencyTrace
) -> None:
    """Stopped without restoring the 711 settings: after the restart the device gets its own back at the end."""
    async with droop_site(hass, live_clock, grid) as site:
        der, entry, device_id = site.der, site.entry, site.device_id
        own = dict(site.droop.settings)
        await commit(site.responder, device_id, ReserveProduct.FCR_D_UP, 3.0)
        await wait_for(
            lambda: site.responder.tracks[device_id].state
            is ResponseState.DEVICE_LOCAL,
            20,
            "the device's own droop set",
        )
        ours = dict(site.droop.settings)
        assert ours != own

        async def crashed(*_args: object) -> None:
            """Nothing restored, as when the process dies."""

        with patch.object(LocalDroops, "async_release", crashed):
            assert await hass.config_entries.async_unload(entry.entry_id)
        assert site.droop.settings == ours  # still our curve, until its reversion timer
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        again = entry.runtime_data.responder
        await wait_for(
            lambda: again.tracks[device_id].state is ResponseState.DEVICE_LOCAL,
            20,
            "the droop set again after the restart",
        )
        grid.fixed_hz = 49.7
        await wait_for(
            lambda: der.power_kw == pytest.approx(-1.5, rel=0.03), 20, "-1.5 kW"
        )
        await again.book.async_clear(device_id=device_id)
        await wait_for(
            lambda: again.tracks[device_id].state is ResponseState.NOT_COMMITTED,
            20,
            "released",
        )
        assert {**site.droop.settings, "AdptCtlReq": 0} == own
        await hass.config_entries.async_unload(entry.entry_id)
