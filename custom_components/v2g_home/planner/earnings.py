"""Money and energy a storage device earned over a period, and its stored form."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, kw_only=True)
class Earnings:
    """Money and energy over a period, in one currency."""

    currency: str
    energy_charged_kwh: float = 0.0
    energy_sold_kwh: float = 0.0
    energy_to_home_kwh: float = 0.0
    charge_cost: float = (
        0.0  # grid energy at the buy price, own solar at the forgone sell price
    )
    export_revenue: float = 0.0
    avoided_import_cost: float = (
        0.0  # V2H: what the home would have paid for that energy
    )
    wear_cost: float = 0.0

    @property
    def net_profit(self) -> float:
        """Export revenue plus avoided import, minus charging and wear."""
        return (
            self.export_revenue
            + self.avoided_import_cost
            - self.charge_cost
            - self.wear_cost
        )

    def __add__(self, other: Earnings) -> Earnings:
        """Sum two periods; refuses to mix currencies."""
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Earnings(
            currency=self.currency,
            energy_charged_kwh=self.energy_charged_kwh + other.energy_charged_kwh,
            energy_sold_kwh=self.energy_sold_kwh + other.energy_sold_kwh,
            energy_to_home_kwh=self.energy_to_home_kwh + other.energy_to_home_kwh,
            charge_cost=self.charge_cost + other.charge_cost,
            export_revenue=self.export_revenue + other.export_revenue,
            avoided_import_cost=self.avoided_import_cost + other.avoided_import_cost,
            wear_cost=self.wear_cost + other.wear_cost,
        )


def earnings_to_dict(value: Earnings) -> dict[str, float | str]:
    """A JSON-ready copy for storage."""
    return {field.name: getattr(value, field.name) for field in fields(value)}


def earnings_from_dict(data: Mapping[str, Any], *, currency: str) -> Earnings:
    """Read stored earnings back; missing amounts are zero, anything else malformed raises ValueError."""
    amounts = {
        field.name: float(data.get(field.name, 0.0))
        for field in fields(Earnings)
        if field.name != "currency"
    }
    return Earnings(currency=str(data.get("currency", currency)), **amounts)
