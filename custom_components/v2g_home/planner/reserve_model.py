"""Planner inputs for reserves: the products offered, their prices, who offers, and what was accepted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import checks
from .reserve_products import ReserveProduct
from .slot import AvailabilityWindow


def _aware(owner: str, *moments: datetime) -> None:
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError(f"{owner}: times must be timezone-aware")


def _check_prices(
    prices: Mapping[str, Mapping[datetime, float]], keys: set[str]
) -> None:
    """Prices only for offered products, at aware hours, and finite."""
    for key, hours in prices.items():
        if key not in keys:
            raise ValueError(f"reserve market: price for {key}, which is not offered")
        for hour, price in hours.items():
            _aware(f"reserve price {key}", hour)
            checks.finite(f"reserve price {key} at {hour}", price=price)


@dataclass(frozen=True, kw_only=True)
class ReserveCommitment:
    """An accepted bid: a device holds `kw` of a product from `start` to `end` (hard in every plan)."""

    device_id: str
    product: str  # a ReserveProduct key
    start: datetime
    end: datetime
    kw: float

    def __post_init__(self) -> None:
        """Refuse a commitment without time or with a power that is no power."""
        owner = f"commitment {self.product} of {self.device_id}"
        _aware(owner, self.start, self.end)
        if self.end <= self.start:
            raise ValueError(f"{owner}: must end after it starts")
        checks.finite(owner, kw=self.kw)
        checks.non_negative(owner, kw=self.kw)


@dataclass(frozen=True, kw_only=True)
class ReserveOffer:
    """A device that takes part in reserves: when it is offered and the SoC band it keeps then.

    In the offered hours the plan keeps the SoC inside the band (where it can be reached), and the
    energy rules of the reserves count from the band's edges.
    """

    device_id: str
    windows: tuple[AvailabilityWindow, ...] | None = (
        None  # None: whenever it is available
    )
    soc_low: float = 0.0
    soc_high: float = 1.0
    products: frozenset[str] | None = (
        None  # the product keys it can deliver; None: every product offered
    )

    def may_hold(self, key: str) -> bool:
        """Whether the device can deliver this product (and so may be sold in it)."""
        return self.products is None or key in self.products

    def __post_init__(self) -> None:
        """A band must be a band of state of charge."""
        owner = f"reserve offer of {self.device_id}"
        checks.fraction(owner, soc_low=self.soc_low, soc_high=self.soc_high)
        if self.soc_low > self.soc_high:
            raise ValueError(f"{owner}: soc_low is above soc_high")
        for window in self.windows or ():
            _aware(owner, window.start, window.end)


@dataclass(frozen=True, kw_only=True)
class ReserveMarket:
    """Reserves the plan may sell: products, capacity prices per hour, offers, and accepted bids.

    Prices are per kW and hour in the slots' currency, keyed by product and by the UTC start of each
    hour (a product sold in blocks needs the price of every hour of the block). An hour without a
    price is not offered. The aggregator keeps `aggregator_share` of the income. Before
    `closed_until` the auctions are over: only commitments are held there.
    """

    products: tuple[ReserveProduct, ...]
    prices: Mapping[str, Mapping[datetime, float]]
    offers: tuple[ReserveOffer, ...]
    aggregator_share: float = 0.0
    commitments: tuple[ReserveCommitment, ...] = ()
    closed_until: datetime | None = None
    activation: Mapping[str, float] = field(
        default_factory=dict
    )  # overrides per product key

    def __post_init__(self) -> None:
        """Known products only, finite prices, a share below 1, commitments in offered products."""
        keys = {product.key for product in self.products}
        if len(keys) != len(self.products):
            raise ValueError("reserve market: a product is listed twice")
        checks.fraction("reserve market", aggregator_share=self.aggregator_share)
        if self.aggregator_share >= 1.0:
            raise ValueError("reserve market: the aggregator cannot keep everything")
        _check_prices(self.prices, keys)
        for key, share in self.activation.items():
            if key not in keys:
                raise ValueError(f"reserve market: activation for {key}, not offered")
            checks.fraction(f"activation of {key}", activation=share)
        for commitment in self.commitments:
            if commitment.product not in keys:
                raise ValueError(
                    f"reserve market: commitment in {commitment.product}, not offered"
                )
        if self.closed_until is not None:
            _aware("reserve market", self.closed_until)

    def activation_of(self, product: ReserveProduct) -> float:
        """The expected activation used for a product (the setting, else the table's)."""
        return self.activation.get(product.key, product.expected_activation)

    def offer(self, device_id: str) -> ReserveOffer | None:
        """The offer of one device, if it takes part."""
        return next((o for o in self.offers if o.device_id == device_id), None)
