"""Backtest results: money and energy totals per month, the readable table and the JSON object."""

from __future__ import annotations

from dataclasses import dataclass, fields
import math
import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True, kw_only=True)
class Totals:
    """Energy and money over some slots; money in the price file's currency."""

    energy_charged_kwh: float = 0.0
    energy_sold_kwh: float = 0.0
    energy_to_home_kwh: float = 0.0
    revenue: float = 0.0
    import_cost: float = 0.0
    wear_cost: float = 0.0

    @property
    def net_profit(self) -> float:
        """What the storage earned: revenue less the cost of charging and the wear."""
        return self.revenue - self.import_cost - self.wear_cost

    def __add__(self, other: Totals) -> Totals:
        """Sum two totals field by field."""
        return Totals(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in fields(self)
            }
        )


@dataclass(frozen=True, kw_only=True)
class BacktestResult:
    """The outcome of one backtest run."""

    title: str
    mode: str
    currency: str
    days: int
    months: tuple[tuple[str, Totals], ...]
    plan_ms: tuple[float, ...]
    end_soc: tuple[tuple[str, float, float], ...]
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> Totals:
        """Totals over the whole period."""
        return sum((totals for _, totals in self.months), Totals())


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def result_json(result: BacktestResult) -> dict[str, float | int | str]:
    """The `--json` object, with exactly the keys the documentation promises."""
    total = result.total
    return {
        "energy_charged_kwh": round(total.energy_charged_kwh, 3),
        "energy_sold_kwh": round(total.energy_sold_kwh, 3),
        "energy_to_home_kwh": round(total.energy_to_home_kwh, 3),
        "revenue": round(total.revenue, 2),
        "import_cost": round(total.import_cost, 2),
        "wear_cost": round(total.wear_cost, 2),
        "net_profit": round(total.net_profit, 2),
        "currency": result.currency,
        "days": result.days,
        "plan_ms_median": round(statistics.median(result.plan_ms), 3)
        if result.plan_ms
        else 0.0,
        "plan_ms_p95": round(percentile(result.plan_ms, 0.95), 3),
    }


_COLUMNS = (
    "month",
    "charged kWh",
    "sold kWh",
    "to home kWh",
    "revenue",
    "import cost",
    "wear",
    "net profit",
)


def format_table(result: BacktestResult) -> str:
    """A readable report: one row per Danish calendar month, a total row, then the plan timings."""
    rows = [_row(month, totals) for month, totals in result.months]
    rows.append(_row("total", result.total))
    widths = [
        max(len(column), *(len(row[i]) for row in rows))
        for i, column in enumerate(_COLUMNS)
    ]
    lines = [
        result.title,
        f"{result.mode}, {result.days} days, money in {result.currency}",
        "",
        "  ".join(
            column.rjust(width) for column, width in zip(_COLUMNS, widths, strict=True)
        ),
    ]
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            lines.append("  ".join("-" * width for width in widths))
        lines.append(
            "  ".join(
                cell.rjust(width) for cell, width in zip(row, widths, strict=True)
            )
        )
    lines.append("")
    for name, start_soc, end_soc in result.end_soc:
        lines.append(
            f"{name}: state of charge {start_soc:.0%} at the start, {end_soc:.0%} at the end"
        )
    lines.extend(result.notes)
    summary = result_json(result)
    lines.append(
        f"{len(result.plan_ms)} plans, median {summary['plan_ms_median']} ms, p95 {summary['plan_ms_p95']} ms"
    )
    return "\n".join(lines)


def _row(label: str, totals: Totals) -> tuple[str, ...]:
    return (
        label,
        f"{totals.energy_charged_kwh:.1f}",
        f"{totals.energy_sold_kwh:.1f}",
        f"{totals.energy_to_home_kwh:.1f}",
        f"{totals.revenue:.2f}",
        f"{totals.import_cost:.2f}",
        f"{totals.wear_cost:.2f}",
        f"{totals.net_profit:.2f}",
    )
