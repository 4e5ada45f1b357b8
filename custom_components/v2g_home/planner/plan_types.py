"""Planner outputs: the plan, per-device schedules, reasons and what could not be met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .slot import Slot


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
    RESERVE_COMMITMENT = "reserve_commitment"  # an accepted reserve bid cannot be held


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
class ReservePlan:
    """One device's reserve in one product: kW held per slot, and what that earns and costs."""

    device_id: str
    product: str  # a ReserveProduct key
    kw: tuple[float, ...]  # len(slots); constant over each bid block
    price_per_kw_h: tuple[
        float, ...
    ]  # len(slots); the price after the aggregator's share
    income: float  # after the aggregator's share
    activation_cost: float  # expected


@dataclass(frozen=True, kw_only=True)
class ReserveAhead:
    """What one device would hold of one product in the lookahead, at expected prices (for the offer only)."""

    device_id: str
    product: str  # a ReserveProduct key
    kw: tuple[float, ...]  # len(Plan.ahead_slots)


@dataclass(frozen=True, kw_only=True)
class PlanTotals:
    """Money over the horizon (in the price series' currency)."""

    import_cost: float
    export_revenue: float
    wear_cost: float
    baseline_cost: float  # import cost minus export revenue without any storage
    net_cost: float  # import - export + wear - reserve income + activation cost
    savings: float  # baseline_cost - net_cost
    reserve_income: float = 0.0  # after the aggregator's share, apart from energy sold
    activation_cost: float = 0.0  # expected cost of the reserves' activations


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
    reserves: tuple[ReservePlan, ...] = ()  # per taking-part device and product offered
    # Planned over too, at expected prices, but never driven: only the reserve offer reads them.
    ahead_slots: tuple[Slot, ...] = ()
    reserves_ahead: tuple[ReserveAhead, ...] = ()

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
