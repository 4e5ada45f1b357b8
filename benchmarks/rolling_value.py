"""Rolling day-ahead against perfect foresight, year by year, and perfect foresight against HiGHS.

Run: .venv/bin/python -m benchmarks.rolling_value [--years TEXT ...] [--no-reference] [--markdown]

For every year in ../shared/data (and two synthetic years with -500 and +4,000 per MWh spikes) and
every set-up of benchmarks/rolling_cases.py it runs the backtest three times: rolling with the
learned terminal value (the default), rolling with the horizon's typical sell price (the planner's
own default without a lookahead), and perfect foresight. It prints the shares, the time a year of
rolling plans took, and how close the perfect-foresight plan comes to the HiGHS optimum of the same
model: the LP (which may charge and discharge one battery in the same slot) and the MILP (one
setpoint per slot, as the planner and a charger work). It ends with the issue's goals, met or by
how much they were missed. Timings are wall-clock on whatever machine runs it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import statistics
import time
from typing import TYPE_CHECKING

from custom_components.v2g_home.planner import backtest_lookahead
from custom_components.v2g_home.planner.backtest_horizon import (
    planner_device,
    trips_on_slots,
)
from custom_components.v2g_home.planner.backtest_lookahead import TerminalPolicy
from custom_components.v2g_home.planner.backtest_sim import (
    SimulationRun,
    market_slots,
    simulate,
)
from custom_components.v2g_home.planner.model import (
    PlanningProblem,
    Site,
    Slot,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan
from tests.planner.lp_reference import solve_lp

from .rolling_cases import YEARS, Year, prices_of, require_shared_data, sites

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.backtest_site import SiteSpec

GOAL_SPOT = 0.995
GOAL_HOME = 0.95
GOAL_OPTIMUM = 0.999
GOAL_YEAR_S = 10.0


@dataclass(frozen=True, kw_only=True)
class Row:
    """One year and set-up."""

    year: str
    case: str
    learned: float
    horizon: float
    known_tomorrow: (
        float  # a bound: the lookahead at the real prices (not possible in practice)
    )
    foresight: float
    plans: int
    year_of_plans_s: float
    plan_ms_median: float
    foresight_plan_s: float
    vs_lp: float | None
    vs_milp: float | None

    def share(self, value: float) -> float:
        """A net profit as a fraction of perfect foresight's."""
        return value / self.foresight if self.foresight else float("nan")


def _limit(kw: float | None) -> float:
    return float("inf") if kw is None else kw


def _net(run: SimulationRun) -> float:
    return sum(t.net_profit for _, t in run.months)


def _reference(
    slots: tuple[Slot, ...], site: SiteSpec, *, reference: bool
) -> tuple[float, float | None, float | None]:
    """Seconds for the whole-period plan, and its savings as a share of HiGHS's LP and MILP."""
    devices = tuple(
        planner_device(
            d,
            d.soc_start * d.capacity_kwh,
            trips_on_slots(d, slots),
            slots,
            0,
            len(slots),
            final=True,
        )
        for d in site.devices
    )
    problem = PlanningProblem(
        slots=slots,
        devices=devices,
        site=Site(
            import_limit_kw=_limit(site.import_limit_kw),
            export_limit_kw=_limit(site.export_limit_kw),
            export_allowed=site.export_allowed,
        ),
        terminal_value=TerminalValue(price_per_kwh=0.0),
    )
    began = time.perf_counter()
    ours = plan(problem)
    seconds = time.perf_counter() - began
    if not reference:
        return seconds, None, None
    base = ours.totals.baseline_cost
    lp = solve_lp(problem).objective
    milp = solve_lp(
        problem, single_setpoint=True, binaries_where_negative=True, time_limit_s=600
    ).objective
    return (
        seconds,
        (base - ours.objective) / (base - lp),
        (base - ours.objective) / (base - milp),
    )


class _RealLookahead(backtest_lookahead.Lookahead):
    """The next 24 h at their real prices: what a perfect forecast would give the rolling plan."""

    def _learn(self, end: int) -> tuple[int, tuple[Slot, ...]]:
        stop, _ = super()._learn(end)
        return stop, self.slots[end:stop]


