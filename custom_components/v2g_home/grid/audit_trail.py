"""The audit log as the response writes it: one row per device and second, flushed off the event loop."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .audit_log import LogRow, append_rows, read_rows, remove_log

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

FLUSH_EVERY = timedelta(seconds=5)
RECENT_ROWS = 3600  # an hour per device in memory, for diagnostics


def log_root(hass: HomeAssistant, entry_id: str) -> Path:
    """Where a site's audit log lives in the config directory."""
    return Path(hass.config.path(DOMAIN, "frequency_log", entry_id))


class AuditTrail:
    """Buffers rows (the latest of each second per device) and writes them every few seconds."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is written until the first flush."""
        self.hass = hass
        self.root = log_root(hass, entry_id)
        self._pending: dict[str, list[LogRow]] = {}
        self.recent: dict[str, deque[LogRow]] = {}
        self._flushed_at = dt_util.utcnow()

    def add(self, device_id: str, row: LogRow) -> None:
        """Log one tick; a later tick in the same second replaces the earlier one."""
        recent = self.recent.setdefault(device_id, deque(maxlen=RECENT_ROWS))
        pending = self._pending.setdefault(device_id, [])
        if recent and int(recent[-1].at.timestamp()) == int(row.at.timestamp()):
            recent[-1] = row
            if pending:
                pending[-1] = row
                return
        else:
            recent.append(row)
        pending.append(row)

    def due(self, now: datetime) -> bool:
        """Whether the buffer should be written now."""
        return now - self._flushed_at >= FLUSH_EVERY and any(self._pending.values())

    async def async_flush(self) -> None:
        """Write the buffer in the executor."""
        rows, self._pending = self._pending, {}
        self._flushed_at = dt_util.utcnow()
        if any(rows.values()):
            await self.hass.async_add_executor_job(
                append_rows, self.root, rows, self._flushed_at
            )

    async def async_rows(
        self, device_id: str, start: datetime, end: datetime
    ) -> list[LogRow]:
        """A device's rows in a time range: the files, then what is not written yet."""
        rows = await self.hass.async_add_executor_job(
            read_rows, self.root, device_id, start, end
        )
        unwritten = [
            r for r in self._pending.get(device_id, []) if start <= r.at <= end
        ]
        return sorted([*rows, *unwritten], key=lambda row: row.at)

    async def async_remove(self) -> None:
        """Delete the whole log (the site is being deleted)."""
        await self.hass.async_add_executor_job(remove_log, self.root)
