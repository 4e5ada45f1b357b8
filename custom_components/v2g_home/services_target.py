"""Which site and device an action is for: a site (config entry), one of its devices, or the only site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, SUBENTRY_CHARGER
from .device_keys import device_identifiers
from .runtime import V2GConfigEntry
from .scheduler import Scheduler

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_DEVICE_ID = "device_id"


@dataclass(frozen=True, kw_only=True)
class ServiceTarget:
    """A loaded site, its scheduler, and the device (subentry id) or None for every device."""

    entry: V2GConfigEntry
    scheduler: Scheduler
    device_id: str | None

    @property
    def is_car(self) -> bool:
        """Whether the target is one charger with its car (not a pack, not the whole site)."""
        subentry = self.entry.subentries.get(self.device_id or "")
        return subentry is not None and subentry.subentry_type == SUBENTRY_CHARGER


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated validation error for an action's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def _entry_of_device(hass: HomeAssistant, device_id: str) -> tuple[str, str | None]:
    """The site's entry id and the device's subentry id (None for the site device).

    Found from the device's own identifiers, which read the same on every Home Assistant version (HA 2026.8
    replaced `config_entries_subentries` with one entry per device).
    """
    device = dr.async_get(hass).async_get(device_id)
    keys = (
        set()
        if device is None
        else {key for domain, key in device.identifiers if domain == DOMAIN}
    )
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id in keys:
            return entry.entry_id, None
        for subentry_id, subentry in entry.subentries.items():
            if keys & device_identifiers(subentry):
                return entry.entry_id, subentry_id
    raise invalid("device_not_found", device_id=device_id)


def _only_site(hass: HomeAssistant) -> str:
    entries = hass.config_entries.async_entries(DOMAIN)
    if len(entries) != 1:
        raise invalid("site_required")
    return entries[0].entry_id


def resolve_target(call: ServiceCall) -> ServiceTarget:
    """The site and device the call names; raise a translated error when they are wrong or not loaded."""
    hass = call.hass
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    device_id: str | None = None
    if device := call.data.get(ATTR_DEVICE_ID):
        device_entry_id, device_id = _entry_of_device(hass, device)
        if entry_id is not None and entry_id != device_entry_id:
            raise invalid("device_not_in_site", device_id=device)
        entry_id = device_entry_id
    if entry_id is None:
        entry_id = _only_site(hass)
    entry: V2GConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid("entry_not_found", entry_id=entry_id)
    if (
        entry.state is not ConfigEntryState.LOADED
        or entry.runtime_data.scheduler is None
    ):
        raise invalid("entry_not_loaded", site=entry.title)
    return ServiceTarget(
        entry=entry, scheduler=entry.runtime_data.scheduler, device_id=device_id
    )
