"""Tests for the backtest's totals, table and JSON object."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.planner.backtest_report import (
    BacktestResult,
    Totals,
    format_table,
    percentile,
    result_json,
)

JSON_KEYS = {
    "energy_charged_kwh",
    "energy_sold_kwh",
    "energy_to_home_kwh",
    "export_revenue",
    "home_savings",
    "trip_credit",
    "revenue",
    "import_cost",
    "wear_cost",
    "net_profit",
    "currency",
    "days",
    "plan_ms_median",
    "plan_ms_p95",
}


def _result(plan_ms: tuple[float, ...] = (1.0, 2.0, 3.0, 40.0)) -> BacktestResult:
    january = Totals(
        energy_charged_kwh=100.0,
        energy_sold_kwh=80.0,
        export_revenue=120.0,
        import_cost=50.0,
        wear_cost=8.0,
    )
    february = Totals(
        energy_charged_kwh=10.0,
        energy_to_home_kwh=9.0,
        home_savings=20.0,
        import_cost=4.0,
    )
    return BacktestResult(
        title="prices.csv",
        mode="perfect foresight",
        currency="DKK",
        days=59,
        months=(("2024-01", january), ("2024-02", february)),
        plan_ms=plan_ms,
        end_soc=(("leaf", 0.5, 0.55),),
    )


def test_net_profit_is_revenue_less_charging_and_wear() -> None:
    totals = _result().total
    assert totals.energy_charged_kwh == 110.0
    assert totals.net_profit == pytest.approx(140.0 - 54.0 - 8.0)


def test_json_has_exactly_the_documented_keys() -> None:
    data = result_json(_result())
    assert set(data) == JSON_KEYS
    assert data["net_profit"] == 78.0
    assert (data["currency"], data["days"]) == ("DKK", 59)
    assert (data["plan_ms_median"], data["plan_ms_p95"]) == (2.5, 40.0)


def test_json_without_plans_reports_zero_timings() -> None:
    data = result_json(_result(plan_ms=()))
    assert (data["plan_ms_median"], data["plan_ms_p95"]) == (0.0, 0.0)


def test_table_has_a_row_per_month_and_a_total() -> None:
    lines = format_table(_result()).splitlines()
    rows = {
        line.split()[0]: line.split()
        for line in lines
        if line.strip().startswith(("2024-", "total"))
    }
    assert rows["2024-01"][-1] == "62.00"
    assert rows["2024-02"][-1] == "16.00"
    assert rows["total"][1:] == [
        "110.0",
        "80.0",
        "9.0",
        "120.00",
        "20.00",
        "0.00",
        "54.00",
        "8.00",
        "78.00",
    ]
    assert "leaf: state of charge 50% at the start, 55% at the end" in lines
    assert lines[-1] == "4 plans, median 2.5 ms, p95 40.0 ms"


@pytest.mark.parametrize(
    ("fraction", "expected"), [(0.5, 2.0), (0.95, 20.0), (0.0, 1.0), (1.0, 20.0)]
)
def test_percentile_is_nearest_rank(fraction: float, expected: float) -> None:
    assert percentile([20.0, 1.0, 3.0, 2.0], fraction) == expected
