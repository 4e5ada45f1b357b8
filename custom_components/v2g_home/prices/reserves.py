"""Reserve capacity prices from Energi Data Service: FcrNdDK2, FcrDK1 and MfrrCapacityMarket records.

The API answers `{"records": [...]}` with the fields below (times in UTC and Danish time without an
offset, numbers as numbers); its CSV downloads carry the same fields (`;`, decimal comma), which
`parse_number` reads too. Prices are per MW and hour; a product's prices end up keyed by the UTC start
of every hour they pay for (a DK1 FCR block's price on each of its hours).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from .models import PriceFormatError

DANISH: Final = ZoneInfo("Europe/Copenhagen")
FCR_ND_DATASET: Final = "FcrNdDK2"
FCR_DK1_DATASET: Final = "FcrDK1"
MFRR_DATASET: Final = "MfrrCapacityMarket"
# FcrNdDK2's ProductName -> the planner's product key.
FCR_ND_PRODUCTS: Final = {
    "FCR-N": "fcr_n",
    "FCR-D upp": "fcr_d_up",
    "FCR-D ned": "fcr_d_down",
}
FCR_DK1_KEY: Final = "fcr_dk1"
MFRR_UP_KEY: Final = "mfrr_up"
FCR_DK1_BLOCK_HOURS: Final = 4
_HOUR = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class ReservePrices:
    """Capacity prices per product key and UTC hour start, per MW and hour, in one currency."""

    currency: str
    prices: Mapping[str, Mapping[datetime, float]]

    def per_kw(self, rate: float = 1.0) -> dict[str, dict[datetime, float]]:
        """The prices per kW and hour, times `rate` (an exchange rate into the plan's currency)."""
        return {
            key: {hour: price * rate / 1000.0 for hour, price in hours.items()}
            for key, hours in self.prices.items()
        }

    def merged(self, other: ReservePrices) -> ReservePrices:
        """Both sets of prices (the other's win where both have an hour)."""
        if other.currency != self.currency:
            raise ValueError("reserve prices in two currencies cannot be merged")
        keys = set(self.prices) | set(other.prices)
        return ReservePrices(
            currency=self.currency,
            prices={
                key: {**self.prices.get(key, {}), **other.prices.get(key, {})}
                for key in keys
            },
        )


def parse_number(value: Any, where: str) -> float | None:
    """A number from a record: JSON numbers, or CSV text with a decimal comma; empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PriceFormatError(f"{where}: not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            raise PriceFormatError(f"{where}: {value!r} is not a number") from None
    raise PriceFormatError(f"{where}: not a number")


def parse_utc(value: Any, where: str) -> datetime:
    """An Energi Data Service UTC time ('2025-03-30T01:00:00' or '2025-03-30 01:00')."""
    if not isinstance(value, str):
        raise PriceFormatError(f"{where}: time missing or not text")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PriceFormatError(f"{where}: {value!r} is not a time") from None
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )


def _records(payload: Any, dataset: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    records = payload.get("records") if isinstance(payload, Mapping) else payload
    if not isinstance(records, list):
        raise PriceFormatError(f"{dataset}: expected a 'records' list")
    for index, record in enumerate(records):
        where = f"{dataset}.records[{index}]"
        if not isinstance(record, Mapping):
            raise PriceFormatError(f"{where}: expected an object")
        yield where, record


def parse_fcr_nd(
    payload: Any, *, area: str = "DK2", auction: str = "Total"
) -> ReservePrices:
    """FCR-N and FCR-D up/down prices (EUR per MW and hour) of one area and auction type.

    Since February 2024 the D-1 early and D-1 late auctions each have a price; `Total` is their
    volume-weighted price, what a unit sold in both was paid on average.
    """
    prices: dict[str, dict[datetime, float]] = {
        key: {} for key in FCR_ND_PRODUCTS.values()
    }
    for where, record in _records(payload, FCR_ND_DATASET):
        if record.get("PriceArea") != area or record.get("AuctionType") != auction:
            continue
        key = FCR_ND_PRODUCTS.get(str(record.get("ProductName")))
        if key is None:
            continue
        price = parse_number(record.get("PriceTotalEUR"), where)
        if price is not None:
            prices[key][parse_utc(record.get("HourUTC"), where)] = price
    return ReservePrices(currency="EUR", prices={k: v for k, v in prices.items() if v})


def _block_hours(start: datetime) -> list[datetime]:
    """The UTC hours from `start` to the end of its 4-hour block of Danish time."""
    local = start.astimezone(DANISH)
    following = (local.hour // FCR_DK1_BLOCK_HOURS + 1) * FCR_DK1_BLOCK_HOURS
    day = local.date() + timedelta(days=following // 24)
    end = datetime.combine(day, time(following % 24), tzinfo=DANISH).astimezone(UTC)
    hours = []
    moment = start
    while moment < end:
        hours.append(moment)
        moment += _HOUR
    return hours


def parse_fcr_dk1(payload: Any, *, currency: str = "EUR") -> ReservePrices:
    """DK1 FCR prices (the Danish price `FCRdk_*`), each block's price on every hour of its block."""
    column = f"FCRdk_{currency}"
    hours: dict[datetime, float] = {}
    for where, record in _records(payload, FCR_DK1_DATASET):
        price = parse_number(record.get(column), where)
        if price is None:
            continue
        for hour in _block_hours(parse_utc(record.get("HourUTC"), where)):
            hours[hour] = price
    return ReservePrices(
        currency=currency, prices={FCR_DK1_KEY: hours} if hours else {}
    )


def parse_mfrr(
    payload: Any, *, area: str = "DK2", currency: str = "EUR"
) -> ReservePrices:
    """Capacity prices of mFRR up in one area (per MW and hour)."""
    column = f"UpPrice{currency}"
    hours: dict[datetime, float] = {}
    for where, record in _records(payload, MFRR_DATASET):
        if record.get("PriceArea") != area:
            continue
        price = parse_number(record.get(column), where)
        if price is not None:
            hours[parse_utc(record.get("TimeUTC"), where)] = price
    return ReservePrices(
        currency=currency, prices={MFRR_UP_KEY: hours} if hours else {}
    )
