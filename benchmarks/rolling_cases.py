"""The years and set-ups benchmarks/rolling_value.py measures: real prices, synthetic spikes, three sites.

Prices: ../shared/data (Energi Data Service, Energinet): DK1 hourly 2022-10..2025-09, DK1/DK2 2025
hourly to September and 15-minute from October. House load: a real household (Konstanz 2016, Open
Power System Data household_data, CoSSMic, CC BY 4.0) mapped onto each year by weekday and hour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
import random

from custom_components.v2g_home.planner.backtest_site import DeviceSpec, SiteSpec
from custom_components.v2g_home.planner.backtest_site_yaml import load_site
from custom_components.v2g_home.planner.price_files import (
    DANISH_TIME,
    SpotPrices,
    SpotSlot,
)
from custom_components.v2g_home.planner.price_merge import load_price_files

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DK1_HOURLY = SHARED / "prices" / "elspotprices_dk1_2022-10_2025-09.csv"
BOTH_HOURLY_2025 = SHARED / "grid" / "elspotprices_dk1_dk2_2025-01_2025-09.csv"
BOTH_QUARTERS_2025 = SHARED / "grid" / "dayaheadprices_dk1_dk2_2025-10_2025-12.csv"
SITES = ROOT / "docs" / "backtest"
# The harmonised day-ahead limits, EUR/MWh, in DKK per kWh at the krone's central rate 7.46038.
FLOOR_DKK = -500 * 7.46038 / 1000
CEILING_DKK = 4000 * 7.46038 / 1000


@dataclass(frozen=True, kw_only=True)
class Year:
    """One period of prices to backtest."""

    name: str
    area: str
    currency: str
    files: tuple[Path, ...]
    first: date
    last: date
    spikes: int = (
        0  # synthetic: this many days with a -500 and this many with a +4000 spike
    )


YEARS = (
    Year(name="DK1 2022 Q4", area="DK1", currency="DKK", files=(DK1_HOURLY,),
         first=date(2022, 10, 1), last=date(2022, 12, 31)),
    Year(name="DK1 2023", area="DK1", currency="DKK", files=(DK1_HOURLY,),
         first=date(2023, 1, 1), last=date(2023, 12, 31)),
    Year(name="DK1 2024", area="DK1", currency="DKK", files=(DK1_HOURLY,),
         first=date(2024, 1, 1), last=date(2024, 12, 31)),
    Year(name="DK1 2025", area="DK1", currency="DKK", files=(DK1_HOURLY, BOTH_QUARTERS_2025),
         first=date(2025, 1, 1), last=date(2025, 12, 31)),
    Year(name="DK2 2025", area="DK2", currency="DKK",
         files=(BOTH_HOURLY_2025, BOTH_QUARTERS_2025),
         first=date(2025, 1, 1), last=date(2025, 12, 31)),
    Year(name="DK1 2023 EUR", area="DK1", currency="EUR", files=(DK1_HOURLY,),
         first=date(2023, 1, 1), last=date(2023, 12, 31)),
    Year(name="DK1 2024 EUR", area="DK1", currency="EUR", files=(DK1_HOURLY,),
         first=date(2024, 1, 1), last=date(2024, 12, 31)),
    Year(name="DK1 2024 + spikes", area="DK1", currency="DKK", files=(DK1_HOURLY,),
         first=date(2024, 1, 1), last=date(2024, 12, 31), spikes=12),
    Year(name="DK1 2023 EUR + spikes", area="DK1", currency="EUR", files=(DK1_HOURLY,),
         first=date(2023, 1, 1), last=date(2023, 12, 31), spikes=12),
)  # fmt: skip


def require_shared_data() -> None:
    """Stop with a clear message when ../shared/data is not beside the checkout."""
    missing = [
        p for p in (DK1_HOURLY, BOTH_HOURLY_2025, BOTH_QUARTERS_2025) if not p.exists()
    ]
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise SystemExit(f"rolling_value: the shared price data is missing ({names})")


def prices_of(year: Year) -> SpotPrices:
    """The year's spot prices, with the synthetic spikes where the year has them."""
    prices = load_price_files(
        list(year.files),
        area=year.area,
        currency=year.currency,
        start=year.first,
        end=year.last,
    )
    if not year.spikes:
        return prices
    return replace(prices, slots=_spiked(prices, year))


def _spiked(prices: SpotPrices, year: Year) -> tuple[SpotSlot, ...]:
    """Midday blocks of 2-7 h at -500 per MWh and evening hours at +4,000 (fixed seed)."""
    low, high = FLOOR_DKK, CEILING_DKK
    if year.currency == "EUR":
        low, high = -0.5, 4.0
    rng = random.Random(12)
    slots = list(prices.slots)
    by_day: dict[date, list[int]] = {}
    for index, slot in enumerate(slots):
        by_day.setdefault(slot.start.astimezone(DANISH_TIME).date(), []).append(index)
    days = sorted(by_day)
    chosen = rng.sample(days, 2 * year.spikes)
    for number, day in enumerate(chosen):
        hours = [
            i for i in by_day[day] if slots[i].start.astimezone(DANISH_TIME).minute == 0
        ]
        if number < year.spikes:
            first, price, length = rng.randrange(9, 14), low, rng.randrange(2, 8)
        else:
            first, price, length = rng.randrange(17, 20), high, rng.randrange(1, 3)
        for hour in hours[first : first + length]:
            for i in by_day[day]:
                if (
                    slots[i].start >= slots[hour].start
                    and slots[i].start < slots[hour].end
                ):
                    slots[i] = replace(slots[i], price_per_kwh=price)
    return tuple(slots)


LEAF = DeviceSpec(
    name="leaf",
    capacity_kwh=37.0,
    soc_min=0.2,
    soc_max=0.9,
    soc_start=0.5,
    charge_power_kw=7.4,
    discharge_power_kw=7.4,
    charge_efficiency=0.92,
    discharge_efficiency=0.92,
    wear_per_kwh=0.05,
)


def sites(year: Year) -> dict[str, SiteSpec]:
    """The set-ups for a year: spot only, and (DKK years) V2H always home and commuting."""
    cases = {"spot only": SiteSpec(devices=(LEAF,))}
    if year.currency == "DKK":
        home = load_site(SITES / "leaf-v2h-2026.yaml")
        cases["V2H home, 2026 tariffs"] = home
        cases["V2H commuter, 2026 tariffs"] = load_site(
            SITES / "leaf-commuter-2026.yaml"
        )
    return cases
