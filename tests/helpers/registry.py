"""Device registry lookups that read the same on every supported Home Assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr

from custom_components.v2g_home.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


def find_device(
    hass: HomeAssistant, entry_id: str, identifier: str
) -> dr.DeviceEntry | None:
    """The device of config entry `entry_id` with identifier (v2g_home, `identifier`), if registered.

    HA 2026 deprecates `async_get_device` (identifiers are unique per entry only); its replacement does not
    exist in HA 2025.4, so look through the entry's own devices.
    """
    registry = dr.async_get(hass)
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(registry, entry_id)
            if (DOMAIN, identifier) in device.identifiers
        ),
        None,
    )
