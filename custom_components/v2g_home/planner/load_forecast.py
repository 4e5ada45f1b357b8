"""House load forecast from recorded history: same weekday and hour over recent weeks, with fallbacks.

Samples (UTC start, kW) are first averaged into local hours (Europe/Copenhagen), so that an evening
peak stays at 18:00 across a daylight-saving change and finer samples count once per hour. A slot is
forecast by its local date and hour, in this order:

1. when at least `min_weekday_matches` of the most recent `weeks` same weekdays have data for that
   hour: the mean of two medians, the same weekday and hour over those weeks (the weekly rhythm) and
   the same hour over the last `recent_days` days with data (the current level, e.g. heating season);
2. else the median of the same hour over the last `recent_days` days with data;
3. else the mean of all hours in the history;
4. else 0 (no history at all).

On a year of real household load the blend in step 1 beats both halves alone and the naive
"same hour yesterday" (docs/house-load.md, benchmarks/load_forecast.py).

Only history from days before the slot's local day is used, so a forecast never peeks at its own day.
The forecast is never negative: a meter that dips below zero does not make the home a producer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
import math
from statistics import fmean, median
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
DEFAULT_WEEKS = 4
DEFAULT_MIN_WEEKDAY_MATCHES = 2
DEFAULT_RECENT_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class LoadSample:
    """The house's average power over an interval starting at `start` (timezone-aware UTC)."""

    start: datetime
    power_kw: float


@dataclass(frozen=True, kw_only=True)
class LocalHour:
    """One hour of a local (Danish) day."""

    day: date
    hour: int


def _local_hour(moment: datetime, zone: ZoneInfo) -> LocalHour:
    local = moment.astimezone(zone)
    return LocalHour(day=local.date(), hour=local.hour)


def hourly_means(
    samples: Iterable[LoadSample], zone: ZoneInfo = DANISH_TIME
) -> dict[LocalHour, float]:
    """Average the finite samples into local hours (both 02:00 hours of an autumn night become one)."""
    buckets: dict[LocalHour, list[float]] = defaultdict(list)
    for sample in samples:
        if math.isfinite(sample.power_kw):
            buckets[_local_hour(sample.start, zone)].append(sample.power_kw)
    return {key: fmean(values) for key, values in buckets.items()}


class LoadForecaster:
    """Forecasts kW per slot from one body of history (build once, ask for many slots)."""

    def __init__(
        self,
        samples: Iterable[LoadSample],
        *,
        weeks: int = DEFAULT_WEEKS,
        min_weekday_matches: int = DEFAULT_MIN_WEEKDAY_MATCHES,
        recent_days: int = DEFAULT_RECENT_DAYS,
        zone: ZoneInfo = DANISH_TIME,
    ) -> None:
        """Index the history by local hour of day."""
        self._weeks = weeks
        self._recent_days = recent_days
        self._min_weekday_matches = min_weekday_matches
        self._zone = zone
        means = hourly_means(samples, zone)
        self._by_hour: dict[int, list[tuple[date, float]]] = defaultdict(list)
        for key in sorted(means, key=lambda key: (key.day, key.hour)):
            self._by_hour[key.hour].append((key.day, means[key]))
        self._overall_kw = fmean(means.values()) if means else 0.0

    def power_kw(self, slot_start: datetime) -> float:
        """The forecast average power (kW, >= 0) of the house in the slot starting at `slot_start`."""
        slot = _local_hour(slot_start, self._zone)
        earlier = [
            (day, value) for day, value in self._by_hour[slot.hour] if day < slot.day
        ]
        same_weekday = [
            value for day, value in earlier if day.weekday() == slot.day.weekday()
        ][-self._weeks :]
        recent = [
            value for _, value in earlier[max(0, len(earlier) - self._recent_days) :]
        ]
        if len(same_weekday) >= self._min_weekday_matches:
            estimate = fmean(
                [median(same_weekday), *([median(recent)] if recent else [])]
            )
        elif recent:
            estimate = median(recent)
        else:
            estimate = self._overall_kw
        return max(0.0, estimate)


def forecast_load_kw(
    samples: Iterable[LoadSample],
    slot_starts: Sequence[datetime],
    *,
    weeks: int = DEFAULT_WEEKS,
    min_weekday_matches: int = DEFAULT_MIN_WEEKDAY_MATCHES,
    recent_days: int = DEFAULT_RECENT_DAYS,
    zone: ZoneInfo = DANISH_TIME,
) -> list[float]:
    """Forecast the house's average power (kW) for each slot start; see the module docstring."""
    forecaster = LoadForecaster(
        samples,
        weeks=weeks,
        min_weekday_matches=min_weekday_matches,
        recent_days=recent_days,
        zone=zone,
    )
    return [forecaster.power_kw(start) for start in slot_starts]
