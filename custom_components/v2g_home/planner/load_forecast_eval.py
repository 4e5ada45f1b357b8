"""Day-ahead evaluation of house load forecasts on recorded hourly load, against naive forecasts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import fmean

from .load_forecast import DANISH_TIME, LoadSample, forecast_load_kw

HOUR = timedelta(hours=1)
HISTORY = timedelta(weeks=6)

type ForecastMethod = Callable[[Sequence[LoadSample], Sequence[datetime]], list[float]]


@dataclass(frozen=True, kw_only=True)
class ForecastError:
    """How far one method's day-ahead forecasts were off."""

    hourly_mae_kw: float  # mean absolute error of the hourly average power
    daily_mae_kwh: float  # mean absolute error of each day's energy
    days: int


def lagged(lag: timedelta) -> ForecastMethod:
    """The naive forecast: what the house drew `lag` earlier (the history's mean where unknown)."""

    def method(history: Sequence[LoadSample], slots: Sequence[datetime]) -> list[float]:
        by_start = {sample.start: sample.power_kw for sample in history}
        fallback = fmean(by_start.values()) if by_start else 0.0
        return [by_start.get(slot - lag, fallback) for slot in slots]

    return method


def _weekday_only(
    history: Sequence[LoadSample], slots: Sequence[datetime]
) -> list[float]:
    return forecast_load_kw(history, slots, recent_days=0)


METHODS: dict[str, ForecastMethod] = {
    "ours (weekday + recent)": forecast_load_kw,
    "same weekday only": _weekday_only,
    "same hour yesterday": lagged(timedelta(days=1)),
    "same hour last week": lagged(timedelta(days=7)),
}


def day_ahead_errors(
    samples: Sequence[LoadSample],
    methods: dict[str, ForecastMethod] | None = None,
    *,
    warmup: timedelta = timedelta(days=28),
) -> dict[str, ForecastError]:
    """Forecast each whole Danish day after `warmup` at its midnight from the 6 weeks before it.

    `samples` are hourly and in time order; days without any recorded hour are skipped.
    """
    methods = METHODS if methods is None else methods
    actual = {sample.start: sample.power_kw for sample in samples}
    hourly: dict[str, list[float]] = {name: [] for name in methods}
    daily: dict[str, list[float]] = {name: [] for name in methods}
    day = (
        (samples[0].start + warmup)
        .astimezone(DANISH_TIME)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    while (day + timedelta(days=1)).astimezone(UTC) <= samples[-1].start + HOUR:
        start = day.astimezone(UTC)
        # Wall-clock arithmetic: a Danish day is 23 or 25 hours across a DST change.
        end = (day + timedelta(days=1)).astimezone(UTC)
        day += timedelta(days=1)
        slots = [start + HOUR * index for index in range(round((end - start) / HOUR))]
        known = [slot for slot in slots if slot in actual]
        if not known:
            continue
        history = [s for s in samples if start - HISTORY <= s.start < start]
        for name, method in methods.items():
            forecast = dict(zip(slots, method(history, slots), strict=True))
            errors = [forecast[slot] - actual[slot] for slot in known]
            hourly[name].extend(abs(error) for error in errors)
            daily[name].append(abs(sum(errors)))
    return {
        name: ForecastError(
            hourly_mae_kw=fmean(hourly[name]),
            daily_mae_kwh=fmean(daily[name]),
            days=len(daily[name]),
        )
        for name in methods
    }
