"""Diagnostics: settings, identities and the latest polls, with hosts and serials redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST

from .charger_coordinator import ChargerCoordinator
from .const import CONF_SERIAL

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .coordinator import DeviceCoordinator
    from .runtime import V2GConfigEntry

TO_REDACT = {CONF_HOST, CONF_SERIAL, "unique_id", "serial_number"}


def _redacted_text(error: Exception | None, settings: Mapping[str, Any]) -> str | None:
    """Error messages name the host (and a profile pack's fallback serial names it too)."""
    if error is None:
        return None
    host = str(settings.get(CONF_HOST, ""))
    return str(error).replace(host, REDACTED) if host else str(error)


def _device(coordinator: DeviceCoordinator[Any]) -> dict[str, Any]:
    subentry = coordinator.subentry
    identity = coordinator.identity
    diagnostics: dict[str, Any] = {
        "type": subentry.subentry_type,
        "title": subentry.title,
        "unique_id": subentry.unique_id,
        "settings": dict(subentry.data),
        "identity": None if identity is None else asdict(identity),
        "available": coordinator.last_update_success,
        "failed_polls": coordinator.failed_polls,
        "poll_interval_s": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_error": _redacted_text(coordinator.last_exception, subentry.data),
        "data": None if coordinator.data is None else asdict(coordinator.data),
    }
    if isinstance(coordinator, ChargerCoordinator):
        diagnostics["control"] = asdict(coordinator.control)
        diagnostics["in_control"] = coordinator.driver.in_control
    return diagnostics


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's signature)
    entry: V2GConfigEntry,
) -> dict[str, Any]:
    """Return what helps to debug a site without revealing where its devices are."""
    prices = entry.runtime_data.prices
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "devices": [
                _device(coordinator)
                for coordinator in entry.runtime_data.devices.values()
            ],
            "prices": None
            if prices is None
            else {
                "available": prices.last_update_success,
                "last_error": None
                if prices.last_exception is None
                else str(prices.last_exception),
            },
        },
        TO_REDACT,
    )
