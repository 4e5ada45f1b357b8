"""The price a reserve bid is made on: the auction's result where known, else a same-hour median.

The D-1 reserve auctions close before the day's spot prices (and their own results) are known, so a
bid for tomorrow rests on a forecast: per Danish hour of the day, the median of that hour's price
over the last days whose results are known. Once an auction's result is out, its price replaces the
forecast (and what was accepted is held as a commitment).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Final

from .reserves import DANISH

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

RECENT_DAYS: Final = 7


def same_hour_median(
    history: Mapping[datetime, float],
    hours: Iterable[datetime],
    *,
    days: int = RECENT_DAYS,
) -> dict[datetime, float]:
    """Per hour (UTC start), the median of the same Danish hour of day over the last `days` days.

    The days count back from the latest known hour; an hour of day without history (the hour the
    clocks skip) takes the median of every known hour. No history gives no forecast.
    """
    if not history:
        return {}
    latest = max(history)
    since = latest - timedelta(days=days)
    by_hour: dict[int, list[float]] = defaultdict(list)
    recent = [price for hour, price in history.items() if hour > since]
    for hour, price in history.items():
        if hour > since:
            by_hour[hour.astimezone(DANISH).hour].append(price)
    overall = median(recent)
    typical = {hour: median(values) for hour, values in by_hour.items()}
    return {hour: typical.get(hour.astimezone(DANISH).hour, overall) for hour in hours}


def bid_prices(
    results: Mapping[str, Mapping[datetime, float]],
    hours: Iterable[datetime],
    *,
    known_until: datetime,
    days: int = RECENT_DAYS,
) -> dict[str, dict[datetime, float]]:
    """Per product, the price of each hour: the result before `known_until`, a forecast after.

    The forecast uses only results before `known_until` (what the bidder could have known).
    """
    wanted = sorted(set(hours))
    prices: dict[str, dict[datetime, float]] = {}
    for key, known in results.items():
        past = {hour: price for hour, price in known.items() if hour < known_until}
        later = [hour for hour in wanted if hour >= known_until]
        forecast = same_hour_median(past, later, days=days)
        prices[key] = {
            **{hour: past[hour] for hour in wanted if hour in past},
            **forecast,
        }
    return prices
