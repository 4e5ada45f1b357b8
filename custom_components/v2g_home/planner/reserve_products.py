"""Reserve products as data: what each asks of a battery and where its price comes from.

Facts from nordic-reserves.md (Energinet, Svenska kraftnät): FCR-N holds 134 % of the bid in power and
one hour of full activation each way; FCR-D holds 20 % of the bid the other way and 20 minutes of
energy. The DK1 FCR and mFRR rows carry our assumptions where the reference gives none (see docs).
When the last auction for a day closes (the day before, Danish time): FCR-N and FCR-D's late auction at
18:00 (Svenska kraftnät, for the Swedish-Danish market since June 2023; the early one closes at 00:30),
after the day-ahead prices (about 13:00); DK1's FCR at 08:00 (regelleistung.net, FCR Cooperation); mFRR
capacity before the day-ahead market (Energinet), taken as 08:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Direction(StrEnum):
    """Which way an activation moves power: towards the grid (up), from it (down), or both."""

    SYMMETRIC = "symmetric"
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, kw_only=True)
class ReserveProduct:
    """One reserve a battery can be sold in, with the limited-energy rules it must keep."""

    key: str  # fcr_n, fcr_d_up, fcr_d_down, fcr_dk1, mfrr_up
    name: str
    area: str  # price area the product (and its price) belongs to
    direction: Direction
    endurance_h: float  # full activation a limited-energy unit must be able to sustain
    power_factor: float  # power held per kW bid, in the product's own direction(s)
    opposite_share: float  # power held the other way per kW bid
    expected_activation: float  # mean activated energy per kW and hour, as a share
    block_hours: int  # bids are whole blocks of this many Danish hours
    dataset: str  # Energi Data Service dataset of its capacity price
    dataset_product: str  # the product's name in that dataset
    gate_hour: int  # Danish hour the day before when the last auction for a day closes

    def __post_init__(self) -> None:
        """Refuse products no battery could hold: no endurance, negative shares, no block."""
        if self.endurance_h < 0 or self.power_factor <= 0 or self.opposite_share < 0:
            raise ValueError(f"{self.key}: endurance and factors cannot be negative")
        if not 0.0 <= self.expected_activation <= 1.0:
            raise ValueError(f"{self.key}: expected activation must be a share")
        if self.block_hours < 1 or 24 % self.block_hours:
            raise ValueError(f"{self.key}: blocks must divide a day into whole hours")
        if not 0 <= self.gate_hour <= 23:
            raise ValueError(
                f"{self.key}: an auction closes at an hour of the day before"
            )

    @property
    def up_factor(self) -> float:
        """Discharge headroom held per kW bid (room to export more)."""
        return (
            self.opposite_share
            if self.direction is Direction.DOWN
            else self.power_factor
        )

    @property
    def down_factor(self) -> float:
        """Charge headroom held per kW bid (room to import more)."""
        return (
            self.opposite_share if self.direction is Direction.UP else self.power_factor
        )

    @property
    def drain_h(self) -> float:
        """Hours of full upward activation the stored energy above the floor must cover."""
        return 0.0 if self.direction is Direction.DOWN else self.endurance_h

    @property
    def fill_h(self) -> float:
        """Hours of full downward activation the room below the top must take."""
        return 0.0 if self.direction is Direction.UP else self.endurance_h


def cost_share(product: ReserveProduct, activation: float) -> float:
    """Energy that makes a round trip through the battery per kW held and hour, at this activation.

    A symmetric product activated a share alpha of the time moves alpha/2 each way; the energy
    taken in comes back out later (bought at the buy price, released at eta^2 x sell), so its
    expected cost is alpha/2 x (buy - eta^2 sell + wear) per kW and hour. A one-way product's
    activation makes a whole round trip: alpha x (buy - eta^2 sell + wear).
    """
    if product.direction is Direction.SYMMETRIC:
        return activation / 2.0
    return activation


FCR_N: Final = ReserveProduct(
    key="fcr_n",
    name="FCR-N",
    area="DK2",
    direction=Direction.SYMMETRIC,
    endurance_h=1.0,
    power_factor=1.34,
    opposite_share=0.0,
    expected_activation=0.3,  # the reference's 20-40 % mean absolute activation; a setting
    block_hours=1,
    dataset="FcrNdDK2",
    dataset_product="FCR-N",
    gate_hour=18,
)
FCR_D_UP: Final = ReserveProduct(
    key="fcr_d_up",
    name="FCR-D up",
    area="DK2",
    direction=Direction.UP,
    endurance_h=1.0 / 3.0,
    power_factor=1.0,
    opposite_share=0.2,
    expected_activation=0.0003,  # 2025 mean: about 0.03 % of the reserve
    block_hours=1,
    dataset="FcrNdDK2",
    dataset_product="FCR-D upp",
    gate_hour=18,
)
FCR_D_DOWN: Final = ReserveProduct(
    key="fcr_d_down",
    name="FCR-D down",
    area="DK2",
    direction=Direction.DOWN,
    endurance_h=1.0 / 3.0,
    power_factor=1.0,
    opposite_share=0.2,
    expected_activation=0.0003,
    block_hours=1,
    dataset="FcrNdDK2",
    dataset_product="FCR-D ned",
    gate_hour=18,
)
# Assumptions (the reference gives no limited-energy rule for these): continental FCR's 15 minutes
# for a limited-energy unit and a smaller activation than FCR-N (a +-10 mHz dead band); mFRR up held
# for the whole hour, its rare activations paid at the balancing price and so not counted as a cost.
FCR_DK1: Final = ReserveProduct(
    key="fcr_dk1",
    name="FCR (DK1)",
    area="DK1",
    direction=Direction.SYMMETRIC,
    endurance_h=0.25,
    power_factor=1.0,
    opposite_share=0.0,
    expected_activation=0.1,
    block_hours=4,
    dataset="FcrDK1",
    dataset_product="FCR",
    gate_hour=8,
)
MFRR_UP: Final = ReserveProduct(
    key="mfrr_up",
    name="mFRR up",
    area="DK1/DK2",
    direction=Direction.UP,
    endurance_h=1.0,
    power_factor=1.0,
    opposite_share=0.0,
    expected_activation=0.0,
    block_hours=1,
    dataset="MfrrCapacityMarket",
    dataset_product="Up",
    gate_hour=8,
)

PRODUCTS: Final[dict[str, ReserveProduct]] = {
    product.key: product for product in (FCR_N, FCR_D_UP, FCR_D_DOWN, FCR_DK1, MFRR_UP)
}


def product(key: str) -> ReserveProduct:
    """A product by its key; `fcr-n` and `fcr_n` are the same product."""
    try:
        return PRODUCTS[key.strip().lower().replace("-", "_")]
    except KeyError:
        known = ", ".join(k.replace("_", "-") for k in PRODUCTS)
        raise ValueError(f"unknown reserve product {key!r} (known: {known})") from None
