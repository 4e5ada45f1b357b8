"""Planner inputs: slots, storage devices, the site and the terminal value (outputs: plan_types, re-exported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from . import checks
from .plan_types import (
    DevicePlan,
    Infeasibility,
    InfeasibilityKind,
    Plan,
    PlanTotals,
    Reason,
    ReservePlan,
)
from .reserve_model import ReserveMarket
from .slot import AvailabilityWindow, Slot

__all__ = [
    "AvailabilityWindow",
    "Departure",
    "DevicePlan",
    "Infeasibility",
    "InfeasibilityKind",
    "Plan",
    "PlanTotals",
    "PlanningProblem",
    "Reason",
    "ReservePlan",
    "Site",
    "Slot",
    "StorageDevice",
    "TerminalValue",
]


@dataclass(frozen=True, kw_only=True)
class Departure:
    """A trip: the SoC wanted when the car leaves and the energy the trip takes from the battery."""

    time: datetime
    target_soc: float  # fraction of usable capacity
    trip_energy_kwh: float = 0.0

    def __post_init__(self) -> None:
        """Refuse a target outside 0..1 and a trip that is not a finite amount of energy."""
        if self.time.tzinfo is None:
            raise ValueError("departure time must be timezone-aware")
        owner = f"departure at {self.time}"
        checks.fraction(owner, target_soc=self.target_soc)
        checks.finite(owner, trip_energy_kwh=self.trip_energy_kwh)
        checks.non_negative(owner, trip_energy_kwh=self.trip_energy_kwh)


@dataclass(frozen=True, kw_only=True)
class StorageDevice:
    """A battery the planner may charge and discharge (a car on a bidirectional charger or a pack).

    Power limits are at the grid side and both positive numbers; the setpoint sign convention is
    positive = charging, negative = discharging. SoC values are fractions of the usable capacity.
    """

    device_id: str
    capacity_kwh: float
    initial_soc: float
    max_charge_kw: float
    max_discharge_kw: float
    soc_min: float = 0.0
    soc_max: float = 1.0
    reserve_soc: float = (
        0.0  # the user never goes below this (the floor is max(soc_min, reserve_soc))
    )
    min_power_kw: float = (
        0.0  # dead band: a setpoint is 0 or at least this in either direction
    )
    charge_efficiency: float = 1.0
    discharge_efficiency: float = 1.0
    wear_per_kwh: float = 0.0  # per kWh discharged, measured at the grid side
    availability: tuple[AvailabilityWindow, ...] | None = None  # None: always available
    departures: tuple[Departure, ...] = ()
    end_soc_min: float | None = None  # e.g. "at least the starting SoC" in backtests

    def __post_init__(self) -> None:
        """Refuse settings no battery has and states no battery is in (NaN, SoC outside 0..1)."""
        name = self.device_id
        checks.finite(
            name,
            capacity_kwh=self.capacity_kwh,
            max_charge_kw=self.max_charge_kw,
            max_discharge_kw=self.max_discharge_kw,
            min_power_kw=self.min_power_kw,
            wear_per_kwh=self.wear_per_kwh,
        )
        if self.capacity_kwh <= 0:
            raise ValueError(f"{name}: capacity must be positive")
        limits = (
            self.max_charge_kw,
            self.max_discharge_kw,
            self.min_power_kw,
            self.wear_per_kwh,
        )
        if min(limits) < 0:
            raise ValueError(f"{name}: powers and wear cannot be negative")
        if not (0 < self.charge_efficiency <= 1 and 0 < self.discharge_efficiency <= 1):
            raise ValueError(f"{name}: efficiencies must be in (0, 1]")
        if not 0 <= self.soc_min <= self.soc_max <= 1:
            raise ValueError(f"{name}: need 0 <= soc_min <= soc_max <= 1")
        checks.fraction(
            name, initial_soc=self.initial_soc, reserve_soc=self.reserve_soc
        )
        if self.end_soc_min is not None:
            checks.fraction(name, end_soc_min=self.end_soc_min)
        for departure in self.departures:
            if departure.trip_energy_kwh > self.capacity_kwh:
                raise ValueError(
                    f"{name}: the trip at {departure.time} needs {departure.trip_energy_kwh} kWh,"
                    f" more than the battery's {self.capacity_kwh} kWh"
                )


@dataclass(frozen=True, kw_only=True)
class Site:
    """The connection point: main fuse, export cap and whether export is allowed at all."""

    import_limit_kw: float = float("inf")
    export_limit_kw: float = float("inf")
    export_allowed: bool = True

    def __post_init__(self) -> None:
        """Limits are zero or more; infinity means no limit, NaN is refused."""
        checks.non_negative(
            "site",
            import_limit_kw=self.import_limit_kw,
            export_limit_kw=self.export_limit_kw,
        )


@dataclass(frozen=True, kw_only=True)
class TerminalValue:
    """How energy left in storage after the last known price is valued.

    With `lookahead` (slots after the horizon with expected prices and loads, e.g. learned from
    history by `expected.expected_prices`), the plan looks ahead over them: energy left at the
    horizon's end is worth what the plan would earn with it there (serving the house at the
    expected buy price, exporting, or saving a purchase). Their setpoints are not part of the plan.
    At the end of the horizon (or of the lookahead), a kWh stored is worth `price_per_kwh` if set,
    else (q - wear) x discharge efficiency, floored at 0, where q is the `quantile` of the sell
    prices (the buy price where that is lower): what a typical later hour would pay for it. Where
    nothing can take the energy (no export, no house load, no trip), it is worth nothing.
    """

    price_per_kwh: float | None = None
    quantile: float = 0.5
    lookahead: tuple[Slot, ...] = ()

    def __post_init__(self) -> None:
        """A given value must be finite, the quantile a fraction, the lookahead in time order."""
        if self.price_per_kwh is not None:
            checks.finite("terminal value", price_per_kwh=self.price_per_kwh)
        checks.fraction("terminal value", quantile=self.quantile)
        _in_order(self.lookahead)


def _in_order(slots: tuple[Slot, ...]) -> None:
    """Slots must be in time order without overlaps (a gap is a stretch where nothing happens)."""
    for before, after in pairwise(slots):
        if after.start < before.end:
            raise ValueError(
                f"slot at {after.start} overlaps the one at {before.start}"
            )


@dataclass(frozen=True, kw_only=True)
class PlanningProblem:
    """Everything `plan()` needs: slots in time order, the devices, the site and the terminal value."""

    slots: tuple[Slot, ...]
    devices: tuple[StorageDevice, ...]
    site: Site = field(default_factory=Site)
    terminal_value: TerminalValue = field(default_factory=TerminalValue)
    reserves: ReserveMarket | None = None  # None: energy only

    def __post_init__(self) -> None:
        """Slots in time order without overlaps; a lookahead starts after the last slot."""
        _in_order(self.slots)
        if self.reserves is not None:
            ids = {device.device_id for device in self.devices}
            for offer in self.reserves.offers:
                if offer.device_id not in ids:
                    raise ValueError(
                        f"reserve offer for unknown device {offer.device_id}"
                    )
        ahead = self.terminal_value.lookahead
        if ahead and self.slots and ahead[0].start < self.slots[-1].end:
            raise ValueError("the lookahead must start after the horizon's last slot")
