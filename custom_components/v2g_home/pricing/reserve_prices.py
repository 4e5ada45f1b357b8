"""The reserve auctions' results of the last week from Energi Data Service, for a site's reserve bids."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..const import LOGGER
from ..prices.energidataservice import EnergiDataServiceClient
from ..prices.models import PriceError
from ..prices.reserves import (
    FCR_DK1_DATASET,
    FCR_ND_DATASET,
    MFRR_DATASET,
    ReservePrices,
    parse_fcr_dk1,
    parse_fcr_nd,
    parse_mfrr,
)
from ..prices.schedule import danish_day

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from homeassistant.core import HomeAssistant

EUR_DKK = 7.46  # the krone's central rate to the euro: FcrNdDK2 prices are in EUR only
REFRESH = timedelta(hours=3)
HISTORY_DAYS = 8  # a week of results for the same-hour medians, and today's
_FCR_ND_KEYS = frozenset({"fcr_n", "fcr_d_up", "fcr_d_down"})


class ReservePriceFeed:
    """Fetches the results a bid needs (per kW and hour in the site's currency) every few hours."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        area: str,
        currency: str,
        products: Sequence[str],
        client: EnergiDataServiceClient | None = None,
    ) -> None:
        """Nothing is fetched before the first refresh."""
        self._client = client or EnergiDataServiceClient(async_get_clientsession(hass))
        self._area, self._currency = area, currency
        self._products = frozenset(products)
        self.results: dict[str, dict[datetime, float]] = {}
        self.fetched_at: datetime | None = None

    def stale(self, now: datetime) -> bool:
        """Whether the results are older than REFRESH (or never fetched)."""
        return self.fetched_at is None or now - self.fetched_at >= REFRESH

    async def async_refresh(self, now: datetime) -> None:
        """Fetch again when the last fetch is older than REFRESH; a failure keeps what is known."""
        if not self.stale(now):
            return
        self.fetched_at = now
        today = danish_day(now)
        first, end = today - timedelta(days=HISTORY_DAYS), today + timedelta(days=2)
        results: dict[str, dict[datetime, float]] = {}
        try:
            for prices in await self._fetch_all(first, end):
                rate = (
                    EUR_DKK
                    if prices.currency == "EUR" and self._currency == "DKK"
                    else 1.0
                )
                for key, hours in prices.per_kw(rate).items():
                    if key in self._products:
                        results.setdefault(key, {}).update(hours)
        except PriceError as err:
            LOGGER.warning("Reserve prices could not be fetched: %s", err)
            return
        self.results = results

    async def _fetch_all(self, first: date, end: date) -> list[ReservePrices]:
        client, found = self._client, []
        if self._products & _FCR_ND_KEYS:
            payload = await client.fetch_records(
                FCR_ND_DATASET,
                time_column="HourUTC",
                first_day=first,
                end_day=end,
                filters={"PriceArea": ["DK2"]},
                per_day=200,
            )
            found.append(parse_fcr_nd(payload))
        if "fcr_dk1" in self._products:
            payload = await client.fetch_records(
                FCR_DK1_DATASET,
                time_column="HourUTC",
                first_day=first,
                end_day=end,
                filters={},
                per_day=50,
            )
            found.append(parse_fcr_dk1(payload, currency=self._currency))
        if "mfrr_up" in self._products:
            payload = await client.fetch_records(
                MFRR_DATASET,
                time_column="TimeUTC",
                first_day=first,
                end_day=end,
                filters={"PriceArea": [self._area]},
                per_day=50,
            )
            found.append(parse_mfrr(payload, area=self._area, currency=self._currency))
        return found
