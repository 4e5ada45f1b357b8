"""The backtest's reserve market: capacity prices from Energi Data Service CSV files, and its settings."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..prices.models import PriceFormatError
from ..prices.reserves import ReservePrices, parse_fcr_dk1, parse_fcr_nd, parse_mfrr
from .price_files import PriceFileError
from .reserve_products import ReserveProduct, product

if TYPE_CHECKING:
    from pathlib import Path

EUR_DKK = 7.46  # the krone's central rate to the euro (ERM II): FcrNdDK2 prices are in EUR only
DEFAULT_PRODUCTS = ("fcr_n", "fcr_d_up", "fcr_d_down")


@dataclass(frozen=True, kw_only=True)
class ReserveSetup:
    """What the simulated car may sell: products, their real prices per kW and hour, the settings."""

    products: tuple[ReserveProduct, ...]
    prices: dict[
        str, dict[datetime, float]
    ]  # per kW and hour, the spot file's currency
    aggregator_share: float = 0.4
    activation: dict[str, float] = field(default_factory=dict)
    # Danish hour the day before at which every product is bid; None: an hour before each one's
    # auction closes (ReserveProduct.gate_hour). From 13:00 the day's spot prices are known.
    bid_hour: int | None = None


def _records(path: Path) -> tuple[list[dict[str, str]], set[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise PriceFileError(f"cannot read {path}: {err}") from err
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise PriceFileError(f"{path} is empty")
    delimiter = ";" if ";" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    rows = [
        {
            k.strip().strip('"'): (v or "").strip().strip('"')
            for k, v in row.items()
            if k
        }
        for row in reader
    ]
    return rows, {name.strip().strip('"') for name in reader.fieldnames or ()}


def load_reserve_file(path: Path, *, area: str, currency: str) -> ReservePrices:
    """FcrNdDK2, FcrDK1 or MfrrCapacityMarket CSV (told apart by their columns), prices per MW."""
    rows, header = _records(path)
    try:
        if {"ProductName", "PriceTotalEUR", "HourUTC"} <= header:
            return parse_fcr_nd(rows)
        if {"HourUTC", "FCRdk_EUR"} <= header:
            return parse_fcr_dk1(
                rows, currency=currency if f"FCRdk_{currency}" in header else "EUR"
            )
        if {"TimeUTC", "UpPriceEUR"} <= header:
            chosen = currency if f"UpPrice{currency}" in header else "EUR"
            return parse_mfrr(rows, area=area, currency=chosen)
    except PriceFormatError as err:
        raise PriceFileError(f"{path}: {err}") from err
    raise PriceFileError(
        f"{path}: not an FcrNdDK2, FcrDK1 or MfrrCapacityMarket file (columns: {', '.join(sorted(header))})"
    )


def reserve_setup(
    paths: list[Path],
    *,
    products: str | None,
    area: str,
    currency: str,
    aggregator_share: float,
    fcr_n_activation: float,
    bid_hour: int | None = None,
) -> ReserveSetup:
    """Read the price files and choose the products (by default every one the files price)."""
    per_kw: dict[str, dict[datetime, float]] = {}
    for path in paths:
        prices = load_reserve_file(path, area=area, currency=currency)
        rate = EUR_DKK if prices.currency == "EUR" and currency == "DKK" else 1.0
        if prices.currency == "DKK" and currency == "EUR":
            rate = 1.0 / EUR_DKK
        for key, hours in prices.per_kw(rate).items():
            per_kw.setdefault(key, {}).update(hours)
    if products is None:
        chosen = tuple(product(key) for key in per_kw)
    else:
        try:
            chosen = tuple(product(key) for key in products.split(",") if key.strip())
        except ValueError as err:
            raise PriceFileError(f"--reserves: {err}") from None
    missing = [p.name for p in chosen if p.key not in per_kw]
    if missing:
        raise PriceFileError(
            f"--reserves: no prices for {', '.join(missing)} in the reserve price files"
        )
    if not chosen:
        raise PriceFileError("--reserves: no product chosen")
    return ReserveSetup(
        products=chosen,
        prices={p.key: per_kw[p.key] for p in chosen},
        aggregator_share=aggregator_share,
        activation={p.key: fcr_n_activation for p in chosen if p.key == "fcr_n"},
        bid_hour=bid_hour,
    )
