"""Frequency reserves a device holds: the products, their droop, and the kW committed per product now.

This is the interface between whoever sells a reserve (the plan and the aggregator's `commit_reserve`,
issue 19) and whoever delivers it (the fast frequency response): a `Commitment` says that one device
holds so many kW of one product from `start` to `end`; `reserved_now` sums the commitments in force
into a `ReservedPower`, which is all the response needs. Powers here are + towards the grid (export).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

NOMINAL_HZ = 50.0
FCR_N_BAND_HZ = 0.1  # FCR-N is linear over 49.9..50.1 Hz, without a dead band
FCR_D_START_HZ = 0.1  # FCR-D starts 0.1 Hz away from 50 Hz ...
FCR_D_SPAN_HZ = 0.4  # ... and is fully activated 0.4 Hz further (49.5 / 50.5 Hz)
FCR_DK1_DEAD_BAND_HZ = 0.01  # DK1 (continental) FCR: nothing within +-10 mHz ...
FCR_DK1_FULL_HZ = 0.2  # ... and in proportion to the deviation, in full at +-200 mHz


class ReserveProduct(StrEnum):
    """The reserves a home device can hold: the frequency containment reserves, and mFRR up."""

    FCR_N = "fcr_n"
    FCR_D_UP = "fcr_d_up"
    FCR_D_DOWN = "fcr_d_down"
    FCR_DK1 = "fcr_dk1"  # DK1's FCR (continental Europe), sold in 4-hour blocks
    MFRR_UP = "mfrr_up"  # manual: the aggregator activates it with the dispatch action


# DK2's frequency containment reserves (the Nordic synchronous area).
NORDIC_FCR: tuple[ReserveProduct, ...] = (
    ReserveProduct.FCR_N,
    ReserveProduct.FCR_D_UP,
    ReserveProduct.FCR_D_DOWN,
)
# The products the fast task delivers from the measured frequency (mFRR up follows a dispatch).
FREQUENCY_PRODUCTS: tuple[ReserveProduct, ...] = (*NORDIC_FCR, ReserveProduct.FCR_DK1)
# What a site can sell in its price area: DK1 lies in the continental synchronous area, DK2 in
# the Nordic one; mFRR capacity is bought in both.
AREA_PRODUCTS: dict[str, tuple[ReserveProduct, ...]] = {
    "DK1": (ReserveProduct.FCR_DK1, ReserveProduct.MFRR_UP),
    "DK2": (*NORDIC_FCR, ReserveProduct.MFRR_UP),
}


def area_products(area: str) -> tuple[ReserveProduct, ...]:
    """The products a site in price area `area` can sell (DK2's for an area not known)."""
    return AREA_PRODUCTS.get(area.upper(), AREA_PRODUCTS["DK2"])


@dataclass(frozen=True, kw_only=True)
class ProductSpeed:
    """How fast a product must be delivered after a frequency step (seconds to a share of it)."""

    share: float  # of the full activation
    within_s: float


# nordic-reserves.md: FCR-N 63 % in 60 s, 100 % in about 3 min; FCR-D 50 % in 5 s, 100 % in 30 s;
# DK1's FCR 100 % within 30 s.
PRODUCT_SPEEDS: dict[ReserveProduct, tuple[ProductSpeed, ...]] = {
    ReserveProduct.FCR_N: (
        ProductSpeed(share=0.63, within_s=60.0),
        ProductSpeed(share=1.0, within_s=180.0),
    ),
    ReserveProduct.FCR_D_UP: (
        ProductSpeed(share=0.5, within_s=5.0),
        ProductSpeed(share=1.0, within_s=30.0),
    ),
    ReserveProduct.FCR_D_DOWN: (
        ProductSpeed(share=0.5, within_s=5.0),
        ProductSpeed(share=1.0, within_s=30.0),
    ),
    ReserveProduct.FCR_DK1: (ProductSpeed(share=1.0, within_s=30.0),),
}


@dataclass(frozen=True, kw_only=True)
class ReservedPower:
    """kW of each frequency product one device holds now (magnitudes; 0 = not committed)."""

    fcr_n_kw: float = 0.0
    fcr_d_up_kw: float = 0.0
    fcr_d_down_kw: float = 0.0
    fcr_dk1_kw: float = 0.0

    def __post_init__(self) -> None:
        """Refuse what cannot be a reserve: negative or non-finite kW."""
        for product in FREQUENCY_PRODUCTS:
            value = self.kw(product)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{product} reserve must be a finite magnitude")

    def kw(self, product: ReserveProduct) -> float:
        """The kW held of one product."""
        return float(getattr(self, f"{product.value}_kw"))

    @property
    def total_kw(self) -> float:
        """All products together (what the 2 % write threshold is taken of)."""
        return sum(self.kw(product) for product in FREQUENCY_PRODUCTS)

    @property
    def committed(self) -> bool:
        """Whether anything is held at all."""
        return self.total_kw > 0

    @property
    def products(self) -> tuple[ReserveProduct, ...]:
        """The products held, in a stable order."""
        return tuple(p for p in FREQUENCY_PRODUCTS if self.kw(p) > 0)


NOTHING_RESERVED = ReservedPower()


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """One device holds `kw` of `product` from `start` to `end` (an accepted bid, or a test's)."""

    device_id: str
    product: ReserveProduct
    kw: float
    start: datetime
    end: datetime
    source: str = (
        "manual"  # who committed it: "manual" (the action), "commit_reserve", ...
    )

    def __post_init__(self) -> None:
        """Refuse commitments that cannot be delivered: no power, no time, or naive times."""
        if not math.isfinite(self.kw) or self.kw <= 0:
            raise ValueError(f"a commitment needs a positive kW, got {self.kw}")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("commitment times must carry a time zone")
        if self.end <= self.start:
            raise ValueError("a commitment must end after it starts")

    def active(self, now: datetime) -> bool:
        """Whether it is in force at `now` (start included, end excluded)."""
        return self.start <= now < self.end


def reserved_now(
    commitments: Iterable[Commitment], device_id: str, now: datetime
) -> ReservedPower:
    """What one device holds at `now`: the sum of its commitments in force, per frequency product."""
    totals = dict.fromkeys(ReserveProduct, 0.0)
    for commitment in commitments:
        if commitment.device_id == device_id and commitment.active(now):
            totals[commitment.product] += commitment.kw
    return ReservedPower(
        fcr_n_kw=totals[ReserveProduct.FCR_N],
        fcr_d_up_kw=totals[ReserveProduct.FCR_D_UP],
        fcr_d_down_kw=totals[ReserveProduct.FCR_D_DOWN],
        fcr_dk1_kw=totals[ReserveProduct.FCR_DK1],
    )


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def activation(product: ReserveProduct, hz: float) -> float:
    """The share of a product activated at frequency `hz` (-1..1; + = more export)."""
    if product is ReserveProduct.FCR_N:
        return _clamp((NOMINAL_HZ - hz) / FCR_N_BAND_HZ, -1.0, 1.0)
    if product is ReserveProduct.FCR_D_UP:
        return _clamp((NOMINAL_HZ - FCR_D_START_HZ - hz) / FCR_D_SPAN_HZ, 0.0, 1.0)
    if product is ReserveProduct.FCR_D_DOWN:
        return -_clamp((hz - NOMINAL_HZ - FCR_D_START_HZ) / FCR_D_SPAN_HZ, 0.0, 1.0)
    if product is ReserveProduct.FCR_DK1:
        deviation = NOMINAL_HZ - hz
        if abs(deviation) <= FCR_DK1_DEAD_BAND_HZ:
            return 0.0
        return _clamp(deviation / FCR_DK1_FULL_HZ, -1.0, 1.0)
    return 0.0  # mFRR is activated by a dispatch, never by the frequency


def droop_export_kw(reserved: ReservedPower, hz: float) -> float:
    """The extra export (kW, + = towards the grid) the committed products ask for at `hz`.

    FCR-N rN x (50 - f)/0.1 within +-rN; FCR-D up rU x clamp((49.9 - f)/0.4, 0, 1); FCR-D down
    -rD x clamp((f - 50.1)/0.4, 0, 1); DK1's FCR r x clamp((50 - f)/0.2, -1, 1) outside its
    +-10 mHz dead band. A frequency that is not a finite number asks for nothing.
    """
    if not math.isfinite(hz):
        return 0.0
    return sum(
        reserved.kw(product) * activation(product, hz) for product in reserved.products
    )
