"""The site's accepted reserve bids (commitments), kept in .storage until they end.

The store's key and shape are those of the frequency response's reservation book (issue 20):
`v2g_home.reservations.<entry id>` holding `{"commitments": [{device_id, product, kw, start, end,
source}]}`, so both read and write the same commitments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..planner.reserve_model import ReserveCommitment

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from homeassistant.core import HomeAssistant

STORAGE_VERSION = 1
SOURCE_AGGREGATOR = "commit_reserve"


def reservations_store_key(entry_id: str) -> str:
    """The .storage key of a site's reserve commitments."""
    return f"{DOMAIN}.reservations.{entry_id}"


def _to_dict(commitment: ReserveCommitment, source: str) -> dict[str, Any]:
    return {
        "device_id": commitment.device_id,
        "product": commitment.product,
        "kw": commitment.kw,
        "start": commitment.start.isoformat(),
        "end": commitment.end.isoformat(),
        "source": source,
    }


def _from_dict(data: dict[str, Any]) -> tuple[ReserveCommitment, str]:
    start = dt_util.parse_datetime(str(data["start"]))
    end = dt_util.parse_datetime(str(data["end"]))
    if start is None or end is None:
        raise ValueError("a commitment needs its start and end")
    commitment = ReserveCommitment(
        device_id=str(data["device_id"]),
        product=str(data["product"]),
        kw=float(data["kw"]),
        start=dt_util.as_utc(start),
        end=dt_util.as_utc(end),
    )
    return commitment, str(data.get("source", "manual"))


class ReserveBook:
    """Commitments per device and product; listeners hear of every change."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Empty until async_load."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, reservations_store_key(entry_id)
        )
        self._items: tuple[tuple[ReserveCommitment, str], ...] = ()
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def commitments(self) -> tuple[ReserveCommitment, ...]:
        """Every commitment that has not ended."""
        return tuple(c for c, _ in self._items)

    def held(self, device_id: str, product: str, now: datetime) -> float:
        """KW of a product a device has committed at `now`."""
        return sum(
            c.kw
            for c in self.commitments
            if c.device_id == device_id
            and c.product == product
            and c.start <= now < c.end
        )

    async def async_load(self) -> None:
        """Read the kept commitments; an unreadable store is logged and starts empty."""
        stored = await self._store.async_load()
        if not stored:
            return
        try:
            items = tuple(_from_dict(item) for item in stored["commitments"])
        except (KeyError, TypeError, ValueError) as err:
            LOGGER.warning("The stored reserve commitments are unreadable: %s", err)
            return
        now = dt_util.utcnow()
        self._items = tuple(item for item in items if item[0].end > now)

    async def async_commit(
        self,
        commitments: Iterable[ReserveCommitment],
        *,
        source: str = SOURCE_AGGREGATOR,
    ) -> None:
        """Add accepted bids; they hold until they end (a bid for the same hour replaces it)."""
        added = tuple((c, source) for c in commitments)
        replaced = {(c.device_id, c.product, c.start) for c, _ in added}
        kept = tuple(
            item
            for item in self._items
            if (item[0].device_id, item[0].product, item[0].start) not in replaced
        )
        now = dt_util.utcnow()
        self._items = tuple(item for item in (*kept, *added) if item[0].end > now)
        await self._store.async_save(
            {"commitments": [_to_dict(c, s) for c, s in self._items]}
        )
        for listener in list(self._listeners):
            listener()

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` after every change; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)
