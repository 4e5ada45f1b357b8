"""Buy and sell prices per slot: spot plus supplier, grid, Energinet, tax and VAT."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Final

from .models import BuyAndSell, PriceSeries
from .tariffs import GridRate

if TYPE_CHECKING:
    from datetime import datetime


# Danish tariffs are set in DKK; the krone is pegged to the euro at this ERM II central rate.
DKK_PER_EUR: Final = 7.46038


@dataclass(frozen=True, kw_only=True)
class TariffSettings:
    """Price components in DKK/kWh excluding VAT (2026 Danish defaults), and the VAT rate."""

    grid: GridRate | None = None
    supplier_markup_per_kwh: float = 0.0
    energinet_per_kwh: float = 0.115
    electricity_tax_per_kwh: float = 0.008
    vat_rate: float = 0.25
    export_fee_per_kwh: float = 0.0
    feed_in_per_kwh: float = 0.0103

    def buy_per_kwh(self, spot_per_kwh: float, when: datetime, currency: str) -> float:
        """(spot + supplier markup + grid tariff + Energinet + electricity tax) x (1 + VAT)."""
        grid = self.grid.rate_per_kwh(when) if self.grid else 0.0
        extras_dkk = (
            self.supplier_markup_per_kwh
            + grid
            + self.energinet_per_kwh
            + self.electricity_tax_per_kwh
        )
        return (spot_per_kwh + _from_dkk(extras_dkk, currency)) * (1.0 + self.vat_rate)

    def sell_per_kwh(self, spot_per_kwh: float, currency: str) -> float:
        """Spot - supplier export fee - feed-in tariff (a household's export carries no VAT)."""
        return spot_per_kwh - _from_dkk(
            self.export_fee_per_kwh + self.feed_in_per_kwh, currency
        )


def _from_dkk(amount_dkk: float, currency: str) -> float:
    if currency == "DKK":
        return amount_dkk
    if currency == "EUR":
        return amount_dkk / DKK_PER_EUR
    msg = f"tariffs are in DKK and cannot be converted to {currency}"
    raise ValueError(msg)


def apply_tariffs(
    series: PriceSeries, settings: TariffSettings
) -> tuple[BuyAndSell, ...]:
    """Return buy and sell prices for every slot of the spot series, in the series' currency.

    A slot whose spot, buy or sell price is not a finite number (a broken source or grid-rate
    template) is left out: a gap the planner does not plan over, never a NaN setpoint.
    """
    priced: list[BuyAndSell] = []
    for slot in series.slots:
        spot = slot.price_per_kwh
        buy = settings.buy_per_kwh(spot, slot.start, series.currency)
        sell = settings.sell_per_kwh(spot, series.currency)
        if math.isfinite(spot) and math.isfinite(buy) and math.isfinite(sell):
            priced.append(
                BuyAndSell(
                    start=slot.start,
                    duration=slot.duration,
                    spot_per_kwh=spot,
                    buy_per_kwh=buy,
                    sell_per_kwh=sell,
                )
            )
    return tuple(priced)
