"""The plan as the UI and actions see it: the action now, planned setpoints and SoC, expected revenue."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..planner.model import Plan, Reason
from .blocks import POWER_EPSILON_KW, NextAction

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime

    from ..control.decide import Command
    from ..control.modes import ControlMode
    from ..control.snapshot import DeviceSnapshot

DRIFT_PCT = 5.0  # SoC points off the plan that call for a new plan
MIN_DRIFT_REPLAN = timedelta(minutes=1)


def slot_index(plan: Plan, now: datetime) -> int | None:
    """The index of the plan slot that holds the instant, if any."""
    for index, slot in enumerate(plan.slots):
        if slot.start <= now < slot.end:
            return index
    return None


def planned_setpoint_kw(plan: Plan | None, device_id: str, now: datetime) -> float:
    """The plan's setpoint for a device now (0 outside the plan)."""
    if plan is None:
        return 0.0
    index = slot_index(plan, now)
    if index is None:
        return 0.0
    try:
        return plan.device(device_id).setpoint_kw[index]
    except KeyError:
        return 0.0


def planned_soc_pct(plan: Plan, device_id: str, now: datetime) -> float | None:
    """The SoC (%) the plan expects now, between the slot boundaries."""
    index = slot_index(plan, now)
    if index is None:
        return None
    try:
        soc = plan.device(device_id).soc
    except KeyError:
        return None
    slot = plan.slots[index]
    share = (now - slot.start) / slot.duration
    return 100 * (soc[index] + (soc[index + 1] - soc[index]) * share)


def soc_drifted(
    plan: Plan | None,
    planned_at: datetime | None,
    found: DeviceSnapshot,
    now: datetime,
) -> bool:
    """Whether a device's SoC is so far from where the plan expects it that a new plan is due."""
    soc = found.known_soc_pct
    if plan is None or soc is None or planned_at is None:
        return False
    if now - planned_at < MIN_DRIFT_REPLAN:
        return False
    expected = planned_soc_pct(plan, found.device_id, now)
    return expected is not None and abs(soc - expected) > DRIFT_PCT


def replan_reason(
    before: tuple[ControlMode, bool] | None,
    found: DeviceSnapshot,
    plan: Plan | None,
    planned_at: datetime | None,
    now: datetime,
) -> str | None:
    """Why a device's new poll calls for a new plan (mode, plug, SoC drift), or None."""
    if before is not None and before[0] is not found.mode:
        return "mode"
    if before is not None and before[1] != found.available:
        return "plugged_in" if found.available else "unavailable"
    if soc_drifted(plan, planned_at, found, now):
        return "soc_drift"
    return None


def next_action(plan: Plan | None, now: datetime) -> tuple[NextAction, str | None]:
    """The site's action in the current slot and the reason of the device that drives it."""
    index = None if plan is None else slot_index(plan, now)
    if plan is None or index is None:
        return NextAction.NO_PLAN, None
    if plan.grid_export_kw[index] > POWER_EPSILON_KW:
        action = NextAction.EXPORT
    else:
        setpoints = [d.setpoint_kw[index] for d in plan.devices]
        if any(kw < -POWER_EPSILON_KW for kw in setpoints):
            action = NextAction.SERVE_HOME
        elif any(kw > POWER_EPSILON_KW for kw in setpoints):
            action = NextAction.CHARGE
        else:
            action = NextAction.IDLE
    reasons = [
        d.reasons[index] for d in plan.devices if d.reasons[index] is not Reason.IDLE
    ]
    return action, (reasons[0].value if reasons else Reason.IDLE.value)


def expected_revenue(
    plan: Plan | None, day: date, since: datetime | None = None
) -> float:
    """Export revenue the plan expects on a local day, after `since` if given; 0 when nothing is planned then."""
    if plan is None:
        return 0.0
    total = 0.0
    for slot, export_kw in zip(plan.slots, plan.grid_export_kw, strict=True):
        if dt_util.as_local(slot.start).date() != day:
            continue
        hours = slot.hours
        if since is not None and since > slot.start:
            # What was sold since the plan was made is the ledger's now: count only the rest of the slot.
            hours = max(0.0, (slot.end - since).total_seconds() / 3600)
        total += export_kw * hours * slot.sell_price_per_kwh
    return round(total, 2)


def plan_as_dict(
    plan: Plan | None, planned_at: datetime | None, names: Mapping[str, str]
) -> dict[str, Any]:
    """The whole plan as response data: slots with every device, totals and feasibility."""
    if plan is None:
        return {"planned_at": None, "slots": [], "totals": None, "feasible": None}
    slots: list[dict[str, Any]] = [
        {
            "start": slot.start.isoformat(),
            "end": slot.end.isoformat(),
            "buy_per_kwh": slot.buy_price_per_kwh,
            "sell_per_kwh": slot.sell_price_per_kwh,
            "house_load_kw": slot.house_load_kw,
            "grid_import_kw": plan.grid_import_kw[index],
            "grid_export_kw": plan.grid_export_kw[index],
            "devices": {
                d.device_id: {
                    "name": names.get(d.device_id, d.device_id),
                    "setpoint_kw": d.setpoint_kw[index],
                    "soc_pct": round(100 * d.soc[index + 1], 2),
                    "reason": d.reasons[index].value,
                }
                for d in plan.devices
            },
        }
        for index, slot in enumerate(plan.slots)
    ]
    totals = plan.totals
    reserve_totals: dict[str, float] = {}
    for reserve in plan.reserves:
        reserve_totals = {
            "reserve_income": totals.reserve_income,
            "activation_cost": totals.activation_cost,
        }
        for index, kw in enumerate(reserve.kw):
            held = slots[index]["devices"][reserve.device_id].setdefault(
                "reserve_kw", {}
            )
            held[reserve.product] = round(kw, 3)
    return {
        "planned_at": None if planned_at is None else planned_at.isoformat(),
        "slots": slots,
        "totals": {
            "import_cost": totals.import_cost,
            "export_revenue": totals.export_revenue,
            "wear_cost": totals.wear_cost,
            "net_cost": totals.net_cost,
            "savings": totals.savings,
            **reserve_totals,
        },
        "feasible": plan.feasible,
        "infeasibilities": [
            {
                "kind": problem.kind.value,
                "device_id": problem.device_id,
                "at": problem.at.isoformat(),
                "shortfall": problem.shortfall,
            }
            for problem in plan.infeasibilities
        ],
    }


def commands_as_dict(commands: Mapping[str, Command | None]) -> dict[str, Any]:
    """What each device does right now and why (the last command control gave it)."""
    return {
        device_id: {
            "setpoint_kw": command.setpoint_kw,
            "reason": command.reason,
            "verdict": command.verdict.value,
        }
        for device_id, command in commands.items()
        if command is not None
    }
