"""A site's reserves in the loop: the market each plan sells in, the offer a pool bids from, the income.

Every plan gets the site's reserve market (the option, the auctions' results and forecasts, the
accepted bids). After a plan, the income the previous plan's reserves earned since the last booking
goes to the ledger (apart from energy), and when the offer of the next 36 hours changes (a car
plugged out, a new band, a fault, new prices) an event tells the aggregator's integration to rebid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..common.site import price_area
from ..const import DOMAIN
from ..control.reserve_settings import RESERVES, ReserveSettings, reserve_market
from ..planner.reserve_plan import reserve_income_between, reserved_kw_at
from ..pricing.reserve_prices import ReservePriceFeed
from .reservations import ReservationBook

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from ..planner.model import Plan, Slot
    from ..planner.reserve_model import ReserveMarket

EVENT_RESERVE_OFFER_CHANGED = f"{DOMAIN}_reserve_offer_changed"
OFFER_AHEAD = timedelta(hours=36)
_CHANGE_KW = 0.05

type Offer = dict[str, list[dict[str, Any]]]
type IncomeBooking = Callable[[str, datetime, float], None]


def offer_of(plan: Plan | None, products: Sequence[str], now: datetime) -> Offer:
    """KW reserved per product and hour, over every device, for the next 36 h the plan covers.

    Hours after the published prices come from the plan's lookahead at expected prices, and say so.
    """
    if plan is None or not plan.slots:
        return {key: [] for key in products}
    hour = now.replace(minute=0, second=0, microsecond=0)
    published = plan.slots[-1].end
    end = min((plan.ahead_slots or plan.slots)[-1].end, now + OFFER_AHEAD)
    hours: list[tuple[datetime, bool]] = []
    while hour < end:
        following = hour + timedelta(hours=1)
        # An hour that ends past the published prices is planned partly at expected ones.
        hours.append((max(hour, plan.slots[0].start), following > published))
        hour = following
    return {
        key: [
            {
                "start": start.isoformat(),
                "kw": round(reserved_kw_at(plan, key, start), 3),
                "expected_prices": expected,
            }
            for start, expected in hours
        ]
        for key in products
    }


def changed(before: Offer, after: Offer) -> bool:
    """Whether an hour both offers cover changed, or the newer one holds a reserve in a new hour."""
    for key, hours in after.items():
        old = {item["start"]: item["kw"] for item in before.get(key, [])}
        for item in hours:
            previous = old.get(item["start"])
            if previous is None:
                if item["kw"] > _CHANGE_KW:
                    return True
            elif abs(previous - item["kw"]) > _CHANGE_KW:
                return True
    return False


def site_reserves(
    hass: HomeAssistant, entry: ConfigEntry, currency: str
) -> SiteReserves:
    """A site's reserves from its options (the price feed only when reserves are on)."""
    options = {**entry.data, **entry.options}
    area = price_area(entry)
    settings = ReserveSettings.from_options(options.get(RESERVES) or {}, area=area)
    feed = (
        ReservePriceFeed(
            hass,
            area=area,
            currency=currency,
            products=settings.products,
        )
        if settings.enabled
        else None
    )
    return SiteReserves(hass, entry.entry_id, settings, feed)


@dataclass(frozen=True, kw_only=True)
class ReserveRun:
    """Consecutive slots in which one device holds one product (for the plan's calendar)."""

    device_id: str
    product: str
    start: datetime
    end: datetime
    mean_kw: float
    income: float  # after the aggregator's share


def reserve_runs(plan: Plan | None) -> list[ReserveRun]:
    """Each stretch of slots in which a device holds a product, in time order."""
    runs: list[ReserveRun] = []
    if plan is None:
        return runs
    for reserve in plan.reserves:
        first: int | None = None
        for index, kw in enumerate((*reserve.kw, 0.0)):
            if kw > _CHANGE_KW and first is None:
                first = index
            elif kw <= _CHANGE_KW and first is not None:
                slots = plan.slots[first:index]
                hours = [s.hours for s in slots]
                kws = reserve.kw[first:index]
                prices = reserve.price_per_kw_h[first:index]
                runs.append(
                    ReserveRun(
                        device_id=reserve.device_id,
                        product=reserve.product,
                        start=slots[0].start,
                        end=slots[-1].end,
                        mean_kw=sum(k * h for k, h in zip(kws, hours, strict=True))
                        / sum(hours),
                        income=sum(
                            k * p * h
                            for k, p, h in zip(kws, prices, hours, strict=True)
                        ),
                    )
                )
                first = None
    return sorted(runs, key=lambda run: (run.start, run.device_id, run.product))


class SiteReserves:
    """The reserve option of one site, its accepted bids and its price feed."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        settings: ReserveSettings,
        feed: ReservePriceFeed | None,
    ) -> None:
        """Nothing is read before async_load."""
        self.hass, self.entry_id, self.settings, self.feed = (
            hass,
            entry_id,
            settings,
            feed,
        )
        self.book = ReservationBook(hass, entry_id)
        self.book_income: IncomeBooking | None = None
        # Per device the products it can deliver in time (the frequency response says; None: all).
        self.deliverable: Callable[[str], frozenset[str]] | None = None
        self.on_new_prices: Callable[[], None] | None = (
            None  # the scheduler plans again
        )
        self._fetching = False
        self.offer: Offer = {key: [] for key in settings.products}
        self._booked_until: datetime | None = None

    async def async_load(self) -> None:
        """Read the accepted bids kept across restarts."""
        await self.book.async_load()

    async def async_market(
        self, slots: Sequence[Slot], device_ids: Sequence[str], now: datetime
    ) -> ReserveMarket | None:
        """The market of a plan over these slots (None with reserves off)."""
        if not self.settings.enabled:
            return None
        feed = self.feed
        if feed is not None and feed.stale(now) and not self._fetching:
            # In the background: a slow or failing Energi Data Service never holds up a plan.
            self._fetching = True
            self.hass.async_create_background_task(
                self._async_fetch(feed, now), "v2g_home reserve prices"
            )
        return reserve_market(
            self.settings,
            results={} if self.feed is None else self.feed.results,
            commitments=self.book.planner_commitments(),
            device_ids=device_ids,
            slots=slots,
            zone=dt_util.get_default_time_zone(),
            deliverable=None
            if self.deliverable is None
            else {device_id: self.deliverable(device_id) for device_id in device_ids},
        )

    async def _async_fetch(self, feed: ReservePriceFeed, now: datetime) -> None:
        before = feed.results
        try:
            await feed.async_refresh(now)
        finally:
            self._fetching = False
        if feed.results != before and self.on_new_prices is not None:
            self.on_new_prices()

    def after_plan(
        self, previous: Plan | None, plan: Plan | None, now: datetime, reason: str
    ) -> None:
        """Book what the previous plan's reserves earned, and tell the pool when the offer changed."""
        if previous is not None and self._booked_until is not None and self.book_income:
            for device_id, amount in reserve_income_between(
                previous, self._booked_until, now
            ).items():
                if amount > 0:
                    self.book_income(device_id, self._booked_until, amount)
        self._booked_until = now
        if not self.settings.enabled:
            return
        offer = offer_of(plan, self.settings.products, now)
        if changed(self.offer, offer):
            self.hass.bus.async_fire(
                EVENT_RESERVE_OFFER_CHANGED,
                {"entry_id": self.entry_id, "reason": reason, "offer": offer},
            )
        self.offer = offer
