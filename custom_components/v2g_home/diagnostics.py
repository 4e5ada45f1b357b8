"""Diagnostics: settings, identities and the latest polls, with hosts and serials redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST

from .const import CONF_SERIAL
from .coordinators.charger import ChargerCoordinator

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime, time

    from homeassistant.core import HomeAssistant

    from .coordinators.base import DeviceCoordinator
    from .pricing.coordinator import PriceCoordinator
    from .runtime import V2GConfigEntry

TO_REDACT = {CONF_HOST, CONF_SERIAL, "unique_id", "serial_number"}


def _redacted_text(
    error: BaseException | None, settings: Mapping[str, Any]
) -> str | None:
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
            "prices": None if prices is None else _prices(prices),
            "scheduler": _scheduler(entry),
            "ledger": _ledger(entry),
        },
        TO_REDACT,
    )


def _prices(prices: PriceCoordinator) -> dict[str, Any]:
    """The price feed's health (its update never fails: staleness is what tells)."""
    forecast = prices.data
    known_until = forecast.known_until()
    return {
        "source": forecast.source,
        "currency": forecast.currency,
        "slots": len(forecast.slots),
        "known_until": None if known_until is None else known_until.isoformat(),
        "fetched_at": _iso(forecast.fetched_at),
        "next_update": _iso(forecast.next_update),
        "tomorrow_known": forecast.tomorrow_known,
        "stale": forecast.stale,
        "last_error": forecast.last_error,
    }


def _scheduler(entry: V2GConfigEntry) -> dict[str, Any]:
    """The settings in force and a summary of the last plan."""
    scheduler = entry.runtime_data.scheduler
    settings = asdict(scheduler.settings)
    settings["departure_time"] = _iso(scheduler.settings.departure_time)
    plan = scheduler.plan
    return {
        "settings": settings,
        "planned_at": _iso(scheduler.planned_at),
        "grid_only": scheduler.grid_only,
        "plan": None
        if plan is None
        else {
            "slots": len(plan.slots),
            "feasible": plan.feasible,
            "infeasibilities": [item.kind.value for item in plan.infeasibilities],
            "savings": plan.totals.savings,
        },
    }


def _ledger(entry: V2GConfigEntry) -> dict[str, Any]:
    """How export is measured, the site's lifetime totals, and the energy moved outside its control."""
    ledger = entry.runtime_data.ledger
    return {
        "export_source": ledger.export_source,
        "lifetime": asdict(ledger.totals(None, "lifetime")),
        "outside_control": asdict(ledger.outside_control(None)),
    }


def _iso(value: datetime | time | None) -> str | None:
    return None if value is None else value.isoformat()
