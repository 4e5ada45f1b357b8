"""Tests for reading Energi Data Service and plain price files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from custom_components.v2g_home.planner.price_files import (
    PriceFileError,
    PriceFileFormat,
    load_price_file,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "backtest"
ELSPOT = FIXTURES / "elspotprices_dk1_2023-10-26_2023-11-01.csv"
DAY_AHEAD = FIXTURES / "dayaheadprices_dk1_2024-03-30_2024-04-01.csv"
PLAIN = FIXTURES / "plain_dk1_dkk_2024-06-10_2024-06-12.csv"
ELSPOT_HEADER = "HourUTC;HourDK;PriceArea;SpotPriceDKK;SpotPriceEUR"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_elspot_file_becomes_hourly_utc_slots_per_kwh_oldest_first() -> None:
    prices = load_price_file(ELSPOT)
    assert prices.file_format is PriceFileFormat.ELSPOT
    assert (prices.area, prices.currency, prices.filled_slots) == ("DK1", "DKK", 0)
    assert len(prices.slots) == 7 * 24 + 1  # one 25-hour day
    assert prices.slots[0].start == datetime(2023, 10, 25, 22, tzinfo=UTC)
    assert all(slot.duration == timedelta(hours=1) for slot in prices.slots)
    assert all(
        a.end == b.start for a, b in zip(prices.slots, prices.slots[1:], strict=False)
    )
    # 2023-11-01 23:00 Danish time: 140,039993 DKK/MWh in the file.
    assert prices.slots[-1].price_per_kwh == pytest.approx(0.140039993)


def test_autumn_dst_day_has_25_slots_and_eur_column_is_used() -> None:
    prices = load_price_file(
        ELSPOT, currency="EUR", start=date(2023, 10, 29), end=date(2023, 10, 29)
    )
    assert prices.currency == "EUR"
    assert len(prices.slots) == 25
    assert prices.slots[0].start == datetime(2023, 10, 28, 22, tzinfo=UTC)
    # 2023-10-29 02:00 CEST (00:00 UTC) cost 0,010000 EUR/MWh.
    assert prices.slots[2].price_per_kwh == pytest.approx(0.00001)


def test_date_range_is_danish_days_with_inclusive_end() -> None:
    prices = load_price_file(ELSPOT, start=date(2023, 10, 27), end=date(2023, 10, 28))
    assert len(prices.slots) == 48
    assert prices.slots[0].start == datetime(2023, 10, 26, 22, tzinfo=UTC)
    assert prices.slots[-1].end == datetime(2023, 10, 28, 22, tzinfo=UTC)


def test_day_ahead_file_has_quarter_hours_and_a_23_hour_spring_day() -> None:
    prices = load_price_file(DAY_AHEAD, start=date(2024, 3, 31), end=date(2024, 3, 31))
    assert prices.file_format is PriceFileFormat.DAY_AHEAD
    assert len(prices.slots) == 23 * 4
    assert all(slot.duration == timedelta(minutes=15) for slot in prices.slots)
    assert sum((slot.duration for slot in prices.slots), timedelta()) == timedelta(
        hours=23
    )


def test_day_ahead_columns_are_not_swapped() -> None:
    dkk = load_price_file(DAY_AHEAD, currency="DKK").slots[0].price_per_kwh
    eur = load_price_file(DAY_AHEAD, currency="EUR").slots[0].price_per_kwh
    assert dkk / eur == pytest.approx(7.46, rel=0.01)


def test_plain_file_keeps_price_per_kwh_and_offsets() -> None:
    prices = load_price_file(PLAIN, area="DK2", currency="EUR")
    assert prices.file_format is PriceFileFormat.PLAIN
    assert prices.area is None  # a plain file has no area column to filter on
    assert len(prices.slots) == 72
    assert prices.slots[0].start == datetime(2024, 6, 9, 22, tzinfo=UTC)
    assert prices.slots[0].price_per_kwh == pytest.approx(0.27714)


def test_plain_file_with_mixed_slot_lengths(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "start,price\n"
        "2025-10-01T00:00:00+02:00,0.5\n"
        "2025-10-01T01:00:00+02:00,0.4\n"
        "2025-10-01T01:15:00+02:00,0.3\n"
        "2025-10-01T01:30:00+02:00,0.2\n"
        "2025-10-01T01:45:00+02:00,0.1\n",
    )
    slots = load_price_file(path).slots
    assert [slot.duration for slot in slots] == [timedelta(hours=1)] + [
        timedelta(minutes=15)
    ] * 4


def test_identical_duplicates_are_dropped_and_empty_cells_filled_from_the_hour_before(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        f"{ELSPOT_HEADER}\n"
        "2024-01-01 02:00:00;2024-01-01 03:00:00;DK1;300,0;40,0\n"
        "2024-01-01 01:00:00;2024-01-01 02:00:00;DK1;;\n"
        "2024-01-01 00:00:00;2024-01-01 01:00:00;DK1;100,0;13,0\n"
        "2024-01-01 00:00:00;2024-01-01 01:00:00;DK1;100,0;13,0\n",
    )
    prices = load_price_file(path)
    assert [slot.price_per_kwh for slot in prices.slots] == pytest.approx(
        [0.1, 0.1, 0.3]
    )
    assert prices.filled_slots == 1


def test_comma_separated_export_with_decimal_points(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "HourUTC,HourDK,PriceArea,SpotPriceDKK,SpotPriceEUR\n"
        '"2024-01-01 00:00:00","2024-01-01 01:00:00","DK2","123.5","16.5"\n',
    )
    assert load_price_file(path, area="DK2").slots[0].price_per_kwh == pytest.approx(
        0.1235
    )


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("", {}, "is empty"),
        ("when;what\n1;2\n", {}, "unknown header"),
        (
            f"{ELSPOT_HEADER}\n2024-01-01 00:00:00;x;DK1;1,0;1,0\n",
            {"area": "DK2"},
            "area DK2 not in file (areas: DK1)",
        ),
        (
            f"{ELSPOT_HEADER}\n2024-01-01 00:00:00;x;DK1;;\n",
            {},
            "no DKK prices for area DK1",
        ),
        (
            f"{ELSPOT_HEADER}\n2024-01-01 00:00:00;x;DK1;1,0;1,0\n",
            {"start": date(2025, 1, 1)},
            "no prices between",
        ),
        (f"{ELSPOT_HEADER}\nyesterday;x;DK1;1,0;1,0\n", {}, ":2: bad time 'yesterday'"),
        (
            f"{ELSPOT_HEADER}\n2024-01-01 00:00:00;x;DK1;cheap;1,0\n",
            {},
            ":2: bad price 'cheap'",
        ),
        ("start,price\n2024-01-01T00:00:00,0.1\n", {}, "needs a UTC offset"),
        (
            f"{ELSPOT_HEADER}\n2024-01-01 00:00:00;x;DK1;1,0;1,0\n2024-01-01 00:00:00;x;DK1;2,0;1,0\n",
            {},
            ":3: two different prices for 2024-01-01 01:00",
        ),
        (
            "start,price\n2024-01-01T00:00:00+01:00,0.1\n",
            {"currency": "SEK"},
            "unknown currency 'SEK'",
        ),
    ],
)
def test_unusable_files_raise_one_line_errors(
    tmp_path: Path, text: str, kwargs: dict[str, object], message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PriceFileError, match="^[^\n]*$") as caught:
        load_price_file(path, **kwargs)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_missing_file_is_a_price_file_error(tmp_path: Path) -> None:
    with pytest.raises(PriceFileError, match="cannot read"):
        load_price_file(tmp_path / "nowhere.csv")
