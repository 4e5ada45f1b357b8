"""The plan card's reserves: each stretch a device holds a product, and the plan's reserve income apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import json

import pytest

from custom_components.v2g_home.planner.model import ReservePlan, Slot
from custom_components.v2g_home.scheduling.card_view import (
    CardDevice,
    PlanFigures,
    PlanStatus,
    card_plan,
)
from tests.helpers.card_reserves import reserve_day_card, reserve_day_plan

from .test_plan_blocks import IDLE, START, make_plan

PRODUCTS = ("fcr_n", "fcr_d_up", "fcr_d_down")


def test_a_real_plan_shows_every_stretch_it_holds() -> None:
    """On real FCR prices: each stretch is where the plan holds the product, no slot more; the incomes add up."""
    plan = reserve_day_plan()
    card = reserve_day_card(plan)
    assert plan.totals.reserve_income > 0
    assert card["reserves"]
    assert card["reserve_income"] == round(plan.totals.reserve_income, 2)
    ids = [device["id"] for device in card["devices"]]
    held: dict[tuple[int, str], list[int]] = {}
    for stretch in card["reserves"]:
        reserve = next(
            r
            for r in plan.reserves
            if (r.device_id, r.product) == (ids[stretch["d"]], stretch["p"])
        )
        first, end = stretch["s"], stretch["e"]
        assert all(kw > 0.05 for kw in reserve.kw[first:end])
        assert first == 0 or reserve.kw[first - 1] <= 0.05
        assert end == len(plan.slots) or reserve.kw[end] <= 0.05
        assert min(reserve.kw[first:end]) <= stretch["kw"] <= max(reserve.kw[first:end])
        held.setdefault((stretch["d"], stretch["p"]), []).extend(range(first, end))
    for reserve in plan.reserves:
        key = (ids.index(reserve.device_id), reserve.product)
        holding = [t for t, kw in enumerate(reserve.kw) if kw > 0.05]
        assert sorted(held.get(key, [])) == holding
    incomes = sum(stretch["m"] for stretch in card["reserves"])
    assert incomes == pytest.approx(plan.totals.reserve_income, abs=0.01 * len(held))


def test_many_stretches_keep_the_attribute_small() -> None:
    """36 h of quarter hours, two devices switching three products every other hour: still well under 16 KB."""
    quarter = timedelta(minutes=15)
    slots = 144
    plan = make_plan(
        {"leaf": [(0.0, IDLE)] * slots, "pack": [(0.0, IDLE)] * slots}, [0] * slots
    )
    plan = replace(
        plan,
        slots=tuple(
            Slot(
                start=START + i * quarter,
                duration=quarter,
                buy_price_per_kwh=1.5,
                sell_price_per_kwh=1.0,
            )
            for i in range(slots)
        ),
        reserves=tuple(
            ReservePlan(
                device_id=device_id,
                product=product,
                kw=tuple(3.25 if (i // 4) % 6 == n * 2 else 0.0 for i in range(slots)),
                price_per_kw_h=tuple(0.1234 for _ in range(slots)),
                income=0.0,
                activation_cost=0.0,
            )
            for device_id in ("leaf", "pack")
            for n, product in enumerate(PRODUCTS)
        ),
    )
    card = card_plan(
        plan,
        status=PlanStatus.OK,
        planned_at=START,
        devices={
            "leaf": CardDevice(name="Leaf", is_car=True, reserve_pct=20),
            "pack": CardDevice(name="Pack", is_car=False, reserve_pct=20),
        },
        away=[],
        figures=PlanFigures(
            currency="DKK",
            revenue_today=0,
            revenue_tomorrow=0,
            profit=0,
            reserve_income=4.2,
        ),
        now=START,
    )
    assert len(card["reserves"]) == 2 * 3 * 6
    assert card["reserves"][0] == {
        "d": 0,
        "p": "fcr_n",
        "s": 0,
        "e": 4,
        "kw": 3.25,
        "m": 0.4,
    }
    assert card["reserve_income"] == 4.2
    assert len(json.dumps(card, separators=(",", ":"))) < 16_000 / 2


def test_a_plan_without_reserves_shows_none() -> None:
    plan = make_plan({"leaf": [(0.0, IDLE)] * 3}, [0] * 3)
    card = card_plan(
        plan,
        status=PlanStatus.OK,
        planned_at=START,
        devices={},
        away=[],
        figures=PlanFigures(
            currency="DKK", revenue_today=0, revenue_tomorrow=0, profit=0
        ),
        now=START,
    )
    assert card["reserves"] == []
    assert card["reserve_income"] == 0.0
