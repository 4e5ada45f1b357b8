"""The frequency response as people and tools see it: status, diagnostics and the CSV export."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .audit_log import LogRow, max_gap_s, to_csv

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.core import HomeAssistant

    from .responder import FrequencyResponder

DIAGNOSTICS_WINDOW = timedelta(minutes=15)


def status(responder: FrequencyResponder) -> dict[str, Any]:
    """The site's response now: frequency, its source, each device's state, reserve and offers."""
    reading = responder.reading
    names = responder.scheduler.names()
    return {
        "frequency_hz": None if reading is None else reading.hz,
        "source": None
        if responder.source.kind is None
        else responder.source.kind.value,
        "frequency": responder.verdict.value,
        "devices": {
            names[device_id]: {
                "state": track.state.value,
                "reserved_kw": asdict(track.reserved),
                "requested_kw": round(track.requested_kw, 3),
                "setpoint_kw": track.setpoint_kw,
                "power_kw": track.power_kw,
                "able": [
                    o.product.value for o in responder.offers(device_id) if o.able
                ],
                "unable": {
                    o.product.value: o.reason
                    for o in responder.offers(device_id)
                    if not o.able
                },
            }
            for device_id, track in responder.tracks.items()
        },
    }


def site_state(responder: FrequencyResponder) -> str:
    """One word for the site: the state of the device that is worst off, else idle."""
    states = [
        track.state.value
        for device_id, track in responder.tracks.items()
        if track.engaged or device_id in responder.book.devices(dt_util.utcnow())
    ]
    if not states:
        return "idle"
    for state in states:
        if state not in ("responding", "device_local"):
            return state
    return states[0]


async def async_diagnostics(responder: FrequencyResponder) -> dict[str, Any]:
    """Status, commitments, offers with their times, and the last 15 minutes of the log as CSV."""
    now = dt_util.utcnow()
    rows: list[tuple[str, LogRow]] = []
    gaps: dict[str, float] = {}
    for device_id in responder.tracks:
        device_rows = await responder.trail.async_rows(
            device_id, now - DIAGNOSTICS_WINDOW, now
        )
        rows += [(device_id, row) for row in device_rows]
        gaps[device_id] = max_gap_s(device_rows)
    return {
        "source": responder.source.describe(),
        "verdict": responder.verdict.value,
        "commitments": [
            {**asdict(c), "start": c.start.isoformat(), "end": c.end.isoformat()}
            for c in responder.book.commitments
        ],
        "devices": {
            device_id: {
                "state": track.state.value,
                "fast_read": track.reader is not None,
                "local_droop": responder.local.found(device_id) is not None,
                "offers": [asdict(o) for o in responder.offers(device_id)],
                "log_max_gap_s": gaps[device_id],
            }
            for device_id, track in responder.tracks.items()
        },
        "log_csv": to_csv(sorted(rows, key=lambda item: item[1].at)),
    }


def export_path(hass: HomeAssistant, entry_id: str, start: datetime) -> Path:
    """Where an export is written in the config directory."""
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    return Path(
        hass.config.path(DOMAIN, "exports", f"frequency_{entry_id}_{stamp}.csv")
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def async_export_csv(
    responder: FrequencyResponder,
    device_ids: Iterable[str],
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    """Write the log of some devices from `start` to `end` as CSV; say where and how many rows."""
    names = responder.scheduler.names()
    rows: list[tuple[str, LogRow]] = []
    for device_id in device_ids:
        found = await responder.trail.async_rows(device_id, start, end)
        rows += [(names.get(device_id, device_id), row) for row in found]
    rows.sort(key=lambda item: item[1].at)
    path = export_path(responder.hass, responder.entry.entry_id, start)
    await responder.hass.async_add_executor_job(_write, path, to_csv(rows))
    return {
        "path": str(path),
        "rows": len(rows),
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
