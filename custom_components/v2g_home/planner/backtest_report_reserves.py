"""The reserve part of the backtest's report: income per product, activation cost, kW held."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .reserve_products import PRODUCTS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .backtest_report import Totals


def money_json(totals: Totals) -> dict[str, object]:
    """Export revenue, wear and net profit of a run (the foresight run's, next to the reserves)."""
    return {
        "export_revenue": round(totals.export_revenue, 2),
        "home_savings": round(totals.home_savings, 2),
        "import_cost": round(totals.import_cost, 2),
        "wear_cost": round(totals.wear_cost, 2),
        "net_profit": round(totals.net_profit, 2),
    }


def reserve_json(
    totals: Totals, reserves: Sequence[tuple[str, float, float, float]]
) -> dict[str, object]:
    """Reserve income and activation cost in total, and per product with the mean kW held."""
    return {
        "reserve_income": round(totals.reserve_income, 2),
        "activation_cost": round(totals.activation_cost, 2),
        "reserves": {
            key: {
                "income": round(income, 2),
                "activation_cost": round(activation, 2),
                "mean_kw": round(mean_kw, 3),
            }
            for key, income, activation, mean_kw in reserves
        },
    }


def reserve_lines(
    totals: Totals, reserves: Sequence[tuple[str, float, float, float]], currency: str
) -> list[str]:
    """Readable lines: the reserves' total, then one line per product."""
    if not reserves:
        return []
    lines = [
        f"reserves: income {totals.reserve_income:.2f} {currency} after the aggregator's share,"
        f" expected activation cost {totals.activation_cost:.2f}, export revenue"
        f" {totals.export_revenue:.2f}, wear {totals.wear_cost:.2f}, net profit"
        f" {totals.net_profit:.2f}"
    ]
    lines.extend(
        f"  {PRODUCTS[key].name}: income {income:.2f}, activation cost {activation:.2f},"
        f" {mean_kw:.2f} kW held on average"
        for key, income, activation, mean_kw in reserves
    )
    return lines
