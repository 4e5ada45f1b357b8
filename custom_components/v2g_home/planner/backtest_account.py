"""The backtest's market: planner slots from spot prices, and what each executed slot earned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .backtest_report import Totals
from .model import Slot

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .backtest_site import DeviceSpec, SiteSpec
    from .price_files import SpotPrices


def market_slots(prices: SpotPrices, site: SiteSpec) -> tuple[Slot, ...]:
    """Turn spot prices into planner slots with buy and sell prices, house load and solar."""
    return tuple(
        Slot(
            start=spot.start,
            duration=spot.duration,
            buy_price_per_kwh=site.tariff.buy_price(spot.price_per_kwh, spot.start),
            sell_price_per_kwh=site.tariff.sell_price(spot.price_per_kwh),
            house_load_kw=site.house_load.kw_at(spot.start),
            solar_kw=site.solar.kw_at(spot.start),
        )
        for spot in prices.slots
    )


def account(
    slot: Slot, devices: Sequence[DeviceSpec], setpoints: Sequence[float]
) -> Totals:
    """One slot's energy and money, measured at the grid side.

    Discharged energy serves the house's load left after solar first (saving the buy price) and
    is exported beyond that (earning the sell price). Charged energy takes surplus solar first
    (costing the export it displaces, nothing where exporting would cost) and the grid after (the
    buy price). So the net profit is the bill without the batteries minus the bill with them,
    minus wear.
    """
    hours = slot.hours
    net_kwh = sum(setpoints) * hours
    need_kwh = max(slot.house_load_kw - slot.solar_kw, 0.0) * hours
    surplus_kwh = max(slot.solar_kw - slot.house_load_kw, 0.0) * hours
    discharged_kwh = max(-net_kwh, 0.0)
    charged_kwh = max(net_kwh, 0.0)
    to_home_kwh = min(discharged_kwh, need_kwh)
    sold_kwh = discharged_kwh - to_home_kwh
    from_solar_kwh = min(charged_kwh, surplus_kwh)
    return Totals(
        energy_charged_kwh=sum(max(power, 0.0) for power in setpoints) * hours,
        energy_sold_kwh=sold_kwh,
        energy_to_home_kwh=to_home_kwh,
        export_revenue=sold_kwh * slot.sell_price_per_kwh,
        home_savings=to_home_kwh * slot.buy_price_per_kwh,
        import_cost=(charged_kwh - from_solar_kwh) * slot.buy_price_per_kwh
        + from_solar_kwh * max(slot.sell_price_per_kwh, 0.0),
        wear_cost=sum(
            max(-power, 0.0) * hours * device.wear_per_kwh
            for power, device in zip(setpoints, devices, strict=True)
        ),
    )
