"""Day-ahead house load forecast error on a year of hourly household load, against naive forecasts.

Usage: .venv/bin/python -m benchmarks.load_forecast [CSV]   (default: ../shared/data/load/de_konstanz_residential4_2016_hourly_kwh.csv)

Every local midnight from the 29th day on, each method forecasts the next 24 hours from the 6 weeks
before it; the script prints mean absolute error (kW) and the error in total daily energy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
import sys

from custom_components.v2g_home.planner.load_forecast import (
    DANISH_TIME,
    LoadSample,
    forecast_load_kw,
)

DEFAULT_CSV = (
    Path(__file__).parent.parent.parent
    / "shared/data/load/de_konstanz_residential4_2016_hourly_kwh.csv"
)
HOUR = timedelta(hours=1)
HISTORY = timedelta(weeks=6)

type Method = Callable[[Sequence[LoadSample], Sequence[datetime]], list[float]]


def read_samples(path: Path) -> list[LoadSample]:
    """Hourly household load (kWh per hour = average kW); missing hours are skipped."""
    with path.open(encoding="utf-8") as file:
        return [
            LoadSample(
                start=datetime.fromisoformat(row["utc_timestamp"]).astimezone(UTC),
                power_kw=float(row["household_load_kwh"]),
            )
            for row in csv.DictReader(file)
            if row["household_load_kwh"]
        ]


def _lagged(lag: timedelta) -> Method:
    def method(history: Sequence[LoadSample], slots: Sequence[datetime]) -> list[float]:
        by_start = {sample.start: sample.power_kw for sample in history}
        fallback = sum(by_start.values()) / len(by_start)
        return [by_start.get(slot - lag, fallback) for slot in slots]

    return method


def _weekday_only(
    history: Sequence[LoadSample], slots: Sequence[datetime]
) -> list[float]:
    return forecast_load_kw(history, slots, recent_days=0)


METHODS: dict[str, Method] = {
    "ours (weekday + recent)": forecast_load_kw,
    "same weekday only": _weekday_only,
    "same hour yesterday": _lagged(timedelta(days=1)),
    "same hour last week": _lagged(timedelta(days=7)),
}


def evaluate(samples: Sequence[LoadSample]) -> dict[str, tuple[float, float]]:
    """Mean absolute hourly error (kW) and mean absolute daily energy error (kWh) per method."""
    actual = {sample.start: sample.power_kw for sample in samples}
    first, last = samples[0].start, samples[-1].start
    day = (
        (first + timedelta(days=29))
        .astimezone(DANISH_TIME)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    hourly: dict[str, list[float]] = {name: [] for name in METHODS}
    daily: dict[str, list[float]] = {name: [] for name in METHODS}
    while day.astimezone(UTC) + timedelta(days=1) <= last:
        start = day.astimezone(UTC)
        # Wall-clock arithmetic: a local day is 23 or 25 hours across a DST change.
        end = (day + timedelta(days=1)).astimezone(UTC)
        slots = [start + HOUR * i for i in range(int((end - start) / HOUR))]
        history = [s for s in samples if start - HISTORY <= s.start < start]
        known = [slot for slot in slots if slot in actual]
        for name, method in METHODS.items():
            forecast = dict(zip(slots, method(history, slots), strict=True))
            errors = [forecast[slot] - actual[slot] for slot in known]
            hourly[name].extend(abs(error) for error in errors)
            daily[name].append(abs(sum(errors)))
        day += timedelta(days=1)
    return {
        name: (
            sum(hourly[name]) / len(hourly[name]),
            sum(daily[name]) / len(daily[name]),
        )
        for name in METHODS
    }


def main() -> None:
    """Print the error of each method."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    samples = read_samples(path)
    mean_kw = sum(sample.power_kw for sample in samples) / len(samples)
    print(f"{path.name}: {len(samples)} hours, mean load {mean_kw:.3f} kW")
    print(f"{'method':<24} {'MAE kW':>8} {'daily kWh MAE':>14}")
    for name, (hourly_mae, daily_mae) in evaluate(samples).items():
        print(f"{name:<24} {hourly_mae:8.3f} {daily_mae:14.2f}")


if __name__ == "__main__":
    main()
