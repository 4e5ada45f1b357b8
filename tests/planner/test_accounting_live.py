"""Live accounting: splitting a discharge, pricing an interval slot by slot, periods that roll over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.accounting import (
    Earnings,
    FlowEnergy,
    PeriodTotals,
    discharge_share,
    earnings_from_dict,
    earnings_to_dict,
    flow_earnings,
    interval_earnings,
    split_discharge,
)

T0 = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)


@dataclass(frozen=True, kw_only=True)
class Window:
    """A priced slot shaped like prices.models.BuyAndSell."""

    start: datetime
    end: datetime
    buy_per_kwh: float
    sell_per_kwh: float


def quarters(*sells: float) -> list[Window]:
    """Consecutive quarter-hour slots from T0 with these sell prices; buy is sell + 1."""
    return [
        Window(
            start=T0 + i * QUARTER,
            end=T0 + (i + 1) * QUARTER,
            buy_per_kwh=sell + 1.0,
            sell_per_kwh=sell,
        )
        for i, sell in enumerate(sells)
    ]


def test_grid_meter_caps_export_at_what_the_meter_saw() -> None:
    flow = split_discharge(2.0, grid_export_kwh=1.5, home_need_kwh=0.2)
    assert (flow.exported_kwh, flow.to_home_kwh) == (1.5, 0.5)
    more = split_discharge(2.0, grid_export_kwh=3.0, home_need_kwh=None)
    assert (more.exported_kwh, more.to_home_kwh) == (2.0, 0.0)
    importing = split_discharge(2.0, grid_export_kwh=-1.0, home_need_kwh=None)
    assert (importing.exported_kwh, importing.to_home_kwh) == (0.0, 2.0)


def test_without_meter_the_home_is_served_first() -> None:
    flow = split_discharge(2.0, grid_export_kwh=None, home_need_kwh=0.5)
    assert (flow.to_home_kwh, flow.exported_kwh) == (0.5, 1.5)
    small = split_discharge(0.3, grid_export_kwh=None, home_need_kwh=0.5)
    assert (small.to_home_kwh, small.exported_kwh) == (0.3, 0.0)


def test_without_any_house_sensor_all_discharge_is_export() -> None:
    flow = split_discharge(2.0, grid_export_kwh=None, home_need_kwh=None)
    assert (flow.to_home_kwh, flow.exported_kwh, flow.discharged_kwh) == (
        0.0,
        2.0,
        2.0,
    )


def test_discharge_share_between_devices() -> None:
    assert discharge_share(-3.0, [-3.0, -1.0, 2.0]) == pytest.approx(0.75)
    assert discharge_share(2.0, [-3.0, 2.0]) == 0.0
    assert discharge_share(-1.0, [-1.0]) == 1.0
    assert discharge_share(-1.0, []) == 0.0


def test_flow_earnings_at_slot_prices() -> None:
    flow = FlowEnergy(charged_kwh=1.0, to_home_kwh=0.5, exported_kwh=2.0)
    window = quarters(1.5)[0]
    result = flow_earnings(flow, window=window, wear_per_kwh=0.1, currency="DKK")
    assert result.charge_cost == pytest.approx(2.5)
    assert result.avoided_import_cost == pytest.approx(1.25)
    assert result.export_revenue == pytest.approx(3.0)
    assert result.wear_cost == pytest.approx(0.25)
    assert result.net_profit == pytest.approx(3.0 + 1.25 - 2.5 - 0.25)


def test_unknown_price_counts_energy_and_wear_but_no_money() -> None:
    flow = FlowEnergy(exported_kwh=2.0)
    result = flow_earnings(flow, window=None, wear_per_kwh=0.1, currency="DKK")
    assert result.energy_sold_kwh == 2.0
    assert result.export_revenue == 0.0
    assert result.wear_cost == pytest.approx(0.2)


def test_interval_across_a_slot_boundary_is_priced_per_slot() -> None:
    windows = quarters(1.0, 3.0)
    start = T0 + timedelta(minutes=10)
    end = T0 + timedelta(minutes=20)  # half in each slot
    pieces = interval_earnings(
        FlowEnergy(exported_kwh=1.0),
        start=start,
        end=end,
        windows=windows,
        wear_per_kwh=0.0,
        currency="DKK",
    )
    assert [when for when, _ in pieces] == [start, T0 + QUARTER]
    assert [e.export_revenue for _, e in pieces] == pytest.approx([0.5, 1.5])
    assert sum(e.energy_sold_kwh for _, e in pieces) == pytest.approx(1.0)


def test_interval_partly_beyond_known_prices() -> None:
    windows = quarters(2.0)
    pieces = interval_earnings(
        FlowEnergy(exported_kwh=1.0),
        start=T0 + timedelta(minutes=5),
        end=T0 + timedelta(minutes=25),
        windows=windows,
        wear_per_kwh=0.0,
        currency="DKK",
    )
    assert [e.export_revenue for _, e in pieces] == pytest.approx([1.0, 0.0])
    assert [e.energy_sold_kwh for _, e in pieces] == pytest.approx([0.5, 0.5])


def test_empty_interval_books_nothing() -> None:
    assert (
        interval_earnings(
            FlowEnergy(exported_kwh=1.0),
            start=T0,
            end=T0,
            windows=quarters(1.0),
            wear_per_kwh=0.0,
            currency="DKK",
        )
        == []
    )


def sold(kwh: float) -> Earnings:
    return Earnings(currency="DKK", energy_sold_kwh=kwh, export_revenue=kwh * 2)


def test_day_rollover_resets_today_not_month_or_lifetime() -> None:
    totals = PeriodTotals.empty(day=date(2026, 1, 14), currency="DKK")
    totals = totals.added(sold(1.0), day=date(2026, 1, 14))
    totals = totals.added(sold(2.0), day=date(2026, 1, 15))
    assert totals.day == date(2026, 1, 15)
    assert totals.today.energy_sold_kwh == 2.0
    assert totals.month.energy_sold_kwh == 3.0
    assert totals.lifetime.energy_sold_kwh == 3.0
    assert totals.period("month").export_revenue == 6.0


def test_month_rollover_resets_month() -> None:
    totals = PeriodTotals.empty(day=date(2026, 1, 31), currency="DKK")
    totals = totals.added(sold(1.0), day=date(2026, 1, 31)).rolled(date(2026, 2, 1))
    assert totals.today.energy_sold_kwh == 0.0
    assert totals.month.energy_sold_kwh == 0.0
    assert totals.lifetime.energy_sold_kwh == 1.0


def test_late_piece_of_yesterday_counts_for_lifetime_and_its_month_only() -> None:
    totals = PeriodTotals.empty(day=date(2026, 2, 1), currency="DKK")
    totals = totals.added(sold(1.0), day=date(2026, 1, 31))
    assert totals.day == date(2026, 2, 1)
    assert (totals.today.energy_sold_kwh, totals.month.energy_sold_kwh) == (0.0, 0.0)
    assert totals.lifetime.energy_sold_kwh == 1.0
    same_month = PeriodTotals.empty(day=date(2026, 2, 2), currency="DKK")
    same_month = same_month.added(sold(1.0), day=date(2026, 2, 1))
    assert same_month.month.energy_sold_kwh == 1.0
    assert same_month.today.energy_sold_kwh == 0.0


def test_totals_survive_a_round_trip_exactly() -> None:
    totals = PeriodTotals.empty(day=date(2026, 1, 14), currency="DKK").added(
        Earnings(
            currency="DKK",
            energy_charged_kwh=0.1 + 0.2,
            charge_cost=1 / 3,
            wear_cost=2 / 7,
        ),
        day=date(2026, 1, 14),
    )
    assert PeriodTotals.from_dict(totals.to_dict(), currency="DKK") == totals


def test_stored_earnings_with_missing_amounts_are_zero() -> None:
    back = earnings_from_dict({"energy_sold_kwh": 2}, currency="EUR")
    assert back == Earnings(currency="EUR", energy_sold_kwh=2.0)
    assert earnings_to_dict(back)["currency"] == "EUR"
    with pytest.raises(ValueError, match="could not convert"):
        earnings_from_dict({"export_revenue": "lots"}, currency="DKK")


def test_unknown_period_is_refused() -> None:
    totals = PeriodTotals.empty(day=date(2026, 1, 14), currency="DKK")
    with pytest.raises(ValueError, match="unknown period"):
        totals.period("week")


def test_interval_is_cut_at_a_day_start_even_without_prices() -> None:
    midnight = T0 + timedelta(hours=7)
    pieces = interval_earnings(
        FlowEnergy(exported_kwh=1.0),
        start=midnight - timedelta(seconds=5),
        end=midnight + timedelta(seconds=15),
        windows=[],
        wear_per_kwh=0.0,
        currency="DKK",
        day_starts=[midnight, midnight + timedelta(days=1)],
    )
    assert [when for when, _ in pieces] == [midnight - timedelta(seconds=5), midnight]
    assert [e.energy_sold_kwh for _, e in pieces] == pytest.approx([0.25, 0.75])
