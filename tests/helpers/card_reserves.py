"""A planned day that holds reserves, and the plan card's attribute for it (unit and browser tests share it)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from custom_components.v2g_home.planner.optimise import plan as make_plan
from custom_components.v2g_home.scheduling.card_view import (
    CardDevice,
    PlanFigures,
    PlanStatus,
    card_plan,
)
from tests.planner.reserve_scenarios import real_dst_prices, with_reserves
from tests.planner.scenarios import pack, problem_for

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import Plan

NAMES = {"leaf": "Leaf", "pack": "Pack"}


def reserve_day_plan() -> Plan:
    """The Leaf and a pack on DK2's spring DST day (23 hours), both offered at its real FCR-N/FCR-D prices."""
    base = problem_for("2025-03-30", with_load=True)
    base = replace(base, devices=(*base.devices, pack("pack")))
    return make_plan(with_reserves(base, real_dst_prices(), devices=tuple(NAMES)))


def reserve_day_card(plan: Plan) -> dict[str, Any]:
    """The card's attribute for that plan, as the site's plan sensor would carry it."""
    return card_plan(
        plan,
        status=PlanStatus.OK,
        planned_at=plan.slots[0].start,
        devices={
            key: CardDevice(name=name, is_car=key == "leaf", reserve_pct=20)
            for key, name in NAMES.items()
        },
        away=[],
        figures=PlanFigures(
            currency="DKK",
            revenue_today=0.0,
            revenue_tomorrow=0.0,
            profit=round(plan.totals.savings, 2),
            reserve_income=round(plan.totals.reserve_income, 2),
        ),
        now=plan.slots[0].start,
    )
