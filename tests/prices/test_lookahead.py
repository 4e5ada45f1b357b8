"""Expected prices for the day after the known ones: slot times, the learned spot price, the tariffs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from custom_components.v2g_home.planner.expected import LOOKAHEAD
from custom_components.v2g_home.prices.combine import TariffSettings, apply_tariffs
from custom_components.v2g_home.prices.lookahead import expected_after
from custom_components.v2g_home.prices.models import BuyAndSell, PriceSeries, PriceSlot
from custom_components.v2g_home.prices.tariffs import available_presets

QUARTER = timedelta(minutes=15)
SETTINGS = TariffSettings(grid=available_presets()["radius"])


def _known(
    start: datetime, spots: list[float], step: timedelta = QUARTER
) -> tuple[BuyAndSell, ...]:
    series = PriceSeries(
        currency="DKK",
        source="test",
        slots=tuple(
            PriceSlot(start=start + i * step, duration=step, price_per_kwh=spot)
            for i, spot in enumerate(spots)
        ),
    )
    return apply_tariffs(series, SETTINGS)


def test_a_day_after_the_last_known_slot_in_its_slot_length() -> None:
    """Quarter hours from the end of the known prices, contiguous, for 24 h."""
    known = _known(datetime(2026, 1, 13, 23, 0, tzinfo=UTC), [1.0] * 96)
    ahead = expected_after(known, SETTINGS, "DKK")
    assert len(ahead) == 96
    assert ahead[0].start == known[-1].end
    assert all(b.start == a.end for a, b in pairwise(ahead))
    assert ahead[-1].end == known[-1].end + LOOKAHEAD


def test_each_slot_repeats_its_local_hour_and_pays_that_hours_tariff() -> None:
    """One known Danish day (hourly spot = the local hour / 10): tomorrow expects the same by hour.

    Buy and sell come from the tariffs at the expected slot's own time, as a published slot's do.
    """
    midnight = datetime(2026, 1, 13, 23, 0, tzinfo=UTC)  # 00:00 in Denmark (CET)
    known = _known(midnight, [hour / 10 for hour in range(24)], timedelta(hours=1))
    ahead = expected_after(known, SETTINGS, "DKK")
    assert len(ahead) == 24
    for hour, slot in enumerate(ahead):
        assert slot.spot_per_kwh == pytest.approx(hour / 10)
        assert slot.buy_per_kwh == pytest.approx(
            SETTINGS.buy_per_kwh(hour / 10, slot.start, "DKK")
        )
        assert slot.sell_per_kwh == pytest.approx(
            SETTINGS.sell_per_kwh(hour / 10, "DKK")
        )
    peak, night = ahead[18], ahead[3]  # 18:00 is Radius' winter peak, 03:00 its low
    assert (
        peak.buy_per_kwh - peak.spot_per_kwh * 1.25
        > night.buy_per_kwh - night.spot_per_kwh * 1.25
    )


def test_a_dst_day_keeps_local_hours() -> None:
    """The lookahead over the spring change (2026-03-29, 23 h in Denmark) still maps UTC slots to local hours."""
    midnight = datetime(2026, 3, 27, 23, 0, tzinfo=UTC)  # Saturday 00:00 CET
    known = _known(midnight, [hour / 10 for hour in range(24)], timedelta(hours=1))
    ahead = expected_after(known, SETTINGS, "DKK")
    assert len(ahead) == 24  # 24 hours of UTC slots, whatever the local clock does
    # Sunday 03:00 CEST (01:00 UTC) is the local hour 3 of the known day; 02:00 local does not exist.
    three = next(s for s in ahead if s.start == datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert three.spot_per_kwh == pytest.approx(0.3)
    last = ahead[
        -1
    ]  # 22:00 UTC = Monday 00:00 CEST: 23 local hours of Sunday came first
    assert last.start == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert last.spot_per_kwh == pytest.approx(0.0)


def test_nothing_known_expects_nothing() -> None:
    """No known price, no expected one: a plan never looks ahead from nothing."""
    assert expected_after((), SETTINGS, "DKK") == ()
