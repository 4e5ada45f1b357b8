"""Setting a site up, unloading it, and what happens when a device is missing at start."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.devices.simulator import ModbusSimulator
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant


async def test_setup_and_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """A site with a charger and a pack loads, shows their values, and unloads cleanly."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    states = {s.entity_id: s.state for s in hass.states.async_all()}
    for k, v in sorted(states.items()):
        print(k, v)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
