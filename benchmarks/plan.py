"""Time the planner against scipy-HiGHS on the same LP: 48 h at 15 min with 1 to 3 devices, a year hourly.

Run: .venv/bin/python -m benchmarks.plan [--repeat N]
Prices: the shipped DK1 fixture days for 48 h; for the year, ../shared/data/prices (Energi Data
Service, Energinet) when present, else the fixture days repeated.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
import statistics
import time

from custom_components.v2g_home.planner.model import PlanningProblem, Site, Slot
from custom_components.v2g_home.planner.optimise import plan
from tests.planner.lp_reference import solve_lp
from tests.planner.scenarios import dk1_days, leaf, pack, problem_for, slots_for

SHARED_PRICES = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "prices"
    / "elspotprices_dk1_2022-10_2025-09.csv"
)


FLEET = (leaf(), pack("pack_a"), pack("pack_b", capacity_kwh=5.0))


def two_days_quarter_hourly(devices: int = 3) -> PlanningProblem:
    """48 h of 15-minute slots (hourly DK1 prices on their quarters), a house load, Leaf + packs."""
    days = dk1_days()
    hours = days["2024-11-05"] + days["2024-11-06"]
    return PlanningProblem(
        slots=slots_for(hours, with_load=True, quarter_hours=True),
        devices=FLEET[:devices],
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


def year_hourly(devices: int = 1) -> PlanningProblem:
    """A year of hourly prices at once, the Leaf (and packs), Danish import charges."""
    slots: tuple[Slot, ...] = slots_for(_year_hours())
    return PlanningProblem(slots=slots, devices=FLEET[:devices])


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


def dead_band_gaps() -> None:
    """How far the dead-band plan stays from the relaxation and from the true (MILP) optimum."""
    print("Dead band (Leaf 0 or >= 1.38 kW), hourly DK1 fixture days with house load:")
    print(
        "  devices  days  vs relaxation: mean  max   vs dead-band optimum: mean  max  (share of savings)"
    )
    for devices in (1, 3):
        to_relaxed, to_best = [], []
        for day in dk1_days():
            base = problem_for(day, devices=devices, with_load=True)
            car = replace(base.devices[0], min_power_kw=1.38)
            problem = replace(base, devices=(car, *base.devices[1:]))
            result = plan(problem)
            best = solve_lp(problem, dead_band=True).objective
            savings = result.totals.baseline_cost - result.relaxed_objective
            to_relaxed.append((result.objective - result.relaxed_objective) / savings)
            to_best.append((result.objective - best) / savings)
        print(
            f"  {devices:7d}  {len(to_relaxed):4d}  {statistics.mean(to_relaxed):19.2%}"
            f" {max(to_relaxed):5.2%}  {statistics.mean(to_best):26.2%} {max(to_best):5.2%}"
        )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--gaps", action="store_true", help="also measure the dead-band gap"
    )
    args = parser.parse_args()

    for devices in (1, 2, 3):
        problem = two_days_quarter_hourly(devices)
        ours, highs = _side_by_side(problem, args.repeat)
        result = plan(problem)
        reference = solve_lp(problem).objective
        print(f"48 h at 15 min, {devices} device(s) ({len(problem.slots)} slots)")
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
    problem = two_days_quarter_hourly()
    car = replace(problem.devices[0], min_power_kw=1.38)
    banded = replace(problem, devices=(car, *problem.devices[1:]))
    with_band, _ = _side_by_side(banded, max(3, args.repeat // 3))
    print(
        f"  3 devices with the Quasar dead band: median {statistics.median(with_band):.1f} ms"
        f" (relaxation + re-optimised on/off patterns)"
    )
    for devices in (1, 3):
        year = year_hourly(devices)
        repeat = max(3, args.repeat // 10)
        ours_year, highs_year = _side_by_side(year, repeat)
        print(f"A year hourly, {devices} device(s) ({len(year.slots)} slots)")
        print(f"  plan():      median {statistics.median(ours_year):7.1f} ms")
        print(f"  HiGHS (LP):  median {statistics.median(highs_year):7.1f} ms")
        print(
            f"  ratio plan/HiGHS: {statistics.median(ours_year) / statistics.median(highs_year):.2f}"
        )
    if args.gaps:
        dead_band_gaps()


if __name__ == "__main__":
    main()
