"""Day-ahead house load forecast error on a year of hourly household load, against naive forecasts.

Usage: .venv/bin/python -m benchmarks.load_forecast [CSV]
(default: ../shared/data/load/de_konstanz_residential4_2016_hourly_kwh.csv, Open Power System Data)

Every Danish midnight from the 29th day on, each method forecasts the next day from the 6 weeks
before it; the script prints the mean absolute hourly error (kW) and daily energy error (kWh).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
import sys

from custom_components.v2g_home.planner.load_forecast import LoadSample
from custom_components.v2g_home.planner.load_forecast_eval import day_ahead_errors

DEFAULT_CSV = (
    Path(__file__).parent.parent.parent
    / "shared/data/load/de_konstanz_residential4_2016_hourly_kwh.csv"
)


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


def main() -> None:
    """Print the error of each method."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    samples = read_samples(path)
    mean_kw = sum(sample.power_kw for sample in samples) / len(samples)
    errors = day_ahead_errors(samples)
    days = next(iter(errors.values())).days
    print(
        f"{path.name}: {len(samples)} hours, mean load {mean_kw:.3f} kW, {days} days forecast"
    )
    print(f"{'method':<24} {'MAE kW':>8} {'daily kWh MAE':>14}")
    for name, error in errors.items():
        print(f"{name:<24} {error.hourly_mae_kw:8.3f} {error.daily_mae_kwh:14.2f}")


if __name__ == "__main__":
    main()
