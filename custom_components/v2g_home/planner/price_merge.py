"""Several spot-price files read as one series (a year that changed from hourly to 15-minute prices)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .price_files import (
    DANISH_TIME,
    PriceFileError,
    SpotPrices,
    SpotSlot,
    contiguous_slots,
    load_price_file,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from pathlib import Path


def load_price_files(
    paths: Sequence[Path],
    *,
    area: str = "DK1",
    currency: str = "DKK",
    start: date | None = None,
    end: date | None = None,
) -> SpotPrices:
    """Several price files as one series (e.g. hourly Elspotprices, then 15-minute DayAheadPrices).

    Files without prices in the range are skipped; a slot two files price differently is an error;
    a hole between files is filled with the price before it.
    """
    loaded: list[SpotPrices] = []
    for path in paths:
        try:
            loaded.append(
                load_price_file(
                    path, area=area, currency=currency, start=start, end=end
                )
            )
        except PriceFileError as err:
            if len(paths) == 1 or "has no prices between" not in str(err):
                raise
    if not loaded:
        raise PriceFileError(
            f"no prices between {start or 'the start'} and {end or 'the end'} (Danish time) in any file"
        )
    by_start: dict[datetime, SpotSlot] = {}
    for prices in loaded:
        for slot in prices.slots:
            known = by_start.setdefault(slot.start, slot)
            if abs(known.price_per_kwh - slot.price_per_kwh) > 1e-9:
                moment = slot.start.astimezone(DANISH_TIME)
                raise PriceFileError(
                    f"two files price {moment:%Y-%m-%d %H:%M} (Danish time) differently"
                )
    merged = {start: slot.price_per_kwh for start, slot in by_start.items()}
    slots, filled = contiguous_slots(merged, loaded[0].slots[0].duration)
    first = loaded[0]
    return SpotPrices(
        file_format=first.file_format,
        area=first.area,
        currency=currency,
        slots=slots,
        filled_slots=filled + sum(p.filled_slots for p in loaded),
    )
