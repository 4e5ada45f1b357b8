"""Time the planner against scipy-HiGHS on the same LP: 48 h at 15 min (Leaf + 2 packs), a year hourly.

Run: .venv/bin/python -m benchmarks.plan [--repeat N]
Prices: the shipped DK1 fixture days for 48 h; for the year, ../shared/data/prices (Energi Data
Service, Energinet) when present, else the fixture days repeated.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
import statistics
import time

from custom_components.v2g_home.planner.model import PlanningProblem, Site, Slot
from custom_components.v2g_home.planner.optimise import plan
from tests.planner.lp_reference import solve_lp
from tests.planner.scenarios import dk1_days, leaf, pack, slots_for

SHARED_PRICES = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "prices"
    / "elspotprices_dk1_2022-10_2025-09.csv"
)


def two_days_quarter_hourly() -> PlanningProblem:
    """48 h of 15-minute slots (hourly DK1 prices on their quarters), a house load, Leaf + 2 packs."""
    days = dk1_days()
    hours = days["2024-11-05"] + days["2024-11-06"]
    return PlanningProblem(
        slots=slots_for(hours, with_load=True, quarter_hours=True),
        devices=(leaf(), pack("pack_a"), pack("pack_b", capacity_kwh=5.0)),
        site=Site(import_limit_kw=17.0, export_limit_kw=10.0),
    )


def _year_hours() -> list[tuple[datetime, float]]:
    if SHARED_PRICES.exists():
        rows = SHARED_PRICES.read_text(encoding="utf-8").splitlines()[1:]
        hours = []
        for row in rows:
            hour_utc, _, _, dkk, _ = row.split(";")
            start = datetime.fromisoformat(hour_utc).replace(tzinfo=UTC)
            if start.year == 2024:
                hours.append((start, float(dkk.replace(",", ".")) / 1000))
        return sorted(hours)[:8760]
    prices = [p for day in dk1_days().values() for _, p in day]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [(start + timedelta(hours=i), prices[i % len(prices)]) for i in range(8760)]


def year_hourly() -> PlanningProblem:
    """A year of hourly prices at once, one Leaf, Danish import charges."""
    slots: tuple[Slot, ...] = slots_for(_year_hours())
    return PlanningProblem(slots=slots, devices=(leaf(),))


def _side_by_side(
    problem: PlanningProblem, repeat: int
) -> tuple[list[float], list[float]]:
    """Milliseconds for plan() and for HiGHS on the same LP, alternating so load hits both alike."""
    ours, highs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        plan(problem)
        ours.append((time.perf_counter() - started) * 1000)
        highs.append(solve_lp(problem).solve_seconds * 1000)
    return ours, highs


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    problem = two_days_quarter_hourly()
    ours, highs = _side_by_side(problem, args.repeat)
    result = plan(problem)
    reference = solve_lp(problem).objective
    print(f"48 h at 15 min, Leaf + 2 packs ({len(problem.slots)} slots)")
    print(
        f"  plan():      median {statistics.median(ours):7.1f} ms   p95 {_p95(ours):7.1f} ms"
    )
    print(
        f"  HiGHS (LP):  median {statistics.median(highs):7.1f} ms   p95 {_p95(highs):7.1f} ms"
    )
    print(
        f"  ratio plan/HiGHS (medians): {statistics.median(ours) / statistics.median(highs):.2f}"
    )
    print(f"  objective {result.relaxed_objective:.6f} vs HiGHS {reference:.6f}")

    year = year_hourly()
    repeat = max(3, args.repeat // 10)
    ours_year, highs_year = _side_by_side(year, repeat)
    print(f"A year hourly, one Leaf ({len(year.slots)} slots)")
    print(f"  plan():      median {statistics.median(ours_year):7.1f} ms")
    print(f"  HiGHS (LP):  median {statistics.median(highs_year):7.1f} ms")
    print(
        f"  ratio plan/HiGHS: {statistics.median(ours_year) / statistics.median(highs_year):.2f}"
    )


if __name__ == "__main__":
    main()
