"""Deleting a site deletes what it stored: scheduler settings, overrides, kept prices and the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.accounting.ledger import ledger_store_key
from custom_components.v2g_home.pricing.kept import kept_prices_store_key
from custom_components.v2g_home.scheduling.overrides import overrides_store_key
from custom_components.v2g_home.scheduling.settings_store import settings_store_key

STORES = (
    settings_store_key,
    overrides_store_key,
    kept_prices_store_key,
    ledger_store_key,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


async def test_removing_the_site_deletes_its_stores(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """After removal, nothing of the site is left in .storage; another site's data stays."""
    entry = MockConfigEntry(domain="v2g_home", title="Home", data={"name": "Home"})
    entry.add_to_hass(hass)
    other = "some_other_site"
    for key in (store(entry.entry_id) for store in STORES):
        hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {}}
    hass_storage[ledger_store_key(other)] = {
        "version": 1,
        "minor_version": 1,
        "key": ledger_store_key(other),
        "data": {},
    }
    assert entry.state is ConfigEntryState.NOT_LOADED

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not {store(entry.entry_id) for store in STORES} & set(hass_storage)
    assert ledger_store_key(other) in hass_storage
