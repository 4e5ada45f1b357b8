"""Prices expected for the day after the known ones, so a plan can look past what is published.

The spot price of each expected slot comes from the known spot prices (planner.expected: the same
Danish local hour, latest day blended with the median of the days known); the tariffs then make it
a buy and a sell price, as for a published slot. Plans use them only to look ahead: no device is
ever driven on an expected price.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..planner.expected import LOOKAHEAD, expected_prices
from .combine import TariffSettings, apply_tariffs
from .models import PriceSeries, PriceSlot

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import timedelta

    from .models import BuyAndSell


def expected_after(
    known: Sequence[BuyAndSell],
    tariffs: TariffSettings,
    currency: str,
    ahead: timedelta = LOOKAHEAD,
) -> tuple[BuyAndSell, ...]:
    """Slots for `ahead` after the last known one, in its slot length, at expected prices (none if none known)."""
    if not known:
        return ()
    last = known[-1]
    starts = []
    moment = last.end
    while moment < last.end + ahead:
        starts.append(moment)
        moment += last.duration
    spots = expected_prices([(s.start, s.spot_per_kwh) for s in known], starts)
    series = PriceSeries(
        currency=currency,
        source="expected",
        slots=tuple(
            PriceSlot(start=start, duration=last.duration, price_per_kwh=spot)
            for start, spot in zip(starts, spots, strict=True)
        ),
    )
    return apply_tariffs(series, tariffs)
