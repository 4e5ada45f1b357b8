"""Backtest command: what would a storage setup have earned on historical spot prices?

Run `python -m custom_components.v2g_home.planner.backtest --help` (or scripts/backtest) for the flags.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
import json
from pathlib import Path
import sys
from typing import TYPE_CHECKING, TextIO

from .backtest_report import BacktestResult, format_table, result_json
from .backtest_sim import PlannerOutputError, SimulationRun, market_slots, simulate
from .backtest_site import DeviceSpec, SiteError, SiteSpec, Tariff
from .backtest_site_yaml import load_site
from .price_files import CURRENCIES, PriceFileError, load_price_file

if TYPE_CHECKING:
    from collections.abc import Sequence

# The default device: a 40 kWh Leaf (about 37 kWh usable) on a 7.4 kW Wallbox Quasar 1.
_DEVICE_DEFAULTS = {
    "capacity_kwh": 37.0,
    "soc_min": 0.2,
    "soc_max": 0.9,
    "soc_start": 0.5,
    "power_kw": 7.4,
    "min_power_kw": 0.0,
    "efficiency": 0.92,
    "wear": 0.0,
    "buy_adder": 0.0,
    "vat": 0.0,
    "sell_fee": 0.0,
}
_NOTE_KWH = 0.01
_PROGRESS_MIN_PERIOD = timedelta(days=7)  # shorter runs finish before a bar helps


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction between 0 and 1")
    return value


def _efficiency(text: str) -> float:
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"{text} is not an efficiency above 0 and at most 1"
        )
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0.0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0.0:
        raise argparse.ArgumentTypeError(f"{text} must be above 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="backtest",
        description="Simulate a storage device on historical spot prices and report what it would have earned.",
    )
    parser.add_argument(
        "--prices",
        type=Path,
        required=True,
        help="Elspotprices, DayAheadPrices or start,price CSV",
    )
    parser.add_argument(
        "--area",
        default="DK1",
        help="price area in Energi Data Service files (default DK1)",
    )
    parser.add_argument(
        "--currency",
        default="DKK",
        choices=CURRENCIES,
        help="currency of the prices (default DKK)",
    )
    parser.add_argument(
        "--start", type=date.fromisoformat, help="first day, Danish time (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        help="last day included, Danish time (YYYY-MM-DD)",
    )
    device = parser.add_argument_group("device and economics (ignored with --site)")
    device.add_argument(
        "--capacity-kwh", type=_positive, help="usable capacity (default 37)"
    )
    device.add_argument(
        "--soc-min", type=_fraction, help="lowest state of charge (default 0.2)"
    )
    device.add_argument(
        "--soc-max", type=_fraction, help="highest state of charge (default 0.9)"
    )
    device.add_argument(
        "--soc-start", type=_fraction, help="state of charge at the start (default 0.5)"
    )
    device.add_argument(
        "--power-kw",
        type=_positive,
        help="charge and discharge limit at the grid (default 7.4)",
    )
    device.add_argument(
        "--min-power-kw",
        type=_non_negative,
        help="dead band: 0 or at least this (default 0)",
    )
    device.add_argument(
        "--efficiency", type=_efficiency, help="one-way efficiency (default 0.92)"
    )
    device.add_argument(
        "--wear", type=_non_negative, help="wear cost per kWh discharged (default 0)"
    )
    device.add_argument(
        "--buy-adder",
        type=float,
        help="per kWh added to spot before VAT when buying (default 0)",
    )
    device.add_argument(
        "--vat", type=_fraction, help="VAT on the buy price as a fraction (default 0)"
    )
    device.add_argument(
        "--sell-fee",
        type=float,
        help="per kWh taken from spot when selling (default 0)",
    )
    parser.add_argument(
        "--site",
        type=Path,
        help="YAML site file: tariffs, house load, trips, several devices",
    )
    parser.add_argument(
        "--perfect-foresight", action="store_true", help="plan the whole period at once"
    )
    parser.add_argument(
        "--replan-every-slot",
        action="store_true",
        help="rolling mode: re-plan at every slot, not only when prices arrive (slower, same result)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of the table"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar on stderr"
    )
    return parser


def site_from_flags(args: argparse.Namespace) -> SiteSpec:
    """The one-device site the flags describe."""
    value = {
        key: default if getattr(args, key) is None else getattr(args, key)
        for key, default in _DEVICE_DEFAULTS.items()
    }
    if not value["soc_min"] <= value["soc_start"] <= value["soc_max"]:
        raise SiteError("--soc-start must lie between --soc-min and --soc-max")
    if value["min_power_kw"] > value["power_kw"]:
        raise SiteError("--min-power-kw must not exceed --power-kw")
    return SiteSpec(
        devices=(
            DeviceSpec(
                name="storage",
                capacity_kwh=value["capacity_kwh"],
                soc_min=value["soc_min"],
                soc_max=value["soc_max"],
                soc_start=value["soc_start"],
                charge_power_kw=value["power_kw"],
                discharge_power_kw=value["power_kw"],
                min_power_kw=value["min_power_kw"],
                charge_efficiency=value["efficiency"],
                discharge_efficiency=value["efficiency"],
                wear_per_kwh=value["wear"],
            ),
        ),
        tariff=Tariff(
            buy_adder_per_kwh=value["buy_adder"],
            vat=value["vat"],
            sell_fee_per_kwh=value["sell_fee"],
        ),
    )


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


def run(args: argparse.Namespace, stderr: TextIO) -> BacktestResult:
    """Load prices and site, simulate, and collect the result."""
    if args.start and args.end and args.end < args.start:
        raise PriceFileError("--end is before --start")
    used_device_flags = [
        key for key in _DEVICE_DEFAULTS if getattr(args, key) is not None
    ]
    if args.site is not None and used_device_flags:
        flags = ", ".join("--" + key.replace("_", "-") for key in used_device_flags)
        raise SiteError(f"{flags}: put these into the --site file instead")
    site = load_site(args.site) if args.site is not None else site_from_flags(args)
    prices = load_price_file(
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
    show_progress = (
        not args.no_progress
        and stderr.isatty()
        and slots[-1].end - slots[0].start >= _PROGRESS_MIN_PERIOD
    )
    run_result = simulate(
        slots,
        site,
        perfect_foresight=args.perfect_foresight,
        replan_every_slot=args.replan_every_slot,
        on_progress=_Progress(stderr) if show_progress else None,
    )
    area = f", {prices.area}" if prices.area else ""
    first, last = run_result.period
    if args.perfect_foresight:
        mode = "perfect foresight"
    else:
        when = "every slot" if args.replan_every_slot else "when prices arrive"
        mode = (
            f"rolling day-ahead (tomorrow's prices known at 13:00, re-planned {when})"
        )
    return BacktestResult(
        title=f"{args.prices.name} ({prices.file_format}{area}), {first} to {last} (Danish time)",
        mode=mode,
        currency=prices.currency,
        days=run_result.days,
        months=run_result.months,
        plan_ms=run_result.plan_ms,
        end_soc=run_result.end_soc,
        notes=_notes(run_result),
    )


def _notes(run_result: SimulationRun) -> tuple[str, ...]:
    notes = []
    if run_result.driven_kwh > _NOTE_KWH:
        notes.append(
            f"trips took {run_result.driven_kwh:.1f} kWh; revenue counts it at what charging it on arrival would cost"
        )
    if run_result.unmet_kwh > _NOTE_KWH:
        notes.append(
            f"trips: {run_result.unmet_kwh:.1f} kWh short of departure targets or trip energy"
        )
    if run_result.refused_kwh > _NOTE_KWH:
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
