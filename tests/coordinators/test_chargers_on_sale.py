"""A BiDiPro 10 and a SunSpec DER battery in Home Assistant: their entities, planned and driven in auto."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.ha import poll, setup, state
from tests.helpers.scheduling import first_slot, scheduler_of, select, set_prices
from tests.helpers.site import bidipro_subentry, der_pack_subentry, site_entry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimulatedBiDiPro,
    )
    from custom_components.v2g_home.devices.simulator.sunspec_der import (
        SimulatedDerStorage,
    )

CHARGER = "evtec_bidipro_10"
PACK = "v2g_home_simulated_der_storage"
DEAR_NOW = first_slot((4.0, 3.0), (0.5, 0.1))
CHEAP_NOW = first_slot((0.2, 0.0), (4.0, 3.0))


@pytest.fixture
async def site(
    hass: HomeAssistant,
    bidipro_server: ModbusSimulator,
    der_server: ModbusSimulator,
) -> AsyncIterator[MockConfigEntry]:
    """A site with the BiDiPro (a Leaf on CHAdeMO) and the DER battery, set up (unloaded afterwards)."""
    entry = site_entry(
        [bidipro_subentry(bidipro_server.port), der_pack_subentry(der_server.port)]
    )
    await setup(hass, entry)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_entities_show_the_session_the_car_and_what_is_offered(
    hass: HomeAssistant, site: MockConfigEntry, bidipro: SimulatedBiDiPro
) -> None:
    """The shared session state, the BiDiPro's own connector state, the Leaf's SoC and V2G on offer."""
    assert state(hass, f"sensor.{CHARGER}_session") == "ready"
    assert state(hass, f"sensor.{CHARGER}_connector_state") == "idle"
    assert state(hass, f"binary_sensor.{CHARGER}_discharge_offered") == "on"
    assert float(state(hass, "sensor.leaf_on_evtec_bidipro_10_battery")) == (
        pytest.approx(bidipro.soc_pct, abs=0.1)
    )
    assert state(hass, f"sensor.{CHARGER}_error_code") == "0"
    assert state(hass, f"sensor.{PACK}_battery") == "50.0"


async def test_auto_exports_at_a_dear_price_and_arms_the_timeout(
    hass: HomeAssistant,
    site: MockConfigEntry,
    bidipro: SimulatedBiDiPro,
    der: SimulatedDerStorage,
) -> None:
    """Both devices follow a plan that exports now; the BiDiPro's communication timeout is armed."""
    await scheduler_of(site).async_update_settings(
        reserve_soc_pct=10, departure_target_soc_pct=30
    )
    await set_prices(hass, site, DEAR_NOW)
    await select(hass, f"select.{CHARGER}_control_mode", "auto")
    await select(hass, f"select.{PACK}_control_mode", "auto")
    await poll(hass)
    assert bidipro.comm_timeout_s == 120
    # Together they export up to the site's 10 kW limit.
    assert bidipro.setpoint_w < -5000
    assert der.power_kw < -1.0
    assert bidipro.setpoint_w / 1000 + der.power_kw == pytest.approx(-10.0, abs=0.3)
    assert state(hass, f"sensor.{CHARGER}_session") == "discharging"


async def test_no_v2g_offered_means_no_export_but_charging_goes_on(
    hass: HomeAssistant, site: MockConfigEntry, bidipro: SimulatedBiDiPro
) -> None:
    """Session type 1 (charge only): the planner sees no discharge, the entity says so, no error."""
    # No trip: one due within the hour (the test's wall-clock time) would charge at any price.
    await scheduler_of(site).async_update_settings(departure_time=None)
    bidipro.session_type = 1
    await poll(hass)
    assert state(hass, f"binary_sensor.{CHARGER}_discharge_offered") == "off"
    await set_prices(hass, site, DEAR_NOW)
    await select(hass, f"select.{CHARGER}_control_mode", "auto")
    await poll(hass)
    assert bidipro.setpoint_w == 0
    await set_prices(hass, site, CHEAP_NOW)
    await poll(hass)
    assert bidipro.setpoint_w > 0
    assert site.state.recoverable


async def test_a_der_battery_back_in_its_own_control_is_taken_back_loudly(
    hass: HomeAssistant, site: MockConfigEntry, der: SimulatedDerStorage
) -> None:
    """Its setpoint found disabled while polled (a restart): a repair at once, and the command again."""
    await select(hass, f"select.{PACK}_control_mode", "discharge")
    assert der.power_kw < -1.0
    der.settings[704, "WSetEna"] = 0  # restarted into its own (idle) logic
    assert der.power_kw == 0
    await poll(hass, 15)
    pack_id = next(k for k, s in site.subentries.items() if s.subentry_type == "pack")
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"control_lost_{pack_id}")
    assert issue is not None
    assert issue.translation_key == "pack_control_resumed"
    assert der.power_kw < -1.0
