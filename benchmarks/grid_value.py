"""What a reserve pool would pay one car in 2025 (DK2): export arbitrage, FCR only, both co-optimised.

Run: .venv/bin/python -m benchmarks.grid_value [--markdown] [--homes commuter,home] [--no-rolling]
[--timing-only]

Prices: ../shared/data/grid (Energi Data Service, Energinet): DK2 day-ahead 2025 (hourly to September,
15-minute from October) and FcrNdDK2 (FCR-N, FCR-D up, FCR-D down; the `Total` auction). The car:
37 kWh, 20-90 %, 10 kW both ways, 92 % each way, wear 0.05 DKK per kWh discharged, spot prices both
ways; the aggregator keeps 40 %, FCR-N activation 30 % of the reserve (half each way). Values are DKK
a year over smart charging alone (no discharge, no reserves). Perfect foresight plans the year at once;
the forecast bid is the backtest's rolling mode (bids at 17:00 for the next day, an hour before the
late FCR auction closes and after the day-ahead prices are out, on same-hour medians of the last
week's reserve prices), compared with a bid at 00:00 for the early auction (closes 00:30, before
them). The perfect-foresight plan of "both" is compared with HiGHS on the same LP
(tests/planner/lp_reference_reserves.py), and a 48 h quarter-hour plan is timed with and without the
three products.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from datetime import date, time
import statistics
import time as clock
from typing import TYPE_CHECKING

from benchmarks.rolling_cases import BOTH_HOURLY_2025, BOTH_QUARTERS_2025, SHARED
from custom_components.v2g_home.planner import backtest_sim
from custom_components.v2g_home.planner.backtest_account import market_slots
from custom_components.v2g_home.planner.backtest_report import Totals
from custom_components.v2g_home.planner.backtest_reserves import (
    ReserveSetup,
    reserve_setup,
)
from custom_components.v2g_home.planner.backtest_site import DeviceSpec, SiteSpec, Trip
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.price_merge import load_price_files
from custom_components.v2g_home.planner.reserve_products import PRODUCTS
from tests.planner.lp_reference_reserves import solve_reserve_lp

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import PlanningProblem, Slot

FCR = SHARED / "grid" / "fcrnddk2_dk2_2025.csv"
CAR = DeviceSpec(
    name="leaf",
    capacity_kwh=37.0,
    soc_min=0.2,
    soc_max=0.9,
    soc_start=0.5,
    charge_power_kw=10.0,
    discharge_power_kw=10.0,
    charge_efficiency=0.92,
    discharge_efficiency=0.92,
    wear_per_kwh=0.05,
)
COMMUTE = Trip(
    weekdays=frozenset(range(5)),
    leave=time(7),
    back=time(17),
    energy_kwh=6.0,
    target_soc=0.8,
)
HOMES = {
    "commuter": (
        "commuter (away weekdays 07-17, 6 kWh a trip, 80 % at 07:00)",
        (COMMUTE,),
    ),
    "home": ("always home", ()),
}
CASES = ("smart", "arbitrage", "fcr", "both")


@dataclass(frozen=True)
class Run:
    """One case in one mode: its totals, per-product reserve lines and plan times."""

    totals: Totals
    reserves: tuple[tuple[str, float, float, float], ...]
    plan_ms: tuple[float, ...]
    seconds: float


def site(home: str, case: str) -> SiteSpec:
    """The car at home `home`; export (arbitrage) allowed in the arbitrage and both cases."""
    return SiteSpec(
        devices=(replace(CAR, trips=HOMES[home][1]),),
        export_allowed=case in {"arbitrage", "both"},
    )


def run_case(
    slots: tuple[Slot, ...],
    home: str,
    case: str,
    setup: ReserveSetup,
    *,
    foresight: bool,
) -> Run:
    """Simulate one case (reserves in the fcr and both cases)."""
    began = clock.perf_counter()
    result = backtest_sim.simulate(
        slots,
        site(home, case),
        perfect_foresight=foresight,
        reserves=setup if case in {"fcr", "both"} else None,
    )
    return Run(
        totals=sum((t for _, t in result.months), start=Totals()),
        reserves=result.reserves,
        plan_ms=result.plan_ms,
        seconds=clock.perf_counter() - began,
    )


def first_problem(
    slots: tuple[Slot, ...], home: str, setup: ReserveSetup
) -> PlanningProblem:
    """The problem of the first plan the perfect-foresight run of "both" makes."""
    seen: list[PlanningProblem] = []
    planned = backtest_sim.plan

    def keep(problem: PlanningProblem) -> None:
        seen.append(problem)
        raise StopIteration

    backtest_sim.plan = keep  # type: ignore[assignment]
    try:
        backtest_sim.simulate(
            slots, site(home, "both"), perfect_foresight=True, reserves=setup
        )
    except StopIteration:
        pass
    finally:
        backtest_sim.plan = planned
    return seen[0]


def gap_to_highs(problem: PlanningProblem) -> tuple[float, float, float, float]:
    """Our objective, HiGHS's on the same LP, the relative gap, and HiGHS's solve time (s)."""
    ours = plan(problem).objective
    reference = solve_reserve_lp(problem)
    return (
        ours,
        reference.objective,
        (ours - reference.objective) / abs(reference.objective),
        reference.solve_seconds,
    )


def plan_times(
    slots: tuple[Slot, ...], setup: ReserveSetup, repeat: int = 15
) -> tuple[float, float, float]:
    """Median ms of a 48 h quarter-hour plan (from 2 December) without and with the products, and HiGHS's."""
    start = next(
        i for i, s in enumerate(slots) if (s.start.month, s.start.day) == (12, 2)
    )
    problem = first_problem(slots[start : start + 192], "home", setup)
    without = replace(problem, reserves=None)
    plain, reserves, highs = [], [], []
    for _ in range(repeat):
        began = clock.perf_counter()
        plan(without)
        plain.append((clock.perf_counter() - began) * 1000)
        began = clock.perf_counter()
        plan(problem)
        reserves.append((clock.perf_counter() - began) * 1000)
    highs.append(solve_reserve_lp(problem).solve_seconds * 1000)
    return (
        statistics.median(plain),
        statistics.median(reserves),
        statistics.median(highs),
    )


