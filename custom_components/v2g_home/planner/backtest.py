"""Backtest command: what would a storage setup have earned on historical spot prices?

Run `python -m custom_components.v2g_home.planner.backtest --help` (or scripts/backtest) for the flags.
"""

from __future__ import annotations

from dataclasses import replace
import json
import sys
from typing import TYPE_CHECKING, TextIO

from .backtest_args import (
    DEVICE_DEFAULTS,
    NOTE_KWH,
    PROGRESS_MIN_PERIOD,
    build_parser,
    site_from_flags,
)
from .backtest_report import BacktestResult, Totals, format_table, result_json
from .backtest_reserves import ReserveSetup, reserve_setup
from .backtest_sim import PlannerOutputError, SimulationRun, market_slots, simulate
from .backtest_site import HouseLoad, SiteError, SiteSpec
from .backtest_site_yaml import load_profile, load_site
from .price_files import PriceFileError
from .price_merge import load_price_files

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

__all__ = ["build_parser", "main", "run", "site_from_flags"]


class _Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent * 30 // 100
        self.stream.write(
            f"\rbacktest [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%"
        )
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _site(args: argparse.Namespace) -> SiteSpec:
    """The site file's or the flags' site, with the house load and solar files the flags name."""
    used_device_flags = [
        key for key in DEVICE_DEFAULTS if getattr(args, key) is not None
    ]
    if args.site is not None and used_device_flags:
        flags = ", ".join("--" + key.replace("_", "-") for key in used_device_flags)
        raise SiteError(f"{flags}: put these into the --site file instead")
    site = load_site(args.site) if args.site is not None else site_from_flags(args)
    if args.house_load is not None:
        first, values = load_profile(
            args.house_load,
            args.time_column,
            args.house_load_column,
            where="--house-load",
        )
        site = replace(
            site, house_load=HouseLoad(year_kwh=tuple(values), first_hour=first)
        )
    if args.solar is not None:
        first, values = load_profile(
            args.solar, args.time_column, args.solar_column, where="--solar"
        )
        site = replace(site, solar=HouseLoad(year_kwh=tuple(values), first_hour=first))
    return site


def run(args: argparse.Namespace, stderr: TextIO) -> BacktestResult:
    """Load prices and site, simulate, and collect the result."""
    if args.start and args.end and args.end < args.start:
        raise PriceFileError("--end is before --start")
    site = _site(args)
    prices = load_price_files(
        args.prices,
        area=args.area,
        currency=args.currency,
        start=args.start,
        end=args.end,
    )
    if prices.filled_slots:
        stderr.write(
            f"backtest: note: {prices.filled_slots} missing prices filled with the price before them\n"
        )
    slots = market_slots(prices, site)
    reserves = _reserves(args)
    show_progress = (
        not args.no_progress
        and stderr.isatty()
        and slots[-1].end - slots[0].start >= PROGRESS_MIN_PERIOD
    )
    run_result = simulate(
        slots,
        site,
        perfect_foresight=args.perfect_foresight,
        replan_every_slot=args.replan_every_slot,
        terminal=args.terminal_value,
        on_progress=_Progress(stderr) if show_progress else None,
        reserves=reserves,
    )
    foresight = None
    best = run_result
    if args.share:
        if not args.perfect_foresight:
            best = simulate(slots, site, perfect_foresight=True, reserves=reserves)
        foresight = sum((totals for _, totals in best.months), start=Totals())
    area = f", {prices.area}" if prices.area else ""
    first, last = run_result.period
    if args.perfect_foresight:
        mode = "perfect foresight"
    else:
        when = "every slot" if args.replan_every_slot else "when prices arrive"
        mode = (
            f"rolling day-ahead (tomorrow's prices known at 13:00, re-planned {when},"
            f" {args.terminal_value} terminal value)"
        )
        if reserves is not None:
            when_bid = (
                "an hour before each auction closes"
                if args.bid_hour is None
                else f"at {args.bid_hour:02d}:00"
            )
            mode += f"; reserves bid {when_bid} for the next day on forecast prices"
    names = " + ".join(path.name for path in args.prices)
    return BacktestResult(
        title=f"{names} ({prices.file_format}{area}), {first} to {last} (Danish time)",
        mode=mode,
        currency=prices.currency,
        days=run_result.days,
        months=run_result.months,
        plan_ms=run_result.plan_ms,
        end_soc=run_result.end_soc,
        notes=_notes(run_result),
        foresight=foresight,
        reserves=run_result.reserves,
        foresight_reserves=best.reserves if args.share else (),
    )


def _reserves(args: argparse.Namespace) -> ReserveSetup | None:
    """The reserve market the flags describe (None: energy only)."""
    paths = [
        *(args.reserve_prices or ()),
        *([args.mfrr_prices] if args.mfrr_prices else []),
    ]
    if not paths:
        if args.reserves:
            raise PriceFileError("--reserves needs --reserve-prices or --mfrr-prices")
        return None
    return reserve_setup(
        paths,
        products=args.reserves,
        area=args.area,
        currency=args.currency,
        aggregator_share=args.aggregator_share,
        fcr_n_activation=args.fcr_n_activation,
        bid_hour=args.bid_hour,
    )


def _notes(run_result: SimulationRun) -> tuple[str, ...]:
    notes = []
    if run_result.driven_kwh > NOTE_KWH:
        notes.append(
            f"trips took {run_result.driven_kwh:.1f} kWh; revenue counts it at what charging it on arrival would cost"
        )
    if run_result.unmet_kwh > NOTE_KWH:
        notes.append(
            f"trips: {run_result.unmet_kwh:.1f} kWh short of departure targets or trip energy"
        )
    if run_result.refused_kwh > NOTE_KWH:
        notes.append(
            f"the simulated batteries refused {run_result.refused_kwh:.1f} kWh of planned energy (outside their limits)"
        )
    return tuple(notes)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        result = run(args, stderr)
    except (PriceFileError, SiteError) as err:
        stderr.write(f"backtest: error: {err}\n")
        return 2
    except PlannerOutputError as err:
        stderr.write(f"backtest: internal error: {err}\n")
        return 1
    if args.json:
        for note in result.notes:
            stderr.write(f"backtest: note: {note}\n")
    stdout.write(
        (json.dumps(result_json(result)) if args.json else format_table(result)) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
