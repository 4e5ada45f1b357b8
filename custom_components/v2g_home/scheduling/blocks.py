"""The plan in blocks: each stretch where a device (or the site) charges, exports or serves the home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ..planner.model import Plan, Reason

POWER_EPSILON_KW = 0.01
# When several devices act at once, the site is said to do the first of these that any device does.
ACTION_ORDER = ("export", "serve_home", "charge")


class NextAction(StrEnum):
    """What the site does, in words a user understands."""

    CHARGE = "charge"
    EXPORT = "export"
    SERVE_HOME = "serve_home"
    IDLE = "idle"
    DISABLED = "disabled"
    NO_PLAN = "no_plan"


@dataclass(frozen=True, kw_only=True)
class PlanBlock:
    """Consecutive slots in which one device (or the site, device_id None) does one thing.

    energy_kwh is at the grid side and positive; money is what the block earns (export revenue and
    avoided import) or, negative, what it costs (charging), at the slots' prices.
    """

    device_id: str | None
    action: NextAction
    reason: Reason
    first: int
    last: int  # exclusive
    start: datetime
    end: datetime
    energy_kwh: float
    money: float

    @property
    def duration(self) -> timedelta:
        """How long the block lasts."""
        return self.end - self.start

    @property
    def power_kw(self) -> float:
        """Mean power over the block (kW, positive)."""
        hours = self.duration.total_seconds() / 3600
        return self.energy_kwh / hours if hours > 0 else 0.0


@dataclass(frozen=True, kw_only=True)
class _Step:
    """What one device does in one slot."""

    action: NextAction
    reason: Reason
    energy_kwh: float
    money: float


def _device_steps(plan: Plan, index: int) -> dict[str, _Step]:
    """Each active device's action in a slot, with its share of the export priced at the sell price."""
    slot = plan.slots[index]
    setpoints = {d.device_id: d.setpoint_kw[index] for d in plan.devices}
    discharging = sum(max(-kw, 0.0) for kw in setpoints.values())
    exported = min(plan.grid_export_kw[index], discharging)
    steps: dict[str, _Step] = {}
    for device in plan.devices:
        kw = setpoints[device.device_id]
        kwh = abs(kw) * slot.hours
        if kw > POWER_EPSILON_KW:
            action, money = NextAction.CHARGE, -kwh * slot.buy_price_per_kwh
        elif kw < -POWER_EPSILON_KW:
            share_kw = exported * (-kw / discharging)
            action = (
                NextAction.EXPORT
                if share_kw > POWER_EPSILON_KW
                else NextAction.SERVE_HOME
            )
            sold_kwh = share_kw * slot.hours
            money = (
                sold_kwh * slot.sell_price_per_kwh
                + (kwh - sold_kwh) * slot.buy_price_per_kwh
            )
        else:
            continue
        steps[device.device_id] = _Step(
            action=action,
            reason=device.reasons[index],
            energy_kwh=kwh,
            money=money,
        )
    return steps


def _merge(
    plan: Plan, device_id: str | None, runs: list[tuple[int, _Step]]
) -> list[PlanBlock]:
    """Join consecutive slots with the same action and reason into blocks."""
    blocks: list[PlanBlock] = []
    for index, step in runs:
        last = blocks[-1] if blocks else None
        if (
            last is not None
            and last.last == index
            and last.action is step.action
            and (device_id is None or last.reason is step.reason)
        ):
            blocks[-1] = PlanBlock(
                device_id=device_id,
                action=last.action,
                reason=last.reason,
                first=last.first,
                last=index + 1,
                start=last.start,
                end=plan.slots[index].end,
                energy_kwh=last.energy_kwh + step.energy_kwh,
                money=last.money + step.money,
            )
            continue
        blocks.append(
            PlanBlock(
                device_id=device_id,
                action=step.action,
                reason=step.reason,
                first=index,
                last=index + 1,
                start=plan.slots[index].start,
                end=plan.slots[index].end,
                energy_kwh=step.energy_kwh,
                money=step.money,
            )
        )
    return blocks


def device_blocks(plan: Plan | None) -> list[PlanBlock]:
    """Every device's blocks (split where the action or its reason changes), in time order."""
    if plan is None:
        return []
    runs: dict[str, list[tuple[int, _Step]]] = {d.device_id: [] for d in plan.devices}
    for index in range(len(plan.slots)):
        for device_id, step in _device_steps(plan, index).items():
            runs[device_id].append((index, step))
    blocks = [
        block
        for device_id, device_runs in runs.items()
        for block in _merge(plan, device_id, device_runs)
    ]
    return sorted(blocks, key=lambda block: (block.start, block.device_id or ""))


def site_blocks(plan: Plan | None) -> list[PlanBlock]:
    """The site's blocks: per slot the leading action of its devices, its energy, money and reason."""
    if plan is None:
        return []
    runs: list[tuple[int, _Step]] = []
    for index in range(len(plan.slots)):
        steps = list(_device_steps(plan, index).values())
        for action in ACTION_ORDER:
            doing = [step for step in steps if step.action == action]
            if doing:
                leading = max(doing, key=lambda step: step.energy_kwh)
                runs.append(
                    (
                        index,
                        _Step(
                            action=NextAction(action),
                            reason=leading.reason,
                            energy_kwh=sum(step.energy_kwh for step in doing),
                            money=sum(step.money for step in doing),
                        ),
                    )
                )
                break
    return _merge(plan, None, runs)


def upcoming(blocks: list[PlanBlock], now: datetime) -> PlanBlock | None:
    """The block under way now, else the next one to start."""
    for block in blocks:
        if block.end > now:
            return block
    return None
