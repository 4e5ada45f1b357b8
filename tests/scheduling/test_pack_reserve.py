"""The pack's own reserve register holds the site's reserve while V2G Home drives the pack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.helpers.ha import poll
from tests.helpers.scheduling import PACK_MODE, flat, scheduler_of, select, set_prices

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

OWNERS_RESERVE = 10  # what the pack's own app had set


def reserve(pack: SimulatedSunSpecPack) -> int:
    """The pack's MinRsvPct register (percent)."""
    return pack.settings[124, "MinRsvPct"]


async def test_the_packs_reserve_follows_the_site_while_v2g_home_drives_it(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """Written on taking control, on a changed setting and after a reboot; the owner's back on hand-back."""
    pack.settings[124, "MinRsvPct"] = OWNERS_RESERVE
    await poll(hass)
    assert reserve(pack) == OWNERS_RESERVE  # off: the pack is the owner's
    await select(hass, PACK_MODE, "hold")
    assert reserve(pack) == 20  # the site's reserve (default 20 %)
    await scheduler_of(loaded_entry).async_update_settings(reserve_soc_pct=25)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert reserve(pack) == 25
    pack.settings[124, "MinRsvPct"] = 0  # the pack rebooted and forgot it
    await poll(hass, 15)
    await poll(hass, 15)
    assert reserve(pack) == 25
    await select(hass, PACK_MODE, "off")
    assert reserve(pack) == OWNERS_RESERVE


async def test_unloading_gives_the_pack_its_own_reserve_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """Removing or reloading the site leaves the pack as V2G Home found it."""
    pack.settings[124, "MinRsvPct"] = OWNERS_RESERVE
    await poll(hass)
    await select(hass, PACK_MODE, "auto")
    assert reserve(pack) == 20
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert reserve(pack) == OWNERS_RESERVE


async def test_a_silent_home_assistant_cannot_take_the_pack_below_its_reserve(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
    pack_server: ModbusSimulator,
    clock: SimClock,
) -> None:
    """Exporting near the reserve when Home Assistant goes silent: the pack's firmware stops at it.

    V2G Home stops a discharge one poll short of the reserve, but only while it can reach the pack;
    until the pack's revert timer (8 polls) fires, the last command runs on.
    """
    pack.soc_pct = 21.0
    await set_prices(hass, loaded_entry, flat(1.0, 0.9))
    await select(hass, PACK_MODE, "auto")
    await hass.services.async_call(
        "v2g_home",
        "force_export",
        {"power_kw": 5.0, "duration": {"hours": 1}},
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert pack.power_kw == pytest.approx(-5.0)
    assert reserve(pack) == 20
    pack_server.faults.drop_connection = True
    pack_server.drop_connections()
    clock.advance(
        120
    )  # without the reserve: 1.75 points in these 2 minutes, down to 19.25 %
    assert pack.soc_pct == pytest.approx(20.0, abs=1e-9)
    assert pack.power_kw == 0
