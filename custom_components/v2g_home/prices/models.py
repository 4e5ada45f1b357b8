"""Typed price values shared by every price source, the tariffs and the planner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

SOURCE_ENERGIDATASERVICE = "energidataservice"
SOURCE_NORDPOOL_HACS = "nordpool_hacs"
SOURCE_NORDPOOL_CORE = "nordpool_core"
SOURCE_ENERGIDATASERVICE_HACS = "energidataservice_hacs"
SOURCE_ENTSOE = "entsoe"


class PriceError(Exception):
    """Base of every error the prices package raises."""


class PriceFormatError(PriceError):
    """A reply or an entity's attributes do not have the shape we expect."""


class PriceFetchError(PriceError):
    """Prices could not be fetched (network, HTTP status, timeout)."""


class RateLimitedError(PriceFetchError):
    """The service answered 429; retry_after_s says when to try again."""

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        """Remember when the service allows the next request."""
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _require_utc(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        msg = f"slot start must be timezone-aware UTC, got {value!r}"
        raise ValueError(msg)


@dataclass(frozen=True, kw_only=True)
class PriceSlot:
    """One market time unit: the spot price from start for duration."""

    start: datetime
    duration: timedelta
    price_per_kwh: float

    def __post_init__(self) -> None:
        """Reject local or naive starts early: everything inside is UTC."""
        _require_utc(self.start)

    @property
    def end(self) -> datetime:
        """When the slot ends."""
        return self.start + self.duration


@dataclass(frozen=True, kw_only=True)
class PriceSeries:
    """Spot prices per kWh from one source, sorted by start, without overlaps."""

    currency: str
    source: str
    slots: tuple[PriceSlot, ...] = ()

    def covers(self, when: datetime) -> PriceSlot | None:
        """Return the slot that contains the instant, if any."""
        for slot in self.slots:
            if slot.start <= when < slot.end:
                return slot
        return None


@dataclass(frozen=True, kw_only=True)
class BuyAndSell:
    """What a kWh costs to buy and earns to sell in one slot (currency of the forecast)."""

    start: datetime
    duration: timedelta
    spot_per_kwh: float
    buy_per_kwh: float
    sell_per_kwh: float

    @property
    def end(self) -> datetime:
        """When the slot ends."""
        return self.start + self.duration


@dataclass(frozen=True, kw_only=True)
class PriceForecast:
    """Buy and sell prices per slot, as the planner and the entities see them."""

    currency: str
    source: str
    slots: tuple[BuyAndSell, ...]
    fetched_at: datetime | None
    tomorrow_known: bool
    next_update: datetime | None
    stale: bool = False
    last_error: str | None = field(default=None)
    # After the last known slot, at prices expected from the known ones (prices.lookahead): never driven.
    expected: tuple[BuyAndSell, ...] = ()

    def slot_at(self, when: datetime) -> BuyAndSell | None:
        """Return the slot that contains the instant, if known."""
        for slot in self.slots:
            if slot.start <= when < slot.end:
                return slot
        return None

    def slots_from(self, when: datetime) -> tuple[BuyAndSell, ...]:
        """Return the known slots that have not ended yet at the instant."""
        return tuple(slot for slot in self.slots if slot.end > when)

    def known_until(self) -> datetime | None:
        """Return the end of the last known slot."""
        return self.slots[-1].end if self.slots else None

    def covers_hours_ahead(self, when: datetime, hours: float) -> bool:
        """Tell whether every instant of the next hours has a known price (no gaps)."""
        horizon = when + timedelta(hours=hours)
        cursor = when
        for slot in self.slots:
            if slot.end <= cursor:
                continue
            if slot.start > cursor:
                return False
            cursor = slot.end
            if cursor >= horizon:
                return True
        return cursor >= horizon


def empty_forecast(*, currency: str, source: str) -> PriceForecast:
    """Return a forecast that knows nothing yet (before the first fetch)."""
    return PriceForecast(
        currency=currency,
        source=source,
        slots=(),
        fetched_at=None,
        tomorrow_known=False,
        next_update=None,
        stale=True,
    )