def _row(cells: list[str], markdown: bool) -> str:
    return (
        "| " + " | ".join(cells) + " |"
        if markdown
        else "  ".join(f"{c:>14}" for c in cells)
    )


def _value_table(
    runs: dict[tuple[str, str, bool], Run],
    homes: list[str],
    *,
    foresight: bool,
    markdown: bool,
) -> list[str]:
    lines = [
        _row(["home", "export arbitrage", "FCR only", "both, co-optimised"], markdown)
    ]
    if markdown:
        lines.append("|---|---:|---:|---:|")
    for home in homes:
        smart = runs[(home, "smart", foresight)].totals.net_profit
        values = [
            runs[(home, case, foresight)].totals.net_profit - smart
            for case in CASES[1:]
        ]
        lines.append(
            _row(
                [HOMES[home][0] if markdown else home, *(f"{v:,.0f}" for v in values)],
                markdown,
            )
        )
    return lines


def _reserve_lines(
    runs: dict[tuple[str, str, bool], Run], homes: list[str], modes: list[bool]
) -> list[str]:
    lines = []
    for home in homes:
        for foresight in modes:
            run = runs[(home, "both", foresight)]
            t = run.totals
            mode = "perfect foresight" if foresight else "forecast bid"
            lines.append(
                f"{home}, both, {mode}: export revenue {t.export_revenue:,.0f}, reserve income"
                f" {t.reserve_income:,.0f}, activation cost {t.activation_cost:,.0f}, wear {t.wear_cost:,.0f},"
                f" net profit {t.net_profit:,.0f} DKK ({len(run.plan_ms)} plans, {run.seconds:.0f} s)"
            )
            lines.extend(
                f"    {PRODUCTS[key].name}: income {income:,.0f}, activation {cost:,.0f}, {kw:.2f} kW held on average"
                for key, income, cost, kw in run.reserves
            )
    return lines


