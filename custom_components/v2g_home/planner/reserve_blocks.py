"""Bid blocks: the whole hours (or 4-hour blocks, Danish time) a reserve is sold in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np

from .array_types import BoolArray, FloatArray, IntArray
from .expected import DANISH_TIME

if TYPE_CHECKING:
    from .reserve_products import ReserveProduct
    from .slot import Slot


@dataclass(frozen=True, kw_only=True)
class Blocks:
    """Which bid block each slot lies in (numbered in time order), and each block's span (UTC)."""

    number: IntArray  # per slot
    linked: BoolArray  # per slot: same block as the slot before (and right after it)
    spans: tuple[tuple[datetime, datetime], ...]


def block_span(product: ReserveProduct, moment: datetime) -> tuple[datetime, datetime]:
    """The bid block of a product containing `moment` (UTC start, UTC end).

    Hourly products use the hour; longer blocks start at Danish midnight, so on the days the clocks
    change the first block is an hour shorter or longer.
    """
    if product.block_hours == 1:
        start = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=1)
    local = moment.astimezone(DANISH_TIME)
    first = local.hour // product.block_hours * product.block_hours
    day = local.date()
    start = datetime.combine(day, time(first), tzinfo=DANISH_TIME)
    following = first + product.block_hours
    if following >= 24:
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=DANISH_TIME)
    else:
        end = datetime.combine(day, time(following), tzinfo=DANISH_TIME)
    return start.astimezone(UTC), end.astimezone(UTC)


def blocks_of(
    product: ReserveProduct,
    slots: tuple[Slot, ...],
    edges: tuple[FloatArray, FloatArray],
) -> Blocks:
    """The blocks of a product over the slots (`edges`: their start and end timestamps)."""
    if product.block_hours == 1:
        return _hourly_blocks(edges)
    spans: list[tuple[datetime, datetime]] = []
    number = np.full(len(slots), -1, dtype=int)
    linked = np.zeros(len(slots), dtype=bool)
    for t, slot in enumerate(slots):
        span = block_span(product, slot.start)
        if slot.end > span[1]:
            continue  # a slot across two blocks belongs to neither
        if spans and spans[-1] == span:
            linked[t] = (
                number[t - 1] == len(spans) - 1 and slots[t - 1].end == slot.start
            )
        else:
            spans.append(span)
        number[t] = len(spans) - 1
    return Blocks(number=number, linked=linked, spans=tuple(spans))


def _hourly_blocks(edges: tuple[FloatArray, FloatArray]) -> Blocks:
    """The blocks of an hourly product (as `blocks_of`, on timestamps: a plan re-made often)."""
    starts, ends = edges
    hours = np.floor(starts / 3600.0) * 3600.0
    kept = np.flatnonzero(ends <= hours + 3600.0)
    new = np.ones(kept.size, dtype=bool)
    new[1:] = hours[kept[1:]] != hours[kept[:-1]]
    number = np.full(starts.size, -1, dtype=int)
    number[kept] = np.cumsum(new) - 1
    linked = np.zeros(starts.size, dtype=bool)
    follows = kept[~new]
    linked[follows] = (number[follows - 1] == number[follows]) & (
        ends[follows - 1] == starts[follows]
    )
    spans = tuple(
        (start, start + timedelta(hours=1))
        for start in (datetime.fromtimestamp(h, UTC) for h in hours[kept[new]].tolist())
    )
    return Blocks(number=number, linked=linked, spans=spans)
