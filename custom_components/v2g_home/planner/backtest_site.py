"""The backtest's site description: devices, tariffs, house load and car trips."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from .price_files import DANISH_TIME

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_MONTHS = frozenset(range(1, 13))


class SiteError(ValueError):
    """A site description that cannot be used, with a one-line message naming the field."""


@dataclass(frozen=True, kw_only=True)
class TariffBand:
    """An amount per kWh added to the buy price in some Danish local hours of some months."""

    months: frozenset[int] = ALL_MONTHS
    from_hour: int
    to_hour: int
    price_per_kwh: float

    def applies(self, local: datetime) -> bool:
        """Whether this band covers a Danish local moment."""
        return (
            local.month in self.months and self.from_hour <= local.hour < self.to_hour
        )


@dataclass(frozen=True, kw_only=True)
class Tariff:
    """How a spot price becomes the price paid for import and the price earned for export."""

    buy_adder_per_kwh: float = 0.0
    time_of_use: tuple[TariffBand, ...] = ()
    vat: float = 0.0
    sell_fee_per_kwh: float = 0.0

    def buy_price(self, spot_per_kwh: float, moment: datetime) -> float:
        """Import price: spot plus fixed and time-of-use charges, then VAT."""
        local = moment.astimezone(DANISH_TIME)
        charges = sum(
            band.price_per_kwh for band in self.time_of_use if band.applies(local)
        )
        return (spot_per_kwh + self.buy_adder_per_kwh + charges) * (1.0 + self.vat)

    def sell_price(self, spot_per_kwh: float) -> float:
        """Export price: spot less the seller's fee (no VAT for a household seller)."""
        return spot_per_kwh - self.sell_fee_per_kwh

    def spot_of(self, sell_per_kwh: float) -> float:
        """The spot price behind an export price (the inverse of `sell_price`)."""
        return sell_per_kwh + self.sell_fee_per_kwh


@dataclass(frozen=True, kw_only=True)
class Trip:
    """A weekly car trip: unplugged from `leave` to `back` (Danish time) on some weekdays."""

    weekdays: frozenset[int]
    leave: time
    back: time
    energy_kwh: float
    target_soc: float


@dataclass(frozen=True, kw_only=True)
class DeviceSpec:
    """One storage device as the backtest simulates it."""

    name: str
    capacity_kwh: float
    soc_min: float
    soc_max: float
    soc_start: float
    charge_power_kw: float
    discharge_power_kw: float
    min_power_kw: float = 0.0
    charge_efficiency: float
    discharge_efficiency: float
    wear_per_kwh: float = 0.0
    trips: tuple[Trip, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HouseLoad:
    """An hourly profile (house consumption or solar production).

    24 kW values by Danish local hour, or a recorded year of hourly kWh.
    """

    hourly_kw: tuple[float, ...] = (0.0,) * 24
    year_kwh: tuple[float, ...] = ()  # one value per hour from `first_hour` on
    first_hour: datetime | None = (
        None  # start of the recording's first hour (a 1 January, local midnight)
    )

    def kw_at(self, moment: datetime) -> float:
        """The house load in the hour that contains a moment."""
        local = moment.astimezone(DANISH_TIME)
        if not self.year_kwh or self.first_hour is None:
            return self.hourly_kw[local.hour]
        first_day = self.first_hour.astimezone(DANISH_TIME).date()
        # The recorded day nearest in the year with the same weekday, so weekends stay weekends;
        # then the same local hour, found through UTC so summer time lines up.
        day_of_year = local.timetuple().tm_yday - 1
        recorded_day = (
            day_of_year + (local.weekday() - first_day.weekday() - day_of_year) % 7
        )
        recorded = datetime.combine(
            first_day + timedelta(days=recorded_day),
            time(local.hour),
            tzinfo=DANISH_TIME,
        )
        index = int((recorded - self.first_hour).total_seconds() // 3600)
        return self.year_kwh[index % len(self.year_kwh)]


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    """Everything the backtest needs besides prices."""

    devices: tuple[DeviceSpec, ...]
    tariff: Tariff = field(default_factory=Tariff)
    house_load: HouseLoad = field(default_factory=HouseLoad)
    solar: HouseLoad = field(
        default_factory=HouseLoad
    )  # production, same mapping as the load
    export_allowed: bool = True
    import_limit_kw: float | None = None
    export_limit_kw: float | None = None
