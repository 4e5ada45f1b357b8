"""One time slot of a planning horizon: its prices and forecasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import checks


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One time slot with its prices and forecasts (power values are averages over the slot)."""

    start: datetime  # timezone-aware UTC
    duration: timedelta
    buy_price_per_kwh: float
    sell_price_per_kwh: float
    house_load_kw: float = 0.0
    solar_kw: float = 0.0

    def __post_init__(self) -> None:
        """Refuse slots that cannot be planned (a programming error, not a planning problem)."""
        if self.start.tzinfo is None:
            raise ValueError("slot start must be timezone-aware")
        if self.duration <= timedelta(0):
            raise ValueError(f"slot at {self.start} has no duration")
        checks.finite(
            f"slot at {self.start}",
            buy_price_per_kwh=self.buy_price_per_kwh,
            sell_price_per_kwh=self.sell_price_per_kwh,
            house_load_kw=self.house_load_kw,
            solar_kw=self.solar_kw,
        )
        checks.non_negative(f"slot at {self.start}", solar_kw=self.solar_kw)

    @property
    def end(self) -> datetime:
        """The end of the slot (exclusive)."""
        return self.start + self.duration

    @property
    def hours(self) -> float:
        """The slot's length in hours."""
        return self.duration.total_seconds() / 3600.0


@dataclass(frozen=True, kw_only=True)
class AvailabilityWindow:
    """A period in which a device can be controlled (a car: plugged in)."""

    start: datetime
    end: datetime
