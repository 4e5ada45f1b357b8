"""Slot series: sorting, duplicates, gaps, overlaps, coverage and the fetch schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.prices.models import (
    BuyAndSell,
    PriceForecast,
    PriceSeries,
    PriceSlot,
)
from custom_components.v2g_home.prices.schedule import (
    covers_day,
    danish_day,
    known_until,
    next_fetch_after_failure,
    next_fetch_after_success,
)
from custom_components.v2g_home.prices.series import (
    RawPoint,
    build_series,
    merge_series,
)

T0 = datetime(2026, 1, 14, 0, 0, tzinfo=UTC)
Q = timedelta(minutes=15)


def test_build_series_sorts_cuts_overlaps_and_drops_nan() -> None:
    """Unsorted points with an overlapping end and a NaN become clean, non-overlapping slots."""
    points = [
        RawPoint(start=T0 + Q, price_per_kwh=0.2),
        RawPoint(start=T0, price_per_kwh=0.1, end=T0 + 2 * Q),
        RawPoint(start=T0 + 2 * Q, price_per_kwh=float("nan")),
    ]
    series = build_series(points, currency="DKK", source="t")
    assert [(s.start, s.duration, s.price_per_kwh) for s in series.slots] == [
        (T0, Q, 0.1),
        (T0 + Q, Q, 0.2),
    ]


def test_single_point_defaults_to_an_hour() -> None:
    """With nothing to infer the step from, a slot lasts an hour."""
    series = build_series(
        [RawPoint(start=T0, price_per_kwh=0.1)], currency="DKK", source="t"
    )
    assert series.slots[0].duration == timedelta(hours=1)


def test_merge_prefers_the_newer_series_and_rejects_mixed_currencies() -> None:
    """Merging keeps old slots, lets new ones win, and never mixes currencies."""
    old = PriceSeries(
        currency="DKK",
        source="a",
        slots=(
            PriceSlot(start=T0, duration=Q, price_per_kwh=1.0),
            PriceSlot(start=T0 + Q, duration=Q, price_per_kwh=1.0),
        ),
    )
    new = PriceSeries(
        currency="DKK",
        source="b",
        slots=(PriceSlot(start=T0 + Q, duration=Q, price_per_kwh=2.0),),
    )
    merged = merge_series(old, new)
    assert [s.price_per_kwh for s in merged.slots] == [1.0, 2.0]
    with pytest.raises(ValueError, match="DKK with EUR"):
        merge_series(old, PriceSeries(currency="EUR", source="c"))


def test_slots_must_be_utc() -> None:
    """A naive or local start is a programming error caught at once."""
    with pytest.raises(ValueError, match="UTC"):
        PriceSlot(start=datetime(2026, 1, 14), duration=Q, price_per_kwh=0.1)


def _forecast(*starts: datetime) -> PriceForecast:
    slots = tuple(
        BuyAndSell(
            start=s, duration=Q, spot_per_kwh=0.1, buy_per_kwh=0.5, sell_per_kwh=0.09
        )
        for s in starts
    )
    return PriceForecast(
        currency="DKK",
        source="t",
        slots=slots,
        fetched_at=T0,
        tomorrow_known=False,
        next_update=None,
    )


def test_coverage_ahead_sees_gaps() -> None:
    """covers_hours_ahead is false when a slot is missing inside the horizon."""
    full = _forecast(*(T0 + i * Q for i in range(8)))
    assert full.covers_hours_ahead(T0 + timedelta(minutes=5), 1.5)
    assert not full.covers_hours_ahead(T0, 3)
    gap = _forecast(T0, T0 + 2 * Q, T0 + 3 * Q)
    assert not gap.covers_hours_ahead(T0, 0.75)
    assert gap.slot_at(T0 + Q) is None
    assert gap.slot_at(T0 + 2 * Q + timedelta(minutes=1)) is gap.slots[1]
    assert gap.slots_from(T0 + 2 * Q) == gap.slots[1:]
    assert gap.known_until() == T0 + 4 * Q
    assert not _forecast().covers_hours_ahead(T0, 1)
    assert _forecast().known_until() is None


def test_publication_schedule() -> None:
    """Before 13:00 wait for publication; after it poll every 10 minutes until tomorrow is known."""
    morning = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert next_fetch_after_success(morning, tomorrow_known=False) == datetime(
        2026, 1, 14, 12, 0, tzinfo=UTC
    )
    afternoon = datetime(2026, 1, 14, 12, 30, tzinfo=UTC)  # 13:30 CET
    assert next_fetch_after_success(
        afternoon, tomorrow_known=False
    ) == afternoon + timedelta(minutes=10)
    assert next_fetch_after_success(afternoon, tomorrow_known=True) == datetime(
        2026, 1, 15, 12, 0, tzinfo=UTC
    )
    summer = datetime(2026, 6, 13, 12, 0, tzinfo=UTC)  # 14:00 CEST
    assert next_fetch_after_success(summer, tomorrow_known=True) == datetime(
        2026, 6, 14, 11, 0, tzinfo=UTC
    )


def test_backoff_doubles_up_to_30_minutes_and_honours_retry_after() -> None:
    """1, 2, 4 ... 30 minutes; a longer Retry-After wins."""
    assert next_fetch_after_failure(T0, failures=1) == T0 + timedelta(minutes=1)
    assert next_fetch_after_failure(T0, failures=3) == T0 + timedelta(minutes=4)
    assert next_fetch_after_failure(T0, failures=50) == T0 + timedelta(minutes=30)
    assert next_fetch_after_failure(
        T0, failures=1, retry_after_s=600
    ) == T0 + timedelta(minutes=10)


def test_day_coverage_on_a_dst_day() -> None:
    """Tomorrow is known only when prices reach the end of the Danish day (25 hours on 2025-10-26)."""
    evening = datetime(2025, 10, 25, 14, 0, tzinfo=UTC)
    tomorrow = danish_day(evening, 1)
    assert not covers_day(datetime(2025, 10, 26, 22, 0, tzinfo=UTC), tomorrow)
    assert covers_day(datetime(2025, 10, 26, 23, 0, tzinfo=UTC), tomorrow)
    assert not covers_day(None, tomorrow)
    assert known_until(PriceSeries(currency="DKK", source="t")) is None
