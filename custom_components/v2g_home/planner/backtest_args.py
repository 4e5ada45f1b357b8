"""The backtest command's flags, and the one-device site they describe."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

from .backtest_lookahead import TerminalPolicy
from .backtest_site import DeviceSpec, SiteError, SiteSpec, Tariff
from .price_files import CURRENCIES

# The default device: a 40 kWh Leaf (about 37 kWh usable) on a 7.4 kW Wallbox Quasar 1.
DEVICE_DEFAULTS = {
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
NOTE_KWH = 0.01
PROGRESS_MIN_PERIOD = timedelta(days=7)  # shorter runs finish before a bar helps


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
        nargs="+",
        help="Elspotprices, DayAheadPrices or start,price CSV (several files are joined)",
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
    profiles = parser.add_argument_group(
        "house load and solar (hourly kWh CSV with a UTC time column; replace the site file's)"
    )
    profiles.add_argument(
        "--house-load", type=Path, help="house consumption the batteries may serve"
    )
    profiles.add_argument(
        "--house-load-column",
        default="household_load_kwh",
        help="its value column (default household_load_kwh)",
    )
    profiles.add_argument("--solar", type=Path, help="solar production")
    profiles.add_argument(
        "--solar-column", default="pv", help="its value column (default pv)"
    )
    profiles.add_argument(
        "--time-column",
        default="utc_timestamp",
        help="the time column of both (default utc_timestamp)",
    )
    _reserve_flags(parser)
    parser.add_argument(
        "--perfect-foresight", action="store_true", help="plan the whole period at once"
    )
    parser.add_argument(
        "--share",
        action="store_true",
        help="also run perfect foresight and report this run's share of its net profit",
    )
    parser.add_argument(
        "--terminal-value",
        type=TerminalPolicy,
        choices=list(TerminalPolicy),
        default=TerminalPolicy.LEARNED,
        help="rolling mode: value of energy left when the known prices end: 'learned' looks 24 h"
        " further at prices expected from the last two weeks (default), 'horizon' uses the"
        " typical sell price of the known prices",
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


def _reserve_flags(parser: argparse.ArgumentParser) -> None:
    """Flags of the reserve market (see docs/grid-services.md)."""
    group = parser.add_argument_group(
        "reserves (capacity sold through an aggregator, co-optimised with energy)"
    )
    group.add_argument(
        "--reserve-prices",
        type=Path,
        nargs="+",
        help="Energi Data Service FcrNdDK2 (DK2 FCR-N/FCR-D) or FcrDK1 CSV",
    )
    group.add_argument(
        "--mfrr-prices",
        type=Path,
        help="Energi Data Service MfrrCapacityMarket CSV (mFRR up, the --area's prices)",
    )
    group.add_argument(
        "--reserves",
        help="products to sell, e.g. fcr-n,fcr-d-up,fcr-d-down (default: all the files price)",
    )
    group.add_argument(
        "--aggregator-share",
        type=_share,
        default=0.4,
        help="share of the reserve income the aggregator keeps (default 0.4)",
    )
    group.add_argument(
        "--fcr-n-activation",
        type=_fraction,
        default=0.3,
        help="FCR-N energy activated, as a share of the reserve, half each way (default 0.3)",
    )
    group.add_argument(
        "--bid-hour",
        type=_hour,
        default=None,
        help="rolling mode: the Danish hour the next day's reserves are bid (default: an hour"
        " before each product's last auction closes, 17 for FCR-N and FCR-D, 7 for DK1's FCR"
        " and mFRR; from 13 the bid sees the day-ahead prices)",
    )


def _hour(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 23:
        raise argparse.ArgumentTypeError(f"{text} is not an hour of the day")
    return value


def _share(text: str) -> float:
    value = _fraction(text)
    if value >= 1.0:
        raise argparse.ArgumentTypeError(
            f"{text}: the aggregator cannot keep everything"
        )
    return value


def site_from_flags(args: argparse.Namespace) -> SiteSpec:
    """The one-device site the flags describe."""
    value = {
        key: default if getattr(args, key) is None else getattr(args, key)
        for key, default in DEVICE_DEFAULTS.items()
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
