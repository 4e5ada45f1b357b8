"""What the storage actually earned, from metered energy and prices (pure functions).

The live accounting (energy between readings, per period) is in accounting_live.py and the
Earnings value in earnings.py; both are re-exported here, where the integration imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .accounting_live import (
    PERIODS,
    FlowEnergy,
    PeriodTotals,
    PriceWindow,
    discharge_share,
    flow_earnings,
    interval_earnings,
    split_discharge,
)
from .earnings import Earnings, earnings_from_dict, earnings_to_dict

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PERIODS",
    "Earnings",
    "FlowEnergy",
    "MeteredSlot",
    "PeriodTotals",
    "PriceWindow",
    "discharge_share",
    "earnings",
    "earnings_from_dict",
    "earnings_to_dict",
    "flow_earnings",
    "interval_earnings",
    "slot_earnings",
    "split_discharge",
]


@dataclass(frozen=True, kw_only=True)
class MeteredSlot:
    """Metered energy of one storage device over one slot, with that slot's prices.

    Energies are at the grid side (the charger's or inverter's AC meter) and positive;
    the house values are the home's own use and solar production over the same slot.
    """

    start: datetime
    duration: timedelta
    charged_kwh: float
    discharged_kwh: float
    buy_price_per_kwh: float
    sell_price_per_kwh: float
    house_load_kwh: float = 0.0
    solar_kwh: float = 0.0


def slot_earnings(slot: MeteredSlot, *, wear_per_kwh: float, currency: str) -> Earnings:
    """Earnings of one slot.

    Discharged energy serves the home's load left after solar first (worth the buy price) and is
    exported beyond that (worth the sell price). Charged energy comes from surplus solar first
    (costing the export it displaces, nothing when the sell price is negative) and the grid after.
    """
    if (
        min(slot.charged_kwh, slot.discharged_kwh, slot.house_load_kwh, slot.solar_kwh)
        < 0
    ):
        raise ValueError(f"negative metered energy in the slot starting {slot.start}")
    home_need = max(slot.house_load_kwh - slot.solar_kwh, 0.0)
    to_home = min(slot.discharged_kwh, home_need)
    sold = slot.discharged_kwh - to_home
    surplus = max(slot.solar_kwh - slot.house_load_kwh, 0.0)
    from_solar = min(slot.charged_kwh, surplus)
    from_grid = slot.charged_kwh - from_solar
    return Earnings(
        currency=currency,
        energy_charged_kwh=slot.charged_kwh,
        energy_sold_kwh=sold,
        energy_to_home_kwh=to_home,
        charge_cost=from_grid * slot.buy_price_per_kwh
        + from_solar * max(slot.sell_price_per_kwh, 0.0),
        export_revenue=sold * slot.sell_price_per_kwh,
        avoided_import_cost=to_home * slot.buy_price_per_kwh,
        wear_cost=slot.discharged_kwh * wear_per_kwh,
    )


def earnings(
    slots: Iterable[MeteredSlot], *, wear_per_kwh: float, currency: str
) -> Earnings:
    """Earnings summed over the slots."""
    total = Earnings(currency=currency)
    for slot in slots:
        total += slot_earnings(slot, wear_per_kwh=wear_per_kwh, currency=currency)
    return total
