"""Reserve capacity prices from Energi Data Service replies, and the forecast a D-1 bid is made on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from statistics import median

import pytest

from custom_components.v2g_home.prices.models import PriceFormatError
from custom_components.v2g_home.prices.reserve_forecast import (
    bid_prices,
    same_hour_median,
)
from custom_components.v2g_home.prices.reserves import (
    DANISH,
    ReservePrices,
    parse_fcr_dk1,
    parse_fcr_nd,
    parse_mfrr,
    parse_number,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reserves"
HOUR = timedelta(hours=1)


def _load(name: str) -> object:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_fcr_n_and_d_on_the_spring_dst_day() -> None:
    prices = parse_fcr_nd(_load("FcrNdDK2_dk2_2025-03-30_dst.json"))
    assert prices.currency == "EUR"
    assert set(prices.prices) == {"fcr_n", "fcr_d_up", "fcr_d_down"}
    for hours in prices.prices.values():
        assert len(hours) == 23
        assert min(hours) == _utc("2025-03-29T23:00:00")
        assert max(hours) == _utc("2025-03-30T21:00:00")
    # The reply's first record: 23:00 Danish time, FCR-N at 17.1619 EUR per MW and hour.
    assert prices.prices["fcr_n"][_utc("2025-03-30T21:00:00")] == pytest.approx(17.1619)
    per_kw = prices.per_kw(7.46)
    assert per_kw["fcr_n"][_utc("2025-03-30T21:00:00")] == pytest.approx(
        17.1619 * 7.46 / 1000
    )


def test_other_auctions_and_areas_are_left_out() -> None:
    record = {
        "HourUTC": "2025-03-30T10:00:00",
        "PriceArea": "DK2",
        "ProductName": "FCR-N",
        "AuctionType": "D-1 early",
        "PriceTotalEUR": 99.0,
    }
    payload = {
        "records": [record, {**record, "PriceArea": "SE4", "AuctionType": "Total"}]
    }
    assert parse_fcr_nd(payload).prices == {}
    assert parse_fcr_nd(payload, auction="D-1 early").prices["fcr_n"] == {
        _utc("2025-03-30T10:00:00"): 99.0
    }


def test_mfrr_up_on_the_autumn_dst_day_in_both_currencies() -> None:
    payload = _load("MfrrCapacityMarket_2025-10-26_dst.json")
    dk2 = parse_mfrr(payload, area="DK2")
    hours = dk2.prices["mfrr_up"]
    assert len(hours) == 25
    local = [hour.astimezone(DANISH).hour for hour in sorted(hours)]
    assert local.count(2) == 2  # the hour the clocks repeat
    dkk = parse_mfrr(payload, area="DK2", currency="DKK").prices["mfrr_up"]
    ratio = {round(dkk[h] / hours[h], 1) for h in hours if hours[h] > 1}
    assert ratio == {7.5}
    assert parse_mfrr(payload, area="DK1").prices["mfrr_up"] != hours


def test_dk1_fcr_blocks_cover_every_hour_of_their_four_danish_hours() -> None:
    prices = parse_fcr_dk1(_load("FcrDK1_2025-03-30_dst_constructed.json"))
    hours = prices.prices["fcr_dk1"]
    assert len(hours) == 23  # six blocks, the first only three hours long
    first = [hours[_utc("2025-03-29T23:00:00") + i * HOUR] for i in range(3)]
    assert first == [9.8, 9.8, 9.8]
    assert (
        hours[_utc("2025-03-30T02:00:00")] == 12.4
    )  # 04:00 CEST starts the second block
    assert (
        parse_fcr_dk1(
            _load("FcrDK1_2025-03-30_dst_constructed.json"), currency="DKK"
        ).currency
        == "DKK"
    )


def test_csv_cells_with_a_decimal_comma_and_empty_cells() -> None:
    assert parse_number("21,175336", "x") == pytest.approx(21.175336)
    assert parse_number("", "x") is None
    assert parse_number(3, "x") == 3.0
    rows = [
        {"TimeUTC": "2025-12-31 22:00", "PriceArea": "DK2", "UpPriceEUR": "32,0"},
        {"TimeUTC": "2025-12-31 23:00", "PriceArea": "DK2", "UpPriceEUR": ""},
    ]
    assert parse_mfrr(rows).prices["mfrr_up"] == {_utc("2025-12-31T22:00:00"): 32.0}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"records": "no"}, "expected a 'records' list"),
        ({"records": ["no"]}, "expected an object"),
        (
            {"records": [{"TimeUTC": 5, "PriceArea": "DK2", "UpPriceEUR": 1}]},
            "time missing",
        ),
        (
            {"records": [{"TimeUTC": "soon", "PriceArea": "DK2", "UpPriceEUR": 1}]},
            "is not a time",
        ),
        (
            {
                "records": [
                    {
                        "TimeUTC": "2025-01-01T00:00:00",
                        "PriceArea": "DK2",
                        "UpPriceEUR": "x",
                    }
                ]
            },
            "is not a number",
        ),
        (
            {
                "records": [
                    {
                        "TimeUTC": "2025-01-01T00:00:00",
                        "PriceArea": "DK2",
                        "UpPriceEUR": True,
                    }
                ]
            },
            "not a number",
        ),
        (
            {
                "records": [
                    {
                        "TimeUTC": "2025-01-01T00:00:00",
                        "PriceArea": "DK2",
                        "UpPriceEUR": [1],
                    }
                ]
            },
            "not a number",
        ),
    ],
)
def test_a_malformed_reply_is_a_format_error(payload: object, message: str) -> None:
    with pytest.raises(PriceFormatError, match=message):
        parse_mfrr(payload)


def test_prices_merge_and_refuse_mixed_currencies() -> None:
    a = ReservePrices(
        currency="EUR", prices={"fcr_n": {_utc("2025-01-01T00:00:00"): 1.0}}
    )
    b = ReservePrices(
        currency="EUR",
        prices={"fcr_n": {_utc("2025-01-01T00:00:00"): 2.0}, "mfrr_up": {}},
    )
    assert a.merged(b).prices["fcr_n"] == {_utc("2025-01-01T00:00:00"): 2.0}
    with pytest.raises(ValueError, match="two currencies"):
        a.merged(ReservePrices(currency="DKK", prices={}))


def _week(start: datetime, price: object) -> dict[datetime, float]:
    return {start + i * HOUR: price(start + i * HOUR) for i in range(24 * 7)}  # type: ignore[operator]


def test_the_forecast_is_the_median_of_the_same_danish_hour() -> None:
    start = _utc(
        "2025-03-22T23:00:00"
    )  # a week of Danish days up to the spring DST day
    history = {
        hour: float(hour.astimezone(DANISH).hour + hour.day)
        for hour in (start + i * HOUR for i in range(24 * 7 - 1))
    }
    dst_day = [_utc("2025-03-29T23:00:00") + i * HOUR for i in range(23)]
    forecast = same_hour_median(history, dst_day)
    assert len(forecast) == 23
    for hour, price in forecast.items():
        local = hour.astimezone(DANISH).hour
        same = [p for h, p in history.items() if h.astimezone(DANISH).hour == local]
        assert price == median(same)


def test_the_forecast_of_an_hour_never_seen_is_the_median_of_all() -> None:
    # The autumn DST day repeats 02:00; a history without any 02:00 falls back on every hour.
    history = {
        _utc("2025-10-20T00:00:00") + i * HOUR: 1.0 + (i % 3)
        for i in range(48)
        if (_utc("2025-10-20T00:00:00") + i * HOUR).astimezone(DANISH).hour != 2
    }
    repeated = [_utc("2025-10-26T00:00:00"), _utc("2025-10-26T01:00:00")]
    assert {round(p, 6) for p in same_hour_median(history, repeated).values()} == {2.0}
    assert same_hour_median({}, repeated) == {}


def test_a_bid_uses_results_where_known_and_forecasts_after() -> None:
    start = _utc("2025-10-19T22:00:00")  # Danish midnight
    results = {"fcr_n": _week(start, lambda h: float(h.astimezone(DANISH).hour))}
    known_until = start + timedelta(days=6)
    hours = [known_until - 2 * HOUR + i * HOUR for i in range(30)]
    bid = bid_prices(results, hours, known_until=known_until)["fcr_n"]
    assert bid[known_until - HOUR] == results["fcr_n"][known_until - HOUR]
    later = known_until + 3 * HOUR
    # Every earlier day had this price in this Danish hour (the DST day included).
    assert bid[later] == float(later.astimezone(DANISH).hour)
    assert set(bid) == set(hours)
