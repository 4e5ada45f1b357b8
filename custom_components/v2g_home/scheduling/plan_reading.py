"""What the plan sensors read: the plan at one instant, its next block, status and money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..control.modes import ControlMode
from .blocks import NextAction, PlanBlock, site_blocks, upcoming
from .card_view import CardDevice, PlanFigures, PlanStatus, card_plan
from .scheduler import Scheduler
from .snapshot import snapshot
from .view import expected_revenue, next_action

if TYPE_CHECKING:
    from ..planner.model import Plan

PLANNING_MODES = ["grid_only", "with_house"]


@dataclass(frozen=True, kw_only=True)
class PlanReading:
    """The site's plan and the money around it at one instant."""

    scheduler: Scheduler
    now: datetime
    earned_today: float  # export revenue booked by the ledger today

    @property
    def plan(self) -> Plan | None:
        """The scheduler's current plan (None: nothing planned)."""
        return self.scheduler.plan

    @cached_property
    def next_block(self) -> PlanBlock | None:
        """The site's block under way now, else the next one."""
        return upcoming(site_blocks(self.plan), self.now)

    @property
    def planning_mode(self) -> str:
        """Grid-only (no house load forecast) or with the house."""
        return PLANNING_MODES[0] if self.scheduler.grid_only else PLANNING_MODES[1]

    @property
    def next_action(self) -> NextAction:
        """What the site does now, or next when it is idle now."""
        if not self.scheduler.settings.enabled:
            return NextAction.DISABLED
        if self.plan is None:
            return NextAction.NO_PLAN
        block = self.next_block
        return NextAction.IDLE if block is None else block.action

    @property
    def planned_today(self) -> float:
        """Export revenue the plan still expects today (from now on: what is past is in the ledger)."""
        return expected_revenue(self.plan, dt_util.as_local(self.now).date(), self.now)

    @property
    def revenue_today(self) -> float:
        """Export revenue today: booked so far plus what the plan expects for the rest of the day."""
        return round(self.earned_today + self.planned_today, 2)

    @property
    def revenue_tomorrow(self) -> float:
        """Export revenue the plan expects tomorrow (0 until tomorrow's prices are planned)."""
        tomorrow = dt_util.as_local(self.now).date() + timedelta(days=1)
        return expected_revenue(self.plan, tomorrow)

    @property
    def profit(self) -> float:
        """What the storage earns over the plan against doing nothing: revenue and avoided import, less charging and wear."""
        return 0.0 if self.plan is None else round(self.plan.totals.savings, 2)

    @property
    def reserve_income(self) -> float:
        """What the plan's reserves earn after the aggregator's share (apart from energy sold)."""
        return 0.0 if self.plan is None else round(self.plan.totals.reserve_income, 2)

    @property
    def status(self) -> PlanStatus:
        """Why there is or is not a plan to show."""
        scheduler = self.scheduler
        if not scheduler.settings.enabled:
            return PlanStatus.DISABLED
        if not scheduler.prices_known(self.now):
            return PlanStatus.NO_PRICES
        in_auto = [
            found
            for key, coordinator in scheduler.devices.items()
            if (found := snapshot(key, coordinator)).mode is ControlMode.AUTO
        ]
        if not in_auto:
            return PlanStatus.MANUAL
        if self.plan is None or not self.plan.devices:
            if any(found.is_car and not found.available for found in in_auto):
                return PlanStatus.CAR_AWAY
            return PlanStatus.NO_PLAN
        return PlanStatus.OK

    def away(self) -> list[str]:
        """Names of the cars in auto mode that are not plugged in."""
        return [
            found.name
            for key, coordinator in self.scheduler.devices.items()
            if (found := snapshot(key, coordinator)).is_car
            and found.mode is ControlMode.AUTO
            and not found.available
        ]

    def card(self) -> dict[str, Any]:
        """The plan card's attribute."""
        scheduler = self.scheduler
        devices = {
            key: CardDevice(
                name=coordinator.name,
                is_car=(found := snapshot(key, coordinator)).is_car,
                reserve_pct=scheduler.settings.reserve_soc_pct,
                departure=scheduler.departure_for(key, self.now)
                if found.is_car
                else None,
            )
            for key, coordinator in scheduler.devices.items()
        }
        return card_plan(
            self.plan,
            status=self.status,
            planned_at=scheduler.planned_at,
            devices=devices,
            away=self.away(),
            figures=PlanFigures(
                currency=scheduler.currency,
                revenue_today=self.revenue_today,
                revenue_tomorrow=self.revenue_tomorrow,
                profit=self.profit,
                reserve_income=self.reserve_income,
            ),
            now=self.now,
        )

    def next_action_attributes(self) -> dict[str, Any]:
        """When the next action starts and how long it lasts, why, and the plan for the card."""
        block = self.next_block
        current, _ = next_action(self.plan, self.now)
        scheduler = self.scheduler
        attributes: dict[str, Any] = {
            "current": current.value,
            "reason": None if block is None else block.reason.value,
            "starts_at": None if block is None else block.start,
            "ends_at": None if block is None else block.end,
            "duration_minutes": None
            if block is None
            else round(block.duration.total_seconds() / 60),
            "power_kw": None if block is None else round(block.power_kw, 1),
            "energy_kwh": None if block is None else round(block.energy_kwh, 2),
            "money": None if block is None else round(block.money, 2),
            "planning_mode": self.planning_mode,
            "planned_at": scheduler.planned_at,
            "trigger": scheduler.last_reason,
            "plan": self.card(),
        }
        return attributes
