"""Backtest results: money and energy totals per month, the readable table and the JSON object."""

from __future__ import annotations

from dataclasses import dataclass, fields
import math
import statistics
from typing import TYPE_CHECKING

from .backtest_report_reserves import money_json, reserve_json, reserve_lines

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True, kw_only=True)
class Totals:
    """Energy and money over some slots; money in the price file's currency."""

    energy_charged_kwh: float = 0.0
    energy_sold_kwh: float = 0.0
    energy_to_home_kwh: float = 0.0
    export_revenue: float = 0.0  # discharged energy exported, at the sell price
    home_savings: float = 0.0  # V2H: discharged energy the house used, at the buy price
    trip_credit: float = (
        0.0  # what a plain charger would have paid for the trips' energy
    )
    import_cost: float = (
        0.0  # charging: grid energy at the buy price, own solar at its export value
    )
    wear_cost: float = 0.0
    reserve_income: float = 0.0  # reserves held, after the aggregator's share
    activation_cost: float = 0.0  # expected cost of their activations

    @property
    def revenue(self) -> float:
        """What discharged energy (and the trips' energy) was worth."""
        return self.export_revenue + self.home_savings + self.trip_credit

    @property
    def net_profit(self) -> float:
        """What the storage earned: revenue and reserves less charging, wear and activations."""
        energy = self.revenue - self.import_cost - self.wear_cost
        return energy + self.reserve_income - self.activation_cost

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
    foresight: Totals | None = (
        None  # the same period planned with perfect foresight (--share)
    )
    # per reserve product: (key, income, activation cost, mean kW held); empty without reserves
    reserves: tuple[tuple[str, float, float, float], ...] = ()
    foresight_reserves: tuple[tuple[str, float, float, float], ...] = ()

    @property
    def total(self) -> Totals:
        """Totals over the whole period."""
        return sum((totals for _, totals in self.months), Totals())

    @property
    def share_of_foresight(self) -> float | None:
        """Net profit as a fraction of what perfect foresight earns (None without that run)."""
        if self.foresight is None or self.foresight.net_profit == 0:
            return None
        return self.total.net_profit / self.foresight.net_profit


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def result_json(result: BacktestResult) -> dict[str, object]:
    """The `--json` object, with exactly the keys the documentation promises."""
    total = result.total
    shares: dict[str, object] = {}
    if result.foresight is not None:
        shares["foresight_net_profit"] = round(result.foresight.net_profit, 2)
        share = result.share_of_foresight
        shares["share_of_foresight"] = round(share, 5) if share is not None else 0.0
    if result.reserves:
        shares |= reserve_json(total, result.reserves)
        if result.foresight is not None:
            shares["foresight"] = money_json(result.foresight) | reserve_json(
                result.foresight, result.foresight_reserves
            )
    return {
        "energy_charged_kwh": round(total.energy_charged_kwh, 3),
        "energy_sold_kwh": round(total.energy_sold_kwh, 3),
        "energy_to_home_kwh": round(total.energy_to_home_kwh, 3),
        "export_revenue": round(total.export_revenue, 2),
        "home_savings": round(total.home_savings, 2),
        "trip_credit": round(total.trip_credit, 2),
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
        **shares,
    }


_COLUMNS = (
    "month",
    "charged kWh",
    "sold kWh",
    "to home kWh",
    "export",
    "V2H savings",
    "trips",
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
    lines.extend(reserve_lines(result.total, result.reserves, result.currency))
    if result.foresight is not None:
        share = result.share_of_foresight
        lines.append(
            f"perfect foresight: net profit {result.foresight.net_profit:.2f}"
            + (f"; this run earns {share:.2%} of it" if share is not None else "")
        )
        lines.extend(
            f"perfect foresight {line}"
            for line in reserve_lines(
                result.foresight, result.foresight_reserves, result.currency
            )
        )
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
        f"{totals.export_revenue:.2f}",
        f"{totals.home_savings:.2f}",
        f"{totals.trip_credit:.2f}",
        f"{totals.import_cost:.2f}",
        f"{totals.wear_cost:.2f}",
        f"{totals.net_profit:.2f}",
    )
