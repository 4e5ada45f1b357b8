"""Turn raw (start, end, price) points from any source into one clean PriceSeries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import itertools
import math
from typing import TYPE_CHECKING

from .models import PriceSeries, PriceSlot

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_SLOT = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class RawPoint:
    """One price as a source gave it, already in UTC and per kWh; end may be unknown."""

    start: datetime
    price_per_kwh: float | None
    end: datetime | None = None


def _typical_step(starts: list[datetime]) -> timedelta:
    gaps = [
        later - earlier
        for earlier, later in itertools.pairwise(starts)
        if later > earlier
    ]
    return min(gaps) if gaps else DEFAULT_SLOT


def build_series(
    points: Iterable[RawPoint], *, currency: str, source: str
) -> PriceSeries:
    """Sort, drop unknown prices, keep the last of duplicated starts, infer durations, cut overlaps."""
    by_start: dict[datetime, RawPoint] = {}
    for point in points:
        start = point.start.astimezone(UTC)
        by_start[start] = RawPoint(
            start=start,
            price_per_kwh=point.price_per_kwh,
            end=point.end.astimezone(UTC) if point.end else None,
        )
    starts = sorted(by_start)
    step = _typical_step(starts)
    slots: list[PriceSlot] = []
    for index, start in enumerate(starts):
        point = by_start[start]
        price = point.price_per_kwh
        if price is None or not math.isfinite(price):
            continue
        end = point.end if point.end is not None and point.end > start else start + step
        if index + 1 < len(starts):
            end = min(end, starts[index + 1])
        slots.append(PriceSlot(start=start, duration=end - start, price_per_kwh=price))
    return PriceSeries(currency=currency, source=source, slots=tuple(slots))


def merge_series(first: PriceSeries, second: PriceSeries) -> PriceSeries:
    """Join two series of one currency; where both have a slot start, the second wins."""
    if first.currency != second.currency:
        msg = f"cannot merge {first.currency} with {second.currency} prices"
        raise ValueError(msg)
    points = [
        RawPoint(start=s.start, end=s.end, price_per_kwh=s.price_per_kwh)
        for s in (*first.slots, *second.slots)
    ]
    return build_series(points, currency=second.currency, source=second.source)
