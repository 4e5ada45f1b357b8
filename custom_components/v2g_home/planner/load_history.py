"""Hourly house load from raw meter readings (for sensors without long-term statistics).

A power reading holds until the next one (an unreadable value, NaN, ends it), so an hour's average is the
time-weighted mean of the readings covering it (only the covered part counts). An energy meter's hour is the difference of its values at the
hour's two ends; an hour in which the meter went backwards (a reset or a replaced meter) is left out.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
import math
from typing import TYPE_CHECKING

from .load_forecast import LoadSample

if TYPE_CHECKING:
    from collections.abc import Sequence

HOUR = timedelta(hours=1)

type Reading = tuple[
    datetime, float
]  # (UTC time the value was read, value in kW or kWh)


def _hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _finite(readings: Sequence[Reading]) -> list[Reading]:
    return sorted(
        (reading for reading in readings if math.isfinite(reading[1])),
        key=lambda reading: reading[0],
    )


def hourly_from_power(readings: Sequence[Reading], end: datetime) -> list[LoadSample]:
    """Time-weighted hourly means (kW) of power readings, up to `end` (exclusive)."""
    ordered = sorted(readings, key=lambda reading: reading[0])
    weighted: dict[datetime, float] = {}
    covered: dict[datetime, float] = {}
    for index, (start, power_kw) in enumerate(ordered):
        if not math.isfinite(power_kw):
            continue
        stop = ordered[index + 1][0] if index + 1 < len(ordered) else end
        moment = start
        while moment < min(stop, end):
            hour = _hour_of(moment)
            piece_end = min(stop, end, hour + HOUR)
            seconds = (piece_end - moment).total_seconds()
            weighted[hour] = weighted.get(hour, 0.0) + power_kw * seconds
            covered[hour] = covered.get(hour, 0.0) + seconds
            moment = piece_end
    return [
        LoadSample(start=hour, power_kw=weighted[hour] / covered[hour])
        for hour in sorted(covered)
        if covered[hour] > 0
    ]


def hourly_from_energy(readings: Sequence[Reading], end: datetime) -> list[LoadSample]:
    """Hourly energy (kWh, i.e. average kW) from a meter's readings, for whole hours up to `end`."""
    ordered = _finite(readings)
    if not ordered:
        return []
    times = [moment for moment, _ in ordered]

    def value_at(moment: datetime) -> float | None:
        index = bisect_right(times, moment) - 1
        return ordered[index][1] if index >= 0 else None

    samples = []
    hour = _hour_of(ordered[0][0])
    while hour + HOUR <= end:
        before, after = value_at(hour), value_at(hour + HOUR)
        if before is not None and after is not None and after >= before:
            samples.append(LoadSample(start=hour, power_kw=after - before))
        hour += HOUR
    return samples
