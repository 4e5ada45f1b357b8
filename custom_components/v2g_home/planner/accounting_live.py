"""Live accounting: energy measured between two device readings, priced and kept per period."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol, cast

from .earnings import Earnings, earnings_from_dict, earnings_to_dict

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

PERIODS: tuple[str, ...] = ("lifetime", "today", "month")


class PriceWindow(Protocol):
    """A priced slot (prices.models.BuyAndSell fits): buy and sell per kWh from start to end."""

    @property
    def start(self) -> datetime:
        """When the slot starts (UTC)."""

    @property
    def end(self) -> datetime:
        """When the slot ends (UTC)."""

    @property
    def buy_per_kwh(self) -> float:
        """What a kWh costs to buy."""

    @property
    def sell_per_kwh(self) -> float:
        """What a kWh earns when exported."""


@dataclass(frozen=True, kw_only=True)
class FlowEnergy:
    """Energy one device moved between two readings: charged, and discharged split by destination."""

    charged_kwh: float = 0.0
    to_home_kwh: float = 0.0
    exported_kwh: float = 0.0

    @property
    def discharged_kwh(self) -> float:
        """Everything that left the storage."""
        return self.to_home_kwh + self.exported_kwh

    def scaled(self, factor: float) -> FlowEnergy:
        """The same flow over a fraction of the time."""
        return FlowEnergy(
            charged_kwh=self.charged_kwh * factor,
            to_home_kwh=self.to_home_kwh * factor,
            exported_kwh=self.exported_kwh * factor,
        )


def split_discharge(
    discharged_kwh: float,
    *,
    grid_export_kwh: float | None,
    home_need_kwh: float | None,
) -> FlowEnergy:
    """Split a discharge: a grid meter decides if there is one, else the home's need; unknown is export."""
    if grid_export_kwh is not None:
        exported = min(discharged_kwh, max(grid_export_kwh, 0.0))
        return FlowEnergy(to_home_kwh=discharged_kwh - exported, exported_kwh=exported)
    if home_need_kwh is not None:
        to_home = min(discharged_kwh, max(home_need_kwh, 0.0))
        return FlowEnergy(to_home_kwh=to_home, exported_kwh=discharged_kwh - to_home)
    return FlowEnergy(exported_kwh=discharged_kwh)


def discharge_share(device_kw: float, site_kws: Iterable[float]) -> float:
    """Fraction of the site's discharge power this device delivers (0 while it is not discharging)."""
    if device_kw >= 0:
        return 0.0
    total = sum(-kw for kw in site_kws if kw < 0)
    return min(-device_kw / total, 1.0) if total > 0 else 0.0


def flow_earnings(
    flow: FlowEnergy,
    *,
    window: PriceWindow | None,
    wear_per_kwh: float,
    currency: str,
) -> Earnings:
    """Earnings of a flow inside one price slot; without a known price only energy and wear count."""
    buy = window.buy_per_kwh if window is not None else 0.0
    sell = window.sell_per_kwh if window is not None else 0.0
    return Earnings(
        currency=currency,
        energy_charged_kwh=flow.charged_kwh,
        energy_sold_kwh=flow.exported_kwh,
        energy_to_home_kwh=flow.to_home_kwh,
        charge_cost=flow.charged_kwh * buy,
        export_revenue=flow.exported_kwh * sell,
        avoided_import_cost=flow.to_home_kwh * buy,
        wear_cost=flow.discharged_kwh * wear_per_kwh,
    )


def interval_earnings(
    flow: FlowEnergy,
    *,
    start: datetime,
    end: datetime,
    windows: Sequence[PriceWindow],
    wear_per_kwh: float,
    currency: str,
    day_starts: Iterable[datetime] = (),
) -> list[tuple[datetime, Earnings]]:
    """Spread a flow evenly over [start, end), cut at slot boundaries and day starts; each piece at its slot's prices.

    Returns (piece start, earnings) so that every piece can be booked to its own day.
    """
    length = (end - start).total_seconds()
    if length <= 0:
        return []
    cuts = sorted(
        {start, end}
        | {w.start for w in windows if start < w.start < end}
        | {w.end for w in windows if start < w.end < end}
        | {day for day in day_starts if start < day < end}
    )
    pieces: list[tuple[datetime, Earnings]] = []
    for piece_start, piece_end in pairwise(cuts):
        window = next((w for w in windows if w.start <= piece_start < w.end), None)
        share = (piece_end - piece_start).total_seconds() / length
        pieces.append(
            (
                piece_start,
                flow_earnings(
                    flow.scaled(share),
                    window=window,
                    wear_per_kwh=wear_per_kwh,
                    currency=currency,
                ),
            )
        )
    return pieces


@dataclass(frozen=True, kw_only=True)
class PeriodTotals:
    """Lifetime, today's and this month's earnings; `day` is the local day `today` belongs to."""

    day: date
    lifetime: Earnings
    today: Earnings
    month: Earnings

    @classmethod
    def empty(cls, *, day: date, currency: str) -> PeriodTotals:
        """Nothing counted yet."""
        zero = Earnings(currency=currency)
        return cls(day=day, lifetime=zero, today=zero, month=zero)

    def period(self, name: str) -> Earnings:
        """Earnings of `lifetime`, `today` or `month`."""
        if name not in PERIODS:
            raise ValueError(f"unknown period {name!r}")
        return cast("Earnings", getattr(self, name))

    def rolled(self, day: date) -> PeriodTotals:
        """Start a new day (and month) when `day` is later; earlier days never reopen a period."""
        if day <= self.day:
            return self
        zero = Earnings(currency=self.lifetime.currency)
        new_month = (day.year, day.month) != (self.day.year, self.day.month)
        return replace(
            self, day=day, today=zero, month=zero if new_month else self.month
        )

    def added(self, value: Earnings, *, day: date) -> PeriodTotals:
        """Book earnings of a local day: always lifetime, today and month only where they still apply."""
        rolled = self.rolled(day)
        same_month = (day.year, day.month) == (rolled.day.year, rolled.day.month)
        return replace(
            rolled,
            lifetime=rolled.lifetime + value,
            today=rolled.today + value if day == rolled.day else rolled.today,
            month=rolled.month + value if same_month else rolled.month,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy for storage."""
        return {
            "day": self.day.isoformat(),
            **{name: earnings_to_dict(self.period(name)) for name in PERIODS},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, currency: str) -> PeriodTotals:
        """Read stored totals back (ValueError, KeyError or TypeError when malformed)."""
        return cls(
            day=date.fromisoformat(str(data["day"])),
            **{
                name: earnings_from_dict(data[name], currency=currency)
                for name in PERIODS
            },
        )
