"""What a new site shows by default: a short device page each, diagnostics apart, nothing needed missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import EntityCategory
from homeassistant.helpers import entity_registry as er

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.ha import setup
from tests.helpers.registry import find_device
from tests.helpers.site import (
    BIDIPRO_SERIAL,
    DER_SERIAL,
    PACK_SERIAL,
    QUASAR_SERIAL,
    bidipro_subentry,
    der_pack_subentry,
    site_entry,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import ModbusSimulator

SITE_SHOWN = {
    "calendar.home_plan",
    "sensor.home_next_action",
    "sensor.home_expected_export_revenue_today",
    "sensor.home_expected_export_revenue_tomorrow",
    "sensor.home_estimated_profit_this_plan",
    "sensor.home_buy_price",
    "sensor.home_sell_price",
    "sensor.home_energy_sold",
    "sensor.home_export_revenue",
    "sensor.home_net_profit",
    "switch.home_scheduling",
    "switch.home_export_allowed",
    "number.home_reserve_state_of_charge",
    "number.home_departure_target_state_of_charge",
    "time.home_departure_time",
}
CHARGER = "wallbox_quasar_1"
PACK = "v2g_home_simulated_sunspec_pack"
# The Energy dashboard's battery systems: each pack, and the car through its charger.
BATTERY_COUNTERS = [
    f"sensor.{device}_energy_{direction}"
    for device in (CHARGER, PACK)
    for direction in ("charged", "discharged")
]
DIAGNOSTIC = {
    f"sensor.{CHARGER}_unrecoverable_error_code",
    f"sensor.{CHARGER}_recoverable_error_code",
    f"sensor.{PACK}_state_of_health",
    f"sensor.{PACK}_rated_capacity",
    "sensor.leaf_on_wallbox_quasar_1_usable_capacity",
}


def _enabled(hass: HomeAssistant, entry_id: str, identifier: str) -> dict[str, str]:
    """The device's enabled entities and their category ('' for none)."""
    device = find_device(hass, entry_id, identifier)
    assert device is not None
    return {
        entity.entity_id: entity.entity_category or ""
        for entity in er.async_entries_for_device(er.async_get(hass), device.id)
        if not entity.disabled
    }


async def test_each_device_page_is_short(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """At most 15 entities on the site and 12 on the charger and the pack; diagnostics marked as such."""
    entry_id = loaded_entry.entry_id
    site = _enabled(hass, entry_id, entry_id)
    charger = _enabled(hass, entry_id, QUASAR_SERIAL)
    pack = _enabled(hass, entry_id, PACK_SERIAL)
    leaf = _enabled(hass, entry_id, f"{QUASAR_SERIAL}_leaf")
    assert set(site) == SITE_SHOWN
    assert (len(site), len(charger), len(pack), len(leaf)) == (15, 11, 9, 4)
    assert all(
        site[entity_id] == "config" for entity_id in site if "number." in entity_id
    )
    everything = site | charger | pack | leaf
    assert {e for e, category in everything.items() if category == "diagnostic"} == (
        DIAGNOSTIC
    )
    for entity_id in everything:
        assert hass.states.get(entity_id) is not None, entity_id


async def test_batteries_are_ready_for_the_energy_dashboard(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Energy in and out of each battery: enabled, kWh, total_increasing; energy sold for return to grid."""
    for entity_id in [*BATTERY_COUNTERS, "sensor.home_energy_sold"]:
        current = hass.states.get(entity_id)
        assert current is not None, entity_id
        assert current.attributes["state_class"] == "total_increasing", entity_id
        assert current.attributes["unit_of_measurement"] == "kWh"
        assert current.attributes["device_class"] == "energy"
    compensation = hass.states.get("sensor.home_export_revenue")
    assert compensation is not None
    assert compensation.attributes["device_class"] == "monetary"
    assert compensation.attributes["state_class"] == "total"


async def test_the_retired_next_price_update_sensor_is_removed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An existing site's old Next price update sensor leaves the registry (its value is an attribute now)."""
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{entry.entry_id}_next_price_update",
        config_entry=entry,
        suggested_object_id="home_next_price_update",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get(old.entity_id) is None
    assert registry.async_get("sensor.home_buy_price") is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_chargers_on_sale_have_short_pages_too(
    hass: HomeAssistant, bidipro_server: ModbusSimulator, der_server: ModbusSimulator
) -> None:
    """A BiDiPro 10 and a SunSpec DER battery: 10 and 9 (at most 12), with their batteries' energy counters."""
    entry = site_entry(
        [bidipro_subentry(bidipro_server.port), der_pack_subentry(der_server.port)]
    )
    await setup(hass, entry)
    charger = _enabled(hass, entry.entry_id, BIDIPRO_SERIAL)
    pack = _enabled(hass, entry.entry_id, DER_SERIAL)
    assert (len(charger), len(pack)) == (10, 9)
    for device, entities in (
        ("evtec_bidipro_10", charger),
        ("v2g_home_simulated_der_storage", pack),
    ):
        for direction in ("charged", "discharged"):
            counter = f"sensor.{device}_energy_{direction}"
            assert counter in entities
            assert (
                hass.states.get(counter).attributes["state_class"] == "total_increasing"
            )
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_outside_control_sensors_are_diagnostic_and_start_disabled(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Charged/discharged outside V2G Home's control: on the site and each device, diagnostic, disabled at first."""
    registry = er.async_get(hass)
    for owner in (loaded_entry.entry_id, PACK_SERIAL):
        for key in ("charged_outside_control", "discharged_outside_control"):
            entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{owner}_{key}")
            assert entity_id is not None, (owner, key)
            found = registry.async_get(entity_id)
            assert found is not None
            assert found.entity_category is EntityCategory.DIAGNOSTIC
            assert found.disabled_by is er.RegistryEntryDisabler.INTEGRATION
            assert found.translation_key == key
