"""The site's reserve option, and the reserve market a plan sells in (pure; the glue stores and fetches).

A site with reserves on offers its devices in the products it chose, in the hours it chose, keeping
the SoC band it chose; an aggregator keeps its share of the income. The plan bids on the auction
results where they are known and on same-hour medians of the last week after that; accepted bids
(commitments) are hard in every plan until they end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

from ..planner.model import AvailabilityWindow
from ..planner.reserve_model import ReserveCommitment, ReserveMarket, ReserveOffer
from ..planner.reserve_products import PRODUCTS
from ..prices.reserve_forecast import bid_prices
from .reserve import FREQUENCY_PRODUCTS, ReserveProduct, area_products

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import tzinfo

    from ..planner.model import Slot

# Option keys (entry.options[RESERVES], a section of the site's options), shared with the flow.
RESERVES: Final = "reserves"
RESERVES_ON: Final = "reserves_on"
RESERVE_PRODUCTS: Final = "reserve_products"
AGGREGATOR_SHARE: Final = "aggregator_share_pct"
OFFER_FROM: Final = "reserve_offer_from"
OFFER_TO: Final = "reserve_offer_to"
BAND_LOW: Final = "reserve_soc_low_pct"
BAND_HIGH: Final = "reserve_soc_high_pct"
# What a site can offer from Home Assistant: the products it can deliver (in its own price area).
HA_PRODUCTS: Final = tuple(product.value for product in ReserveProduct)
_HOUR = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class ReserveSettings:
    """What the user chose: reserves on, which products, the aggregator's share, hours and band."""

    enabled: bool = False
    products: tuple[str, ...] = ("fcr_n", "fcr_d_up", "fcr_d_down")
    aggregator_share: float = 0.4
    offer_from: time = time(0)
    offer_to: time = time(0)  # the same as offer_from: the whole day
    soc_low_pct: float = 0.0
    soc_high_pct: float = 100.0

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], *, area: str = "DK2"
    ) -> ReserveSettings:
        """The settings stored in a site's options (defaults where missing), for its price area.

        Only the products sold in the site's area are kept: one chosen before the area changed
        is dropped rather than planned.
        """
        default = cls()
        sold = offered_in(area)
        products = tuple(
            key
            for key in options.get(RESERVE_PRODUCTS, default_products(area))
            if key in sold
        )
        return cls(
            enabled=bool(options.get(RESERVES_ON, False)),
            products=products,
            aggregator_share=float(options.get(AGGREGATOR_SHARE, 40.0)) / 100.0,
            offer_from=_time(options.get(OFFER_FROM), default.offer_from),
            offer_to=_time(options.get(OFFER_TO), default.offer_to),
            soc_low_pct=float(options.get(BAND_LOW, default.soc_low_pct)),
            soc_high_pct=float(options.get(BAND_HIGH, default.soc_high_pct)),
        )


def offered_in(area: str) -> tuple[str, ...]:
    """The product keys a site in price area `area` can offer."""
    return tuple(product.value for product in area_products(area))


def default_products(area: str) -> tuple[str, ...]:
    """What a site offers until its owner chooses: the area's frequency reserves."""
    return tuple(
        product.value
        for product in area_products(area)
        if product in FREQUENCY_PRODUCTS
    )


def _time(value: object, default: time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and value:
        return time.fromisoformat(value)
    return default


def offer_windows(
    settings: ReserveSettings, start: datetime, end: datetime, zone: tzinfo
) -> tuple[AvailabilityWindow, ...] | None:
    """The offered hours between start and end (local time each day); None: the whole day."""
    if settings.offer_from == settings.offer_to:
        return None
    windows: list[AvailabilityWindow] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    while datetime.combine(day, settings.offer_from, zone) < end:
        begin = datetime.combine(day, settings.offer_from, zone)
        finish_day = (
            day if settings.offer_to > settings.offer_from else day + timedelta(days=1)
        )
        finish = datetime.combine(finish_day, settings.offer_to, zone)
        if finish > start:
            windows.append(
                AvailabilityWindow(start=max(begin, start), end=min(finish, end))
            )
        day += timedelta(days=1)
    return tuple(windows)


def reserve_market(
    settings: ReserveSettings,
    *,
    results: Mapping[str, Mapping[datetime, float]],
    commitments: Sequence[ReserveCommitment],
    device_ids: Sequence[str],
    slots: Sequence[Slot],
    zone: tzinfo,
    deliverable: Mapping[str, frozenset[str]] | None = None,
) -> ReserveMarket | None:
    """The market a plan over `slots` sells in (None: reserves off, nothing offered or no slots).

    `results` are the auctions' prices per kW and hour in the plan's currency; hours after the last
    result get the same-hour median of the last week. `deliverable` (per device, the product keys it
    can deliver in time) keeps a device out of the products it could not deliver; None: all.
    """
    products = tuple(PRODUCTS[key] for key in settings.products if key in PRODUCTS)
    if not settings.enabled or not products or not device_ids or not slots:
        return None
    first = slots[0].start.replace(minute=0, second=0, microsecond=0)
    hours = []
    while first < slots[-1].end:
        hours.append(first)
        first += _HOUR
    latest = [max(known) + _HOUR for known in results.values() if known]
    known_until = min(latest) if latest else hours[0]
    chosen = {p.key: results.get(p.key, {}) for p in products}
    prices = bid_prices(chosen, hours, known_until=known_until)
    windows = offer_windows(settings, slots[0].start, slots[-1].end, zone)
    offers = tuple(
        ReserveOffer(
            device_id=device_id,
            windows=windows,
            soc_low=settings.soc_low_pct / 100.0,
            soc_high=settings.soc_high_pct / 100.0,
            products=None if deliverable is None else deliverable.get(device_id),
        )
        for device_id in device_ids
    )
    keys = {p.key for p in products}
    return ReserveMarket(
        products=products,
        prices={key: hours_ for key, hours_ in prices.items() if hours_},
        offers=offers,
        aggregator_share=settings.aggregator_share,
        commitments=tuple(
            c for c in commitments if c.product in keys and c.device_id in device_ids
        ),
    )
