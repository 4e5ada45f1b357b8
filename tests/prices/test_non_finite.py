"""A price that is not a finite number becomes a gap at every entry point, never a planned slot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import math

import pytest

from custom_components.v2g_home.prices.combine import TariffSettings, apply_tariffs
from custom_components.v2g_home.prices.energidataservice import (
    DAY_AHEAD,
    parse_records,
)
from custom_components.v2g_home.prices.entity_adapters import parse_entity_prices
from custom_components.v2g_home.prices.models import (
    PriceForecast,
    PriceSeries,
    PriceSlot,
)
from custom_components.v2g_home.prices.series import RawPoint, build_series

START = datetime(2026, 1, 14, 0, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
BAD = [math.nan, math.inf, -math.inf]


def _starts(series: PriceSeries) -> list[datetime]:
    return [slot.start for slot in series.slots]


@pytest.mark.parametrize("bad", BAD)
def test_build_series_leaves_a_gap_where_the_price_is_not_finite(bad: float) -> None:
    points = [
        RawPoint(start=START + i * QUARTER, price_per_kwh=bad if i == 1 else 0.5)
        for i in range(3)
    ]
    series = build_series(points, currency="DKK", source="test")
    assert _starts(series) == [START, START + 2 * QUARTER]
    assert series.slots[0].end == START + QUARTER  # the gap is not papered over
    assert series.covers(START + QUARTER) is None


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_energi_data_service_records_with_nan_become_gaps(bad: float) -> None:
    payload = {
        "records": [
            {
                "TimeUTC": (START + i * QUARTER).strftime("%Y-%m-%dT%H:%M:%S"),
                "PriceArea": "DK1",
                "DayAheadPriceDKK": bad if i == 2 else 500.0,
            }
            for i in range(4)
        ]
    }
    series = parse_records(payload, dataset=DAY_AHEAD, area="DK1", currency="DKK")
    assert START + 2 * QUARTER not in _starts(series)
    assert len(series.slots) == 3
    assert all(math.isfinite(slot.price_per_kwh) for slot in series.slots)


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN"])
def test_entity_attributes_with_non_finite_text_become_gaps(text: str) -> None:
    hour = timedelta(hours=1)
    attributes = {
        "unit_of_measurement": "DKK/kWh",
        "raw_today": [
            {
                "start": (START + i * hour).isoformat(),
                "end": (START + (i + 1) * hour).isoformat(),
                "value": text if i == 1 else 1.25,
            }
            for i in range(3)
        ],
    }
    series = parse_entity_prices(attributes)
    assert _starts(series) == [START, START + 2 * hour]


class _BrokenGrid:
    """A grid-rate template that renders NaN for one hour (as a broken template would)."""

    name = "broken"
    valid_to: date | None = None

    def rate_per_kwh(self, when: datetime) -> float:
        return math.nan if when == START + QUARTER else 0.2

    def holds_on(self, day: date) -> bool:
        return True


def test_tariffs_that_make_a_price_non_finite_leave_a_gap() -> None:
    series = PriceSeries(
        currency="DKK",
        source="test",
        slots=tuple(
            PriceSlot(start=START + i * QUARTER, duration=QUARTER, price_per_kwh=0.5)
            for i in range(3)
        ),
    )
    priced = apply_tariffs(series, TariffSettings(grid=_BrokenGrid()))
    assert [slot.start for slot in priced] == [START, START + 2 * QUARTER]
    assert all(math.isfinite(slot.buy_per_kwh) for slot in priced)
    forecast = PriceForecast(
        currency="DKK",
        source="test",
        slots=priced,
        fetched_at=START,
        tomorrow_known=False,
        next_update=None,
    )
    assert not forecast.covers_hours_ahead(START, 0.75)  # the gap is visible downstream


def test_a_huge_spot_price_that_overflows_with_vat_leaves_a_gap() -> None:
    series = PriceSeries(
        currency="DKK",
        source="test",
        slots=(PriceSlot(start=START, duration=QUARTER, price_per_kwh=1.7e308),),
    )
    assert apply_tariffs(series, TariffSettings()) == ()
