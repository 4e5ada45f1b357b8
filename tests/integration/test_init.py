"""Setting a site up: devices in the registry, devices missing at start, reloads when devices change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.flows import free_port
from tests.helpers.ha import CHARGER, PACK, setup, state
from tests.helpers.registry import find_device
from tests.helpers.services import subentry_of
from tests.helpers.site import (
    PACK_SERIAL,
    QUASAR_SERIAL,
    charger_subentry,
    pack_data,
    pack_subentry,
    site_entry,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import (
        device_registry as dr,
        entity_registry as er,
        issue_registry as ir,
    )
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import ModbusSimulator


async def test_devices_in_the_registry(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Site, charger under the site, Leaf under the charger, pack under the site, each identified."""
    entry_id = loaded_entry.entry_id
    site = find_device(hass, entry_id, entry_id)
    charger = find_device(hass, entry_id, QUASAR_SERIAL)
    leaf = find_device(hass, entry_id, f"{QUASAR_SERIAL}_leaf")
    pack = find_device(hass, entry_id, PACK_SERIAL)
    assert site is not None
    assert charger is not None
    assert leaf is not None
    assert pack is not None
    assert site.name == "Home"
    assert (charger.manufacturer, charger.model) == ("Wallbox", "Quasar 1")
    assert (charger.serial_number, charger.sw_version) == (QUASAR_SERIAL, "517")
    assert charger.via_device_id == site.id
    assert (leaf.manufacturer, leaf.model, leaf.via_device_id) == (
        "Nissan",
        "Leaf",
        charger.id,
    )
    assert (pack.manufacturer, pack.serial_number, pack.sw_version) == (
        "V2G Home",
        PACK_SERIAL,
        "1.0.0",
    )
    assert pack.via_device_id == site.id
    assert loaded_entry.subentries[subentry_of(hass, charger.id)].subentry_type == (
        "charger"
    )


async def test_charger_missing_at_start(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """A charger that does not answer keeps the site in retry (Home Assistant tries again later)."""
    entry = site_entry([charger_subentry(free_port()), pack_subentry(pack_server.port)])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "Wallbox Quasar 1" in str(entry.reason)


async def test_another_charger_at_the_address(
    hass: HomeAssistant,
    quasar_server: ModbusSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Another charger at the configured address is not taken for the old one; a repair issue says so."""
    entry = site_entry([{**charger_subentry(quasar_server.port), "unique_id": "999"}])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    (subentry_id,) = entry.subentries
    issue = issue_registry.async_get_issue(DOMAIN, f"wrong_device_{subentry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {
        "device": "Wallbox Quasar 1",
        "expected": "999",
        "found": QUASAR_SERIAL,
    }

    # The user re-adds the right device under this subentry's serial: the issue goes away.
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[subentry_id], unique_id=QUASAR_SERIAL
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, f"wrong_device_{subentry_id}") is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_missing_profile_is_an_error(hass: HomeAssistant) -> None:
    """A pack whose profile file was removed cannot be set up; the site says so."""
    entry = site_entry([pack_subentry(free_port(), pack_driver="removed_profile")])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR


async def test_adding_and_removing_a_pack_reloads(
    hass: HomeAssistant,
    quasar_server: ModbusSimulator,
    pack_server: ModbusSimulator,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A pack added through its flow appears at once; removing it takes its device and entities away."""
    entry = site_entry([charger_subentry(quasar_server.port)])
    await setup(hass, entry)
    assert hass.states.get(f"sensor.{PACK}_battery") is None
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "pack"), context={"source": SOURCE_USER}
    )
    answers = pack_data(pack_server.port)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            key: answers[key]
            for key in ("host", "port", "unit_id", "pack_driver", "power_sign")
        },
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state(hass, f"sensor.{PACK}_battery") == "50.0"
    assert state(hass, f"sensor.{CHARGER}_power") == "0.0"

    (pack_id,) = (
        s.subentry_id for s in entry.subentries.values() if s.subentry_type == "pack"
    )
    assert hass.config_entries.async_remove_subentry(entry, pack_id)
    await hass.async_block_till_done()
    assert find_device(hass, entry.entry_id, PACK_SERIAL) is None
    assert entity_registry.async_get(f"sensor.{PACK}_battery") is None
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Unloading leaves every entity unavailable and the entry not loaded."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert state(hass, f"sensor.{CHARGER}_power") == "unavailable"
