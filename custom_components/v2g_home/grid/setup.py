"""Build the site's frequency response from its config entry (for __init__.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..scheduling.reservations import reservations_store_key
from .audit_log import remove_log
from .audit_trail import AuditTrail, log_root
from .frequency_source import FrequencyReader
from .local_droop import LocalDroops, local_droop_store_key
from .responder import FrequencyResponder, PowerBooker

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from ..scheduling.reservations import ReservationBook
    from ..scheduling.scheduler import Scheduler


async def async_setup_responder(
    hass: HomeAssistant,
    entry: ConfigEntry,
    scheduler: Scheduler,
    book_power: PowerBooker,
    *,
    book: ReservationBook,
) -> FrequencyResponder:
    """The responder of the site's loaded commitments, with its frequency source, DER droops and audit trail."""
    source = FrequencyReader(hass, {**entry.data, **entry.options}, scheduler.devices)
    await source.async_setup()
    local = LocalDroops(hass, entry.entry_id)
    await local.async_load()
    return FrequencyResponder(
        hass,
        entry,
        scheduler,
        book=book,
        source=source,
        local=local,
        trail=AuditTrail(hass, entry.entry_id),
        book_power=book_power,
    )


def response_store_keys(entry_id: str) -> tuple[str, ...]:
    """The .storage keys the response keeps for a site."""
    return (reservations_store_key(entry_id), local_droop_store_key(entry_id))


async def async_remove_response_data(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the site's audit log (the site is being deleted)."""
    await hass.async_add_executor_job(remove_log, log_root(hass, entry_id))