def main() -> None:
    """Print the value table for 2025 (perfect foresight and forecast bid), the gap to HiGHS and plan times."""
    parser = argparse.ArgumentParser(prog="grid_value")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--homes", default="commuter,home")
    parser.add_argument(
        "--no-rolling", action="store_true", help="perfect foresight only"
    )
    parser.add_argument(
        "--timing-only", action="store_true", help="only the 48 h plan times"
    )
    args = parser.parse_args()
    homes = args.homes.split(",")
    prices = load_price_files(
        [BOTH_HOURLY_2025, BOTH_QUARTERS_2025],
        area="DK2",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    slots = market_slots(prices, site("home", "smart"))
    setup = reserve_setup(
        [FCR],
        products="fcr-n,fcr-d-up,fcr-d-down",
        area="DK2",
        currency="DKK",
        aggregator_share=0.4,
        fcr_n_activation=0.3,
    )
    if args.timing_only:
        plain, reserves, highs = plan_times(slots, setup)
        print(_timing(plain, reserves, highs))
        return
    modes = [True] if args.no_rolling else [True, False]
    runs = {
        (home, case, foresight): run_case(slots, home, case, setup, foresight=foresight)
        for home in homes
        for case in CASES
        for foresight in modes
    }
    early = replace(setup, bid_hour=0)
    before_spot = (
        {}
        if args.no_rolling
        else {
            home: run_case(slots, home, "both", early, foresight=False)
            for home in homes
        }
    )
    out = ["2025, DK2, DKK a year over smart charging alone; perfect foresight:", ""]
    out += _value_table(runs, homes, foresight=True, markdown=args.markdown)
    if not args.no_rolling:
        out += [
            "",
            "The same with the forecast bid (rolling, bids at 17:00 for the next day):",
            "",
        ]
        out += _value_table(runs, homes, foresight=False, markdown=args.markdown)
        out.append("")
        for home in homes:
            best, bid = (
                runs[(home, "both", True)].totals,
                runs[(home, "both", False)].totals,
            )
            smart_pf = runs[(home, "smart", True)].totals.net_profit
            smart_bid = runs[(home, "smart", False)].totals.net_profit
            earlier = before_spot[home].totals
            out.append(
                f"{home}: the forecast bid earns {bid.net_profit / best.net_profit:.1%} of perfect"
                f" foresight's net profit ({(bid.net_profit - smart_bid) / (best.net_profit - smart_pf):.1%}"
                f" of its value over smart charging); bid at 00:00 in the early auction, before the"
                f" day-ahead prices: {earlier.net_profit / best.net_profit:.1%}"
                f" ({(earlier.net_profit - smart_bid) / (best.net_profit - smart_pf):.1%})"
            )
    out += ["", *_reserve_lines(runs, homes, modes), ""]
    for home in homes:
        ours, highs, gap, seconds = gap_to_highs(first_problem(slots, home, setup))
        out.append(
            f"{home}, both, perfect foresight: objective {ours:,.2f} against HiGHS {highs:,.2f}"
            f" on the same LP: {gap:+.4%} (HiGHS {seconds:.1f} s)"
        )
    out.append(_timing(*plan_times(slots, setup)))
    print("\n".join(out))


def _timing(plain: float, reserves: float, highs: float) -> str:
    return (
        f"48 h plan, 192 quarter hours, the car: {plain:.1f} ms without reserves, {reserves:.1f} ms"
        f" with FCR-N, FCR-D up and FCR-D down ({reserves / plain:.1f}x); HiGHS on the reserve LP"
        f" {highs:.1f} ms"
    )


if __name__ == "__main__":
    main()
