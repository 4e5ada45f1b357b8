"""Read spot-price files (Energi Data Service CSV exports or plain `start,price`) into UTC price slots."""

from __future__ import annotations

from collections import Counter
import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
CURRENCIES = ("DKK", "EUR")
_KWH_PER_MWH = 1000.0
_SLOT_LENGTHS = (timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1))


class PriceFileError(ValueError):
    """A price file that cannot be used, with a one-line message for the user."""


class PriceFileFormat(StrEnum):
    """The price file layouts the backtest understands."""

    ELSPOT = "Energi Data Service Elspotprices"
    DAY_AHEAD = "Energi Data Service DayAheadPrices"
    PLAIN = "plain start,price"


@dataclass(frozen=True, kw_only=True)
class SpotSlot:
    """One delivery period and its spot price per kWh."""

    start: datetime
    duration: timedelta
    price_per_kwh: float

    @property
    def end(self) -> datetime:
        """The moment this slot ends (UTC)."""
        return self.start + self.duration


@dataclass(frozen=True, kw_only=True)
class SpotPrices:
    """A price file's slots for one area and currency, sorted by start, without gaps."""

    file_format: PriceFileFormat
    area: str | None
    currency: str
    slots: tuple[SpotSlot, ...]
    filled_slots: int


@dataclass(frozen=True, kw_only=True)
class _Layout:
    file_format: PriceFileFormat
    time_column: str
    area_column: str | None
    price_columns: dict[str, str]
    per_mwh: bool
    default_step: timedelta


_LAYOUTS = (
    _Layout(
        file_format=PriceFileFormat.ELSPOT,
        time_column="hourutc",
        area_column="pricearea",
        price_columns={"DKK": "spotpricedkk", "EUR": "spotpriceeur"},
        per_mwh=True,
        default_step=timedelta(hours=1),
    ),
    _Layout(
        file_format=PriceFileFormat.DAY_AHEAD,
        time_column="timeutc",
        area_column="pricearea",
        price_columns={"DKK": "dayaheadpricedkk", "EUR": "dayaheadpriceeur"},
        per_mwh=True,
        default_step=timedelta(minutes=15),
    ),
    _Layout(
        file_format=PriceFileFormat.PLAIN,
        time_column="start",
        area_column=None,
        price_columns={"DKK": "price", "EUR": "price"},
        per_mwh=False,
        default_step=timedelta(hours=1),
    ),
)


