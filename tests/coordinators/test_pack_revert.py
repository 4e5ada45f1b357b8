"""Packs in Home Assistant keep their revert timer armed while polled, and stop when it is not."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.coordinators.factory import PACK_REVERT_TIMEOUT_S
from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    WriteVerificationError,
)
from custom_components.v2g_home.devices.sunspec import SunSpecPack
from tests.helpers.ha import PACK, poll, state
from tests.helpers.scheduling import PACK_MODE, select

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedSunSpecPack,
    )

POWER = f"sensor.{PACK}_power"


async def _polls(hass: HomeAssistant, clock: SimClock, seconds: int) -> None:
    for _ in range(seconds // 15):
        clock.advance(15)
        await poll(hass, 15)


async def test_polled_pack_keeps_exporting_past_the_revert_timeout(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
    clock: SimClock,
) -> None:
    """Discharge mode arms a 2-minute revert timer; ten minutes of polls keep the pack selling."""
    assert PACK_REVERT_TIMEOUT_S >= 2 * 15
    pack.local_power_kw = 0.0
    await select(hass, PACK_MODE, "discharge")
    assert pack.settings[124, "InOutWRte_RvrtTms"] == PACK_REVERT_TIMEOUT_S
    await _polls(hass, clock, 600)
    assert pack.power_kw == pytest.approx(-5.0)
    assert float(state(hass, POWER)) == pytest.approx(-5.0)
    await select(hass, PACK_MODE, "off")
    assert pack.settings[124, "StorCtl_Mod"] == 0


async def test_unpolled_pack_stops_by_itself(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
    clock: SimClock,
) -> None:
    """Home Assistant going quiet (no polls) ends the export once the timer runs out."""
    pack.local_power_kw = 0.0
    await select(hass, PACK_MODE, "discharge")
    clock.advance(PACK_REVERT_TIMEOUT_S - 5)
    assert pack.power_kw == pytest.approx(-5.0)
    clock.advance(10)
    assert pack.power_kw == 0


async def test_refused_refresh_is_logged_and_the_pack_stays_available(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A pack that refuses the refresh keeps reporting; the refusal is in the log."""
    await select(hass, PACK_MODE, "discharge")
    with patch.object(
        SunSpecPack,
        "refresh_control",
        side_effect=WriteVerificationError("OutWRte reads 0 after writing 10000"),
    ):
        await poll(hass, 15)
    assert "refused the control refresh" in caplog.text
    assert state(hass, POWER) != STATE_UNAVAILABLE


async def test_refresh_losing_the_pack_makes_it_unavailable(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A connection lost during the refresh counts as the pack not answering."""
    await select(hass, PACK_MODE, "discharge")
    with patch.object(
        SunSpecPack,
        "refresh_control",
        side_effect=DeviceConnectionError("127.0.0.1 dropped the connection"),
    ):
        await poll(hass, 15)
    assert state(hass, POWER) == STATE_UNAVAILABLE


async def test_a_pack_back_in_its_own_control_is_taken_back_loudly(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
) -> None:
    """A pack that restarts into its own control: a repair at the next poll, and V2G Home takes it again."""
    pack.local_power_kw = 0.0
    await select(hass, PACK_MODE, "discharge")
    pack_id = next(
        key
        for key, sub in loaded_entry.subentries.items()
        if sub.subentry_type == "pack"
    )
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"control_lost_{pack_id}") is None
    pack.settings[124, "StorCtl_Mod"] = 0  # restarted: its own logic, idle
    assert pack.power_kw == 0
    await poll(hass, 15)
    issue = issues.async_get_issue(DOMAIN, f"control_lost_{pack_id}")
    assert issue is not None
    assert issue.translation_key == "pack_control_resumed"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["mode"] == "discharge"
    assert pack.power_kw == pytest.approx(-5.0)
    assert state(hass, PACK_MODE) == "discharge"
