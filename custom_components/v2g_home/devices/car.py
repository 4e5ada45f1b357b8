"""The car behind any charger: generic, with the Nissan Leaf's defaults only where a Leaf is likely."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .charger import ConnectorType
from .leaf import LEAF_PACKS, SocFilter
from .models import SocReading

if TYPE_CHECKING:
    from datetime import datetime

    from .charger import ChargerStatus

# A usable capacity to start from when nothing is known about the car; the owner sets the real one.
GENERIC_CAPACITY_KWH = 50.0
LEAF_CAPACITY_KWH = LEAF_PACKS["40"]
_CAPACITY_RANGE_KWH = (5.0, 200.0)


@dataclass(frozen=True, kw_only=True)
class CarDefaults:
    """What to assume about a car until the owner says otherwise."""

    leaf: bool
    capacity_kwh: float


def car_defaults(connector: ConnectorType, *, leaf: bool | None = None) -> CarDefaults:
    """Leaf defaults for a CHAdeMO plug (or when the owner says Leaf), a generic car otherwise."""
    is_leaf = connector is ConnectorType.CHADEMO if leaf is None else leaf
    return CarDefaults(
        leaf=is_leaf,
        capacity_kwh=LEAF_CAPACITY_KWH if is_leaf else GENERIC_CAPACITY_KWH,
    )


def soc_filter_for(*, leaf: bool) -> SocFilter:
    """A Leaf's filter also holds back its known bogus 1 % and > 97 % readings until confirmed."""
    if leaf:
        return SocFilter()
    return SocFilter(glitch_low_pct=0.0, glitch_high_pct=100.0)


@dataclass(frozen=True, kw_only=True)
class CarState:
    """The car as the planner and the UI see it."""

    soc: SocReading
    capacity_kwh: float
    plugged_in: bool | None
    controllable: bool
    stored_energy_kwh: float | None


class CarMonitor:
    """Turns any charger's status into a CarState with a filtered SoC."""

    def __init__(
        self, capacity_kwh: float, *, leaf: bool, soc_filter: SocFilter | None = None
    ) -> None:
        """Usable capacity (kWh) is the owner's figure; `leaf` picks the Leaf's SoC filter."""
        low, high = _CAPACITY_RANGE_KWH
        if not low <= capacity_kwh <= high:
            raise ValueError(f"usable capacity {capacity_kwh} kWh is out of range")
        self.capacity_kwh = capacity_kwh
        self.leaf = leaf
        self.soc_filter = soc_filter or soc_filter_for(leaf=leaf)

    def update(self, status: ChargerStatus, now: datetime) -> CarState:
        """Fold one charger poll into the car's state."""
        soc = self.soc_filter.observe(
            status.car_soc_pct or 0.0,
            plugged_in=status.plugged_in is not False,
            now=now,
        )
        return self._state(soc, status)

    def seed(
        self, soc_pct: float, measured_at: datetime, status: ChargerStatus
    ) -> CarState:
        """The car's state with its SoC taken from an earlier measurement instead of this poll."""
        return self._state(self.soc_filter.seed(soc_pct, measured_at), status)

    def _state(self, soc: SocReading, status: ChargerStatus) -> CarState:
        stored = (
            None
            if soc.soc_pct is None
            else round(self.capacity_kwh * soc.soc_pct / 100, 3)
        )
        return CarState(
            soc=soc,
            capacity_kwh=self.capacity_kwh,
            plugged_in=status.plugged_in,
            controllable=status.controllable,
            stored_energy_kwh=stored,
        )
