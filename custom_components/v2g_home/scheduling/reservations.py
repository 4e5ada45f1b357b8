"""The site's reserve commitments: which device holds how many kW of which product, and when.

This book is the interface between whoever sells a reserve and whoever delivers it:
- Filled by: the aggregator's `commit_reserve` (accepted bids, source "commit_reserve"; a bid for the
  same device, product and start replaces the earlier one), and the `set_reserved_power` action
  (source "manual", `async_replace`), so one writer never cuts what another committed.
- Held by every plan as hard headroom (`planner_commitments`), with reserves on.
- Read by: the fast frequency response (grid/), every tick: `reserved(device_id, now)` is the kW per
  product the device must deliver now, `devices(now)` the devices holding one.
- Before committing, a seller checks that the device can deliver the product at its speed:
  `FrequencyResponder.offers(device_id)` (grid/responder.py) says which products it can offer and why
  not; the manual action refuses the others.
- Kept in .storage across restarts; commitments that have ended are dropped when the book changes and
  when it loads. Listeners (`async_add_listener`) hear of every change. Powers are kW magnitudes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..control.reserve import (
    Commitment,
    ReservedPower,
    ReserveProduct,
    reserved_now,
)
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


def _to_dict(commitment: Commitment) -> dict[str, Any]:
    return {
        "device_id": commitment.device_id,
        "product": commitment.product.value,
        "kw": commitment.kw,
        "start": commitment.start.isoformat(),
        "end": commitment.end.isoformat(),
        "source": commitment.source,
    }


def _from_dict(data: dict[str, Any]) -> Commitment:
    start = dt_util.parse_datetime(str(data["start"]))
    end = dt_util.parse_datetime(str(data["end"]))
    if start is None or end is None:
        raise ValueError("a commitment needs its start and end")
    return Commitment(
        device_id=str(data["device_id"]),
        product=ReserveProduct(data["product"]),
        kw=float(data["kw"]),
        start=start,
        end=end,
        source=str(data.get("source", "manual")),
    )


class ReservationBook:
    """Commitments per device and product, in .storage; listeners hear of every change."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Empty until async_load."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, reservations_store_key(entry_id)
        )
        self._commitments: tuple[Commitment, ...] = ()
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """Every commitment that has not ended (in force now or later)."""
        return self._commitments

    def reserved(self, device_id: str, now: datetime) -> ReservedPower:
        """What the device holds at `now`, per product (the fast response's question)."""
        return reserved_now(self._commitments, device_id, now)

    def held(self, device_id: str, product: str, now: datetime) -> float:
        """KW of one product (a planner key) the device has committed at `now`."""
        return sum(
            c.kw
            for c in self._commitments
            if c.device_id == device_id and c.product == product and c.active(now)
        )

    def planner_commitments(self) -> tuple[ReserveCommitment, ...]:
        """The commitments as the planner holds them (hard headroom in every plan)."""
        return tuple(
            ReserveCommitment(
                device_id=c.device_id,
                product=c.product.value,
                start=c.start,
                end=c.end,
                kw=c.kw,
            )
            for c in self._commitments
        )

    def devices(self, now: datetime) -> set[str]:
        """The devices holding a reserve at `now`."""
        return {c.device_id for c in self._commitments if c.active(now)}

    def next_start(self, now: datetime) -> datetime | None:
        """When the next commitment that has not started yet begins."""
        starts = [c.start for c in self._commitments if c.start > now]
        return min(starts, default=None)

    async def async_load(self) -> None:
        """Read the kept commitments; an unreadable one is logged and left out, the others kept."""
        stored = await self._store.async_load()
        kept: list[Commitment] = []
        for item in (stored or {}).get("commitments", []):
            try:
                kept.append(_from_dict(item))
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning("A stored reserve commitment is unreadable: %s", err)
        self._commitments = self._current(kept, dt_util.utcnow())

    @staticmethod
    def _current(
        commitments: Iterable[Commitment], now: datetime
    ) -> tuple[Commitment, ...]:
        return tuple(c for c in commitments if c.end > now)

    async def async_commit(self, commitments: Iterable[Commitment]) -> None:
        """Add commitments (accepted bids); they hold until they end.

        A bid for the same device, product, start and source replaces the earlier one (an
        aggregator that corrects an hour sends it again).
        """
        added = tuple(commitments)
        replaced = {(c.device_id, c.product, c.start, c.source) for c in added}
        kept = (
            c
            for c in self._commitments
            if (c.device_id, c.product, c.start, c.source) not in replaced
        )
        await self._async_set(self._current((*kept, *added), dt_util.utcnow()))

    async def async_replace(
        self,
        commitments: Iterable[Commitment],
        *,
        source: str,
        device_id: str | None = None,
        from_time: datetime,
    ) -> None:
        """Replace what `source` committed (for one device, or all) from `from_time` on, in one change.

        A re-plan passes its new commitments with its own source; a commitment under way at
        `from_time` keeps its part before it (an hour already sold is not taken back).
        """
        kept = _cut(self._commitments, device_id, source, from_time)
        await self._async_set(self._current((*kept, *commitments), dt_util.utcnow()))

    async def async_clear(
        self,
        *,
        device_id: str | None = None,
        source: str | None = None,
        from_time: datetime | None = None,
    ) -> None:
        """Drop the commitments of a device and/or a source; from `from_time` on when given.

        A commitment under way when cut at `from_time` keeps its part before it.
        """
        kept = _cut(self._commitments, device_id, source, from_time)
        await self._async_set(self._current(kept, dt_util.utcnow()))

    async def _async_set(self, commitments: tuple[Commitment, ...]) -> None:
        self._commitments = commitments
        await self._store.async_save(
            {"commitments": [_to_dict(c) for c in commitments]}
        )
        for listener in list(self._listeners):
            listener()

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` after every change; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def async_remove(self) -> None:
        """Delete the kept commitments (the site is being deleted)."""
        await self._store.async_remove()


def _cut(
    commitments: Iterable[Commitment],
    device_id: str | None,
    source: str | None,
    from_time: datetime | None,
) -> list[Commitment]:
    """The commitments without those of the device and source (None: any) from `from_time` on."""
    kept: list[Commitment] = []
    for c in commitments:
        matches = (device_id is None or c.device_id == device_id) and (
            source is None or c.source == source
        )
        if not matches:
            kept.append(c)
        elif from_time is not None and c.start < from_time:
            kept.append(_until(c, from_time))
    return kept


def _until(commitment: Commitment, end: datetime) -> Commitment:
    return Commitment(
        device_id=commitment.device_id,
        product=commitment.product,
        kw=commitment.kw,
        start=commitment.start,
        end=min(commitment.end, end),
        source=commitment.source,
    )