def measure(year: Year, *, reference: bool) -> list[Row]:
    """All set-ups of one year."""
    prices = prices_of(year)
    rows = []
    for case, site in sites(year).items():
        slots = market_slots(prices, site)
        foresight = _net(simulate(slots, site, perfect_foresight=True))
        learned_run = simulate(slots, site)
        horizon = _net(simulate(slots, site, terminal=TerminalPolicy.HORIZON))
        known_tomorrow = _net(
            simulate(slots, site, lookahead=_RealLookahead(slots, site))
        )
        seconds, vs_lp, vs_milp = _reference(slots, site, reference=reference)
        rows.append(
            Row(
                year=year.name,
                case=case,
                learned=_net(learned_run),
                horizon=horizon,
                known_tomorrow=known_tomorrow,
                foresight=foresight,
                plans=len(learned_run.plan_ms),
                year_of_plans_s=sum(learned_run.plan_ms) / 1000,
                plan_ms_median=statistics.median(learned_run.plan_ms),
                foresight_plan_s=seconds,
                vs_lp=vs_lp,
                vs_milp=vs_milp,
            )
        )
        print(_line(rows[-1]), flush=True)
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def _line(row: Row) -> str:
    return (
        f"{row.year:22s} {row.case:27s} learned {row.learned:9.2f} ({_pct(row.share(row.learned)):>7s})"
        f"  horizon {row.horizon:9.2f} ({_pct(row.share(row.horizon)):>7s})"
        f"  real next day {_pct(row.share(row.known_tomorrow)):>7s}  foresight {row.foresight:9.2f}"
        f"  plans {row.plans:4d} in {row.year_of_plans_s:5.1f} s (median {row.plan_ms_median:5.1f} ms)"
        f"  foresight plan {row.foresight_plan_s:5.2f} s  vs LP {_pct(row.vs_lp):>8s}  vs MILP {_pct(row.vs_milp):>8s}"
    )


def markdown(rows: list[Row]) -> str:
    """The table for docs/planner.md."""
    head = (
        "| prices | set-up | rolling, learned | rolling, horizon rule | bound: real next day |"
        " perfect foresight | year of plans | foresight vs LP | foresight vs MILP |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    body = [
        f"| {r.year} | {r.case} | {r.learned:,.0f} ({_pct(r.share(r.learned))}) |"
        f" {r.horizon:,.0f} ({_pct(r.share(r.horizon))}) | {_pct(r.share(r.known_tomorrow))} |"
        f" {r.foresight:,.0f} |"
        f" {r.year_of_plans_s:.1f} s ({r.plans} plans) | {_pct(r.vs_lp)} | {_pct(r.vs_milp)} |"
        for r in rows
    ]
    return "\n".join([head, *body])


def goals(rows: list[Row]) -> list[str]:
    """The issue's goals: met, or by how much each row misses."""
    out = []
    for row in rows:
        share = row.share(row.learned)
        goal = GOAL_SPOT if row.case == "spot only" else GOAL_HOME
        if share < goal:
            out.append(
                f"{row.year}, {row.case}: rolling {share:.2%}, {goal - share:.2%} short of {goal:.1%}"
            )
        for name, value in (("LP", row.vs_lp), ("MILP", row.vs_milp)):
            if value is not None and value < GOAL_OPTIMUM:
                out.append(
                    f"{row.year}, {row.case}: foresight {value:.3%} of the {name}, {GOAL_OPTIMUM - value:.3%} short of 99.9 %"
                )
        if row.year_of_plans_s > GOAL_YEAR_S:
            out.append(
                f"{row.year}, {row.case}: a year of plans took {row.year_of_plans_s:.1f} s (> 10 s)"
            )
    return out or ["every goal met"]


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--years", nargs="*", help="only years whose name contains one of these"
    )
    parser.add_argument(
        "--no-reference", dest="reference", action="store_false", help="skip HiGHS"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="also print the Markdown table"
    )
    args = parser.parse_args()
    require_shared_data()
    chosen = [
        y for y in YEARS if not args.years or any(t in y.name for t in args.years)
    ]
    rows = [row for year in chosen for row in measure(year, reference=args.reference)]
    if args.markdown:
        print()
        print(markdown(rows))
    print()
    print(
        "Goals (rolling >= 99.5 % spot only, >= 95 % with house load;"
        " foresight >= 99.9 % of the optimum; a year of plans <= 10 s):"
    )
    for line in goals(rows):
        print("  " + line)


if __name__ == "__main__":
    main()