def load_price_file(
    path: Path,
    *,
    area: str = "DK1",
    currency: str = "DKK",
    start: date | None = None,
    end: date | None = None,
) -> SpotPrices:
    """Read a price file, keep one area, currency and Danish date range (end inclusive), and fill gaps."""
    if currency not in CURRENCIES:
        raise PriceFileError(
            f"unknown currency {currency!r} (use {' or '.join(CURRENCIES)})"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise PriceFileError(f"cannot read {path}: {err}") from err
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise PriceFileError(f"{path} is empty")
    delimiter = ";" if ";" in lines[0] else ","
    header = [cell.strip().strip('"').lower() for cell in lines[0].split(delimiter)]
    layout = _detect_layout(header, path)
    rows = csv.reader(lines[1:], delimiter=delimiter)
    columns = {name: index for index, name in enumerate(header)}
    prices = _read_rows(
        rows,
        columns,
        layout,
        area=area,
        currency=currency,
        delimiter=delimiter,
        path=path,
    )
    if not prices:
        raise PriceFileError(f"{path} has no {currency} prices for area {area}")
    selected = {
        moment: price for moment, price in prices.items() if _within(moment, start, end)
    }
    if not selected:
        raise PriceFileError(
            f"{path} has no prices between {start or 'the start'} and {end or 'the end'} (Danish time)"
        )
    slots, filled = contiguous_slots(selected, layout.default_step)
    return SpotPrices(
        file_format=layout.file_format,
        area=None if layout.area_column is None else area,
        currency=currency,
        slots=slots,
        filled_slots=filled,
    )


def _detect_layout(header: list[str], path: Path) -> _Layout:
    for layout in _LAYOUTS:
        wanted = {layout.time_column, *layout.price_columns.values()}
        if layout.area_column is not None:
            wanted.add(layout.area_column)
        if wanted <= set(header):
            return layout
    raise PriceFileError(
        f"{path}: unknown header {';'.join(header)!r} (expected Elspotprices, DayAheadPrices or start,price)"
    )


def _read_rows(
    rows: Iterable[list[str]],
    columns: dict[str, int],
    layout: _Layout,
    *,
    area: str,
    currency: str,
    delimiter: str,
    path: Path,
) -> dict[datetime, float]:
    time_index = columns[layout.time_column]
    price_index = columns[layout.price_columns[currency]]
    area_index = None if layout.area_column is None else columns[layout.area_column]
    areas_seen: set[str] = set()
    prices: dict[datetime, float] = {}
    for line_number, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row]
        if area_index is not None:
            row_area = _cell(cells, area_index).upper()
            areas_seen.add(row_area)
            if row_area != area.upper():
                continue
        price_text = _cell(cells, price_index)
        if not price_text:
            continue  # Energi Data Service leaves a cell empty when it has no price; the gap is filled later.
        moment = _parse_time(_cell(cells, time_index), layout, path, line_number)
        price = _parse_price(price_text, delimiter, path, line_number)
        if layout.per_mwh:
            price /= _KWH_PER_MWH
        known = prices.get(moment)
        if known is not None and abs(known - price) > 1e-9:
            raise PriceFileError(
                f"{path}:{line_number}: two different prices for {_danish(moment)} (Danish time)"
            )
        prices[moment] = price
    if area_index is not None and area.upper() not in areas_seen:
        found = ", ".join(sorted(areas_seen)) or "none"
        raise PriceFileError(f"{path}: area {area} not in file (areas: {found})")
    return prices


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip('"') if index < len(cells) else ""


def _parse_time(text: str, layout: _Layout, path: Path, line_number: int) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PriceFileError(f"{path}:{line_number}: bad time {text!r}") from None
    if moment.tzinfo is None:
        if layout.file_format is PriceFileFormat.PLAIN:
            raise PriceFileError(
                f"{path}:{line_number}: time {text!r} needs a UTC offset, e.g. +01:00"
            )
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse_price(text: str, delimiter: str, path: Path, line_number: int) -> float:
    # With `;` as separator Energi Data Service writes a decimal comma.
    normalised = text.replace(",", ".") if delimiter == ";" else text
    try:
        return float(normalised)
    except ValueError:
        raise PriceFileError(f"{path}:{line_number}: bad price {text!r}") from None


def _within(moment: datetime, start: date | None, end: date | None) -> bool:
    day = moment.astimezone(DANISH_TIME).date()
    return (start is None or day >= start) and (end is None or day <= end)


def _danish(moment: datetime) -> str:
    return moment.astimezone(DANISH_TIME).strftime("%Y-%m-%d %H:%M")


def contiguous_slots(
    prices: dict[datetime, float], default_step: timedelta
) -> tuple[tuple[SpotSlot, ...], int]:
    """Give every slot its length and fill holes with the price before them, counting the filled slots."""
    starts = sorted(prices)
    steps = [later - earlier for earlier, later in pairwise(starts)]
    usual = Counter(step for step in steps if step in _SLOT_LENGTHS).most_common(1)
    step_when_unknown = usual[0][0] if usual else default_step
    slots: list[SpotSlot] = []
    filled = 0
    for index, moment in enumerate(starts):
        gap = steps[index] if index < len(steps) else step_when_unknown
        length = gap if gap in _SLOT_LENGTHS else min(step_when_unknown, gap)
        slots.append(
            SpotSlot(start=moment, duration=length, price_per_kwh=prices[moment])
        )
        cursor = moment + length
        next_start = starts[index + 1] if index + 1 < len(starts) else cursor
        while cursor < next_start:
            hole = min(step_when_unknown, next_start - cursor)
            slots.append(
                SpotSlot(start=cursor, duration=hole, price_per_kwh=prices[moment])
            )
            filled += 1
            cursor += hole
    return tuple(slots), filled
