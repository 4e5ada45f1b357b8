"""Planner inputs and outputs: slots, storage devices, the site, and the resulting plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from . import checks


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One time slot with its prices and forecasts (power values are averages over the slot)."""

    start: datetime  # timezone-aware UTC
    duration: timedelta
    buy_price_per_kwh: float
    sell_price_per_kwh: float
    house_load_kw: float = 0.0
    solar_kw: float = 0.0

    def __post_init__(self) -> None:
        """Refuse slots that cannot be planned (a programming error, not a planning problem)."""
        if self.start.tzinfo is None:
            raise ValueError("slot start must be timezone-aware")
        if self.duration <= timedelta(0):
            raise ValueError(f"slot at {self.start} has no duration")
        checks.finite(
            f"slot at {self.start}",
            buy_price_per_kwh=self.buy_price_per_kwh,
            sell_price_per_kwh=self.sell_price_per_kwh,
            house_load_kw=self.house_load_kw,
            solar_kw=self.solar_kw,
        )
        checks.non_negative(f"slot at {self.start}", solar_kw=self.solar_kw)

    @property
    def end(self) -> datetime:
        """The end of the slot (exclusive)."""
        return self.start + self.duration

    @property
    def hours(self) -> float:
        """The slot's length in hours."""
        return self.duration.total_seconds() / 3600.0


@dataclass(frozen=True, kw_only=True)
class AvailabilityWindow:
    """A period in which a device can be controlled (a car: plugged in)."""

    start: datetime
    end: datetime


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
    """How energy left in storage after the last known price is valued (per kWh stored).

    With `price_per_kwh` set, that value is used as is. Otherwise it is (q - wear) x discharge
    efficiency, floored at 0, where q is the `quantile` of the horizon's sell prices (the buy price
    where that is lower): what a typical later hour would pay for the energy, after losses and wear.
    """

    price_per_kwh: float | None = None
    quantile: float = 0.5

    def __post_init__(self) -> None:
        """A given value must be finite, the quantile a fraction."""
        if self.price_per_kwh is not None:
            checks.finite("terminal value", price_per_kwh=self.price_per_kwh)
        checks.fraction("terminal value", quantile=self.quantile)


@dataclass(frozen=True, kw_only=True)
class PlanningProblem:
    """Everything `plan()` needs: slots in time order, the devices, the site and the terminal value."""

    slots: tuple[Slot, ...]
    devices: tuple[StorageDevice, ...]
    site: Site = field(default_factory=Site)
    terminal_value: TerminalValue = field(default_factory=TerminalValue)

    def __post_init__(self) -> None:
        """Slots must be in time order without overlaps (a gap is a stretch where nothing happens)."""
        for before, after in zip(self.slots, self.slots[1:], strict=False):
            if after.start < before.end:
                raise ValueError(
                    f"slot at {after.start} overlaps the one at {before.start}"
                )


class Reason(StrEnum):
    """Why a device does what it does in a slot (machine-readable, for the UI)."""

    CHARGE_CHEAP = "charge_cheap"
    CHARGE_NEGATIVE_PRICE = "charge_negative_price"
    CHARGE_SOLAR = "charge_solar"
    CHARGE_FOR_DEPARTURE = "charge_for_departure"
    CHARGE_TO_RESERVE = "charge_to_reserve"
    SERVE_HOME = "serve_home"
    EXPORT_PEAK = "export_peak"
    HOLD_FOR_DEPARTURE = "hold_for_departure"
    IDLE = "idle"
    UNAVAILABLE = "unavailable"


class InfeasibilityKind(StrEnum):
    """What could not be met; the plan then does the best it can."""

    DEPARTURE_TARGET = "departure_target"  # the target SoC cannot be reached in time
    END_SOC = "end_soc"  # end_soc_min cannot be reached
    IMPORT_LIMIT = "import_limit"  # the house needs more than the fuse allows
    EXPORT_LIMIT = (
        "export_limit"  # solar or discharge beyond the export cap cannot be avoided
    )


@dataclass(frozen=True, kw_only=True)
class Infeasibility:
    """One requirement the plan cannot meet, with how far off the best plan stays."""

    kind: InfeasibilityKind
    device_id: str | None
    at: datetime
    shortfall: float  # kWh below a SoC requirement, or kW beyond a site limit


@dataclass(frozen=True, kw_only=True)
class DevicePlan:
    """One device's schedule: a signed setpoint per slot and the SoC at every slot boundary."""

    device_id: str
    setpoint_kw: tuple[
        float, ...
    ]  # len(slots); + charging, - discharging, at the grid side
    soc: tuple[float, ...]  # len(slots) + 1; fractions, soc[0] is the starting SoC
    reasons: tuple[Reason, ...]  # len(slots)
    wear_cost: float
    terminal_value: float  # per kWh stored, as used by the optimiser


@dataclass(frozen=True, kw_only=True)
class PlanTotals:
    """Money over the horizon (in the price series' currency)."""

    import_cost: float
    export_revenue: float
    wear_cost: float
    baseline_cost: float  # import cost minus export revenue without any storage
    net_cost: float  # import_cost - export_revenue + wear_cost
    savings: float  # baseline_cost - net_cost


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The optimiser's answer."""

    slots: tuple[Slot, ...]
    devices: tuple[DevicePlan, ...]
    grid_import_kw: tuple[float, ...]  # len(slots), >= 0
    grid_export_kw: tuple[float, ...]  # len(slots), >= 0
    totals: PlanTotals
    objective: (
        float  # net_cost minus the terminal value of stored energy (what was minimised)
    )
    relaxed_objective: float  # the same without the dead band (the linear optimum)
    infeasibilities: tuple[Infeasibility, ...] = ()
    # False: the solver failed numerically and the plan is the idle fallback.
    solver_converged: bool = True

    @property
    def feasible(self) -> bool:
        """Whether every requirement is met."""
        return not self.infeasibilities

    def device(self, device_id: str) -> DevicePlan:
        """The plan of one device by its id."""
        for device_plan in self.devices:
            if device_plan.device_id == device_id:
                return device_plan
        raise KeyError(device_id)
