"""Helpers for the action tests: calling a v2g_home action and finding the site's devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.v2g_home.const import DOMAIN

from .scheduler_helpers import CHARGER_MODE, PACK_MODE

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceResponse


async def call(hass: HomeAssistant, action: str, **data: Any) -> ServiceResponse:
    """Call a v2g_home action and wait for it (returning the response of get_plan)."""
    response = await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=action == "get_plan"
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    return response


def device_of(hass: HomeAssistant, entity_id: str) -> str:
    """The device registry id behind an entity."""
    entity = er.async_get(hass).async_get(entity_id)
    assert entity is not None
    assert entity.device_id is not None
    return entity.device_id


def charger_device(hass: HomeAssistant) -> str:
    """The Wallbox Quasar 1's device id."""
    return device_of(hass, CHARGER_MODE)


def pack_device(hass: HomeAssistant) -> str:
    """The simulated pack's device id."""
    return device_of(hass, PACK_MODE)


def site_device(hass: HomeAssistant, entry_id: str) -> str:
    """The site's own device (it belongs to no subentry)."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if device.config_entries_subentries[entry_id] == {None}:
            return device.id
    raise AssertionError("no site device")


def leaf_device(hass: HomeAssistant, entry_id: str) -> str:
    """The Leaf seen through the charger."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if device.model == "Leaf":
            return device.id
    raise AssertionError("no Leaf device")


def subentry_of(hass: HomeAssistant, device_id: str) -> str:
    """The subentry (the scheduler's device id) a device belongs to."""
    device = dr.async_get(hass).async_get(device_id)
    assert device is not None
    (subentries,) = device.config_entries_subentries.values()
    (subentry,) = subentries
    assert subentry is not None
    return subentry
