"""How well the learned lookahead's prices forecast the day after tomorrow, against simpler forecasts.

Run: .venv/bin/python -m benchmarks.expected_prices [DKK|EUR]
Prices: ../shared/data/prices (DK1 hourly 2022-10..2025-09, Energi Data Service, Energinet).

At 13:00 on day D the prices are known to the end of D+1; each method forecasts every hour of D+2
(Danish local hours) from the known days and the script prints the mean absolute error per kWh.
"expected_prices" is what the planner's lookahead uses (planner/expected.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
import statistics
import sys

from custom_components.v2g_home.planner.expected import DANISH_TIME, expected_prices
from custom_components.v2g_home.planner.price_files import load_price_file

from .rolling_cases import DK1_HOURLY, require_shared_data


def main() -> None:
    """Print the errors."""
    require_shared_data()
    currency = sys.argv[1] if len(sys.argv) > 1 else "DKK"
    prices = load_price_file(
        DK1_HOURLY,
        currency=currency,
        start=date(2022, 10, 1),
        end=date(2025, 9, 30),
    )
    by_day: dict[date, list[tuple[datetime, float]]] = {}
    for slot in prices.slots:
        day = slot.start.astimezone(DANISH_TIME).date()
        by_day.setdefault(day, []).append((slot.start, slot.price_per_kwh))
    days = sorted(by_day)
    methods = {
        "expected_prices (14-day median + latest day, half each)": lambda h, s: (
            expected_prices(h, s)
        ),
        "latest known day": lambda h, s: expected_prices(h, s, latest_weight=1.0),
        "median of 14 days": lambda h, s: expected_prices(h, s, latest_weight=0.0),
        "median of 28 days": lambda h, s: expected_prices(
            h, s, days=28, latest_weight=0.0
        ),
    }
    errors: dict[str, list[float]] = {name: [] for name in methods}
    for index in range(30, len(days) - 2):
        history = [
            point
            for day in days[index - 28 : index + 2]  # up to the end of D+1
            for point in by_day[day]
        ]
        target = by_day[days[index + 2]]
        if days[index + 2] - days[index] != timedelta(days=2):
            continue
        starts = [start for start, _ in target]
        for name, method in methods.items():
            forecast = method(history, starts)
            errors[name].extend(
                abs(f - p) for f, (_, p) in zip(forecast, target, strict=True)
            )
    print(
        f"Day-after-tomorrow forecast, DK1 hourly, {currency} per kWh, mean absolute error:"
    )
    for name, values in sorted(errors.items(), key=lambda kv: statistics.fmean(kv[1])):
        print(f"  {statistics.fmean(values):.4f}  {name}  ({len(values)} hours)")


if __name__ == "__main__":
    main()
