"""Helpers for the action tests: calling a v2g_home action and finding the site's devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.registry import find_device
from tests.helpers.scheduling import CHARGER_MODE, PACK_MODE

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
    device = find_device(hass, entry_id, entry_id)
    assert device is not None
    return device.id


def leaf_device(hass: HomeAssistant, entry_id: str) -> str:
    """The Leaf seen through the charger."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if device.model == "Leaf":
            return device.id
    raise AssertionError("no Leaf device")


def subentry_of(hass: HomeAssistant, device_id: str) -> str:
    """The subentry (the scheduler's device id) a device belongs to, read off one of its entities."""
    entities = er.async_entries_for_device(er.async_get(hass), device_id)
    subentries = {entity.config_subentry_id for entity in entities}
    (subentry,) = subentries
    assert subentry is not None
    return subentry
