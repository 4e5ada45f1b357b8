"""DK1's FCR on a DK1 site: offered, held by hand, delivered by the fast task, and logged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from custom_components.v2g_home.control.reserve import ReserveProduct
from tests.helpers.ha import state
from tests.helpers.services import device_of

from .helpers import BIDIPRO_MODE, bidipro_site, settle, wait_for
from .test_actions import BIDIPRO_OFFER, act, refused

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


async def test_a_dk1_site_holds_and_delivers_dk1s_fcr(
    hass: HomeAssistant,
    live_clock: SimClock,
    grid: FrequencyTrace,
    meter_server: ModbusSimulator,
) -> None:
    """4 kW: 2 kW out at 49.9 Hz, nothing inside 10 mHz, 4 kW in at 50.2 Hz; FCR-N is refused in DK1."""
    async with bidipro_site(hass, live_clock, meter_server.port, "DK1") as site:
        evse, responder, device_id = site.evse, site.responder, site.device_id
        assert state(hass, BIDIPRO_OFFER) == "fcr_dk1"
        device = device_of(hass, BIDIPRO_MODE)
        assert (
            await refused(hass, "set_reserved_power", device_id=device, fcr_n_kw=2.0)
            == "reserve_not_in_area"
        )
        await act(hass, "set_reserved_power", device_id=device, fcr_dk1_kw=4.0)
        grid.fixed_hz = 49.9
        await wait_for(lambda: evse.power_kw <= -1.95, 20, "2 kW out")
        grid.fixed_hz = 50.005
        await wait_for(
            lambda: abs(evse.power_kw) < 0.05, 20, "nothing in the dead band"
        )
        grid.fixed_hz = 50.2
        await wait_for(lambda: evse.power_kw >= 3.95, 20, "4 kW in")
        await settle(hass, 1.5)
        first = responder.trail.recent[device_id][0].at
        rows = await responder.trail.async_rows(device_id, first, dt_util.utcnow())
        assert {row.fcr_dk1_kw for row in rows} == {4.0}
        assert responder.book.reserved(device_id, dt_util.utcnow()).products == (
            ReserveProduct.FCR_DK1,
        )
        await hass.config_entries.async_unload(site.entry.entry_id)
