"""The plan in blocks: per device and for the site, with energy, money, reason; the card's attribute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json

from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.planner.model import (
    DevicePlan,
    Plan,
    PlanTotals,
    Reason,
    Slot,
)
from custom_components.v2g_home.scheduling.blocks import (
    NextAction,
    device_blocks,
    site_blocks,
    upcoming,
)
from custom_components.v2g_home.scheduling.card_view import (
    CardDevice,
    PlanFigures,
    PlanStatus,
    card_plan,
)
from custom_components.v2g_home.scheduling.view import expected_revenue

START = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
SLOTS = 144
HOUR = timedelta(hours=1)
C, E, S, IDLE = (
    Reason.CHARGE_CHEAP,
    Reason.EXPORT_PEAK,
    Reason.SERVE_HOME,
    Reason.IDLE,
)


def make_plan(
    devices: dict[str, list[tuple[float, Reason]]],
    export_kw: list[float],
    *,
    buy: float = 2.0,
    sell: float = 1.0,
) -> Plan:
    """Hourly slots at one price; each device's setpoints and reasons; the site's export per slot."""
    slots = tuple(
        Slot(
            start=START + index * HOUR,
            duration=HOUR,
            buy_price_per_kwh=buy,
            sell_price_per_kwh=sell,
        )
        for index in range(len(export_kw))
    )
    return Plan(
        slots=slots,
        devices=tuple(
            DevicePlan(
                device_id=device_id,
                setpoint_kw=tuple(kw for kw, _ in steps),
                soc=tuple(0.5 for _ in range(len(steps) + 1)),
                reasons=tuple(reason for _, reason in steps),
                wear_cost=0.0,
                terminal_value=0.0,
            )
            for device_id, steps in devices.items()
        ),
        grid_import_kw=tuple(0.0 for _ in export_kw),
        grid_export_kw=tuple(export_kw),
        totals=PlanTotals(
            import_cost=0.0,
            export_revenue=0.0,
            wear_cost=0.0,
            baseline_cost=0.0,
            net_cost=0.0,
            savings=0.0,
        ),
        objective=0.0,
        relaxed_objective=0.0,
    )


def test_a_device_charges_then_exports_in_two_blocks() -> None:
    """Charge 2 h at 7.4 kW, idle, export 2 h: two blocks with energy and money at the slots' prices."""
    plan = make_plan(
        {"leaf": [(7.4, C), (7.4, C), (0.0, IDLE), (-7.4, E), (-7.4, E)]},
        [0, 0, 0, 7.4, 7.4],
    )
    charge, export = device_blocks(plan)
    assert (charge.action, charge.first, charge.last) == (NextAction.CHARGE, 0, 2)
    assert charge.energy_kwh == pytest.approx(14.8)
    assert charge.money == pytest.approx(-14.8 * 2.0)
    assert charge.power_kw == pytest.approx(7.4)
    assert (export.action, export.reason, export.start) == (
        NextAction.EXPORT,
        E,
        START + 3 * HOUR,
    )
    assert export.duration == 2 * HOUR
    assert export.money == pytest.approx(14.8 * 1.0)


def test_discharge_without_export_serves_the_home_at_the_buy_price() -> None:
    """Discharging while the grid takes nothing is serving the home: worth the buy price avoided."""
    plan = make_plan({"pack": [(-2.0, S), (-2.0, S)]}, [0.0, 0.0])
    (block,) = device_blocks(plan)
    assert block.action is NextAction.SERVE_HOME
    assert block.money == pytest.approx(4.0 * 2.0)


def test_a_change_of_reason_starts_a_new_device_block_but_not_a_site_block() -> None:
    """Cheap charging then charging for the departure: two device blocks, one site block."""
    plan = make_plan(
        {"leaf": [(3.0, C), (3.0, Reason.CHARGE_FOR_DEPARTURE)]}, [0.0, 0.0]
    )
    assert [b.reason for b in device_blocks(plan)] == [
        C,
        Reason.CHARGE_FOR_DEPARTURE,
    ]
    (site,) = site_blocks(plan)
    assert (site.first, site.last, site.reason) == (0, 2, C)


def test_the_site_exports_when_any_device_exports_and_adds_their_power() -> None:
    """Car and pack export together while the pack charges later: the site says export, then charge."""
    plan = make_plan(
        {
            "leaf": [(-7.4, E), (-7.4, E), (0.0, IDLE)],
            "pack": [(-5.0, E), (-5.0, E), (5.0, C)],
        },
        [12.4, 12.4, 0.0],
    )
    export, charge = site_blocks(plan)
    assert export.action is NextAction.EXPORT
    assert export.power_kw == pytest.approx(12.4)
    assert export.energy_kwh == pytest.approx(24.8)
    assert export.reason is E
    assert (charge.action, charge.first, charge.power_kw) == (
        NextAction.CHARGE,
        2,
        pytest.approx(5.0),
    )


def test_part_of_a_discharge_exported_part_serving_the_home() -> None:
    """The grid takes 3 of 5 kW: 3 kWh at the sell price, 2 kWh at the buy price avoided."""
    plan = make_plan({"pack": [(-5.0, E)]}, [3.0], buy=2.0, sell=1.0)
    (block,) = device_blocks(plan)
    assert block.action is NextAction.EXPORT
    assert block.money == pytest.approx(3 * 1.0 + 2 * 2.0)


def test_upcoming_is_the_block_under_way_else_the_next() -> None:
    plan = make_plan(
        {"leaf": [(0.0, IDLE), (-7.4, E), (-7.4, E), (0.0, IDLE)]}, [0, 7.4, 7.4, 0]
    )
    blocks = site_blocks(plan)
    assert upcoming(blocks, START) is blocks[0]
    assert upcoming(blocks, START + 90 * timedelta(minutes=1)) is blocks[0]
    assert upcoming(blocks, START + 3 * HOUR) is None
    assert device_blocks(None) == site_blocks(None) == []


def test_the_card_attribute_is_small_and_complete() -> None:
    """The longest horizon (36 h of quarter hours) with two devices stays well under HA's 16 KB limit."""
    quarter = timedelta(minutes=15)
    steps = [
        (-7.4 if 68 <= i < 76 else 3.0, E if 68 <= i < 76 else C) for i in range(SLOTS)
    ]
    plan = make_plan(
        {"leaf": steps, "pack": steps},
        [14.8 if 68 <= i < 76 else 0 for i in range(SLOTS)],
    )
    plan = Plan(
        **{
            **plan.__dict__,
            "slots": tuple(
                Slot(
                    start=START + i * quarter,
                    duration=quarter,
                    buy_price_per_kwh=1.2345,
                    sell_price_per_kwh=0.9876,
                )
                for i in range(SLOTS)
            ),
        }
    )
    departure = (START + timedelta(hours=15), 80.0)
    card = card_plan(
        plan,
        status=PlanStatus.OK,
        planned_at=START,
        devices={
            "leaf": CardDevice(
                name="Leaf", is_car=True, reserve_pct=20, departure=departure
            ),
            "pack": CardDevice(name="Pack", is_car=False, reserve_pct=20),
        },
        away=[],
        figures=PlanFigures(
            currency="DKK", revenue_today=1.5, revenue_tomorrow=2.5, profit=3.5
        ),
        now=START,
    )
    # Home Assistant sends and stores attributes as compact JSON.
    assert len(json.dumps(card, separators=(",", ":"))) < 16_000 / 2
    assert card["t"][:3] == [0.0, 15.0, 30.0]
    assert len(card["t"]) == 145
    assert card["buy"][0] == 1.234
    assert [d["name"] for d in card["devices"]] == ["Leaf", "Pack"]
    assert card["devices"][0]["departure"] == {
        "at": departure[0].isoformat(),
        "soc": 80.0,
    }
    assert card["devices"][1]["departure"] is None
    assert {(b["d"], b["a"]) for b in card["blocks"]} == {
        (0, "charge"),
        (0, "export"),
        (1, "charge"),
        (1, "export"),
    }
    assert card["next"]["a"] == "charge"
    assert card["next"]["d"] is None
    assert (card["today"], card["tomorrow"], card["profit"]) == (1.5, 2.5, 3.5)


def test_without_a_plan_the_card_gets_the_status_and_no_series() -> None:
    card = card_plan(
        None,
        status=PlanStatus.NO_PRICES,
        planned_at=None,
        devices={},
        away=["Leaf"],
        figures=PlanFigures(
            currency="DKK", revenue_today=0, revenue_tomorrow=0, profit=0
        ),
        now=START,
    )
    assert card["status"] == "no_prices"
    assert card["devices"] == card["t"] == []
    assert card["away"] == ["Leaf"]


def test_expected_revenue_counts_only_what_is_still_to_come() -> None:
    """Since a time, past slots and the past part of the slot under way are left out (the ledger has them)."""
    plan = make_plan({"pack": [(-2.0, E)] * 4}, [2.0] * 4, sell=1.5)
    day = dt_util.as_local(START).date()
    assert expected_revenue(plan, day) == 12.0  # 4 h at 2 kW at 1.5
    assert expected_revenue(plan, day, START) == 12.0
    assert expected_revenue(plan, day, START + 90 * timedelta(minutes=1)) == 7.5
    assert expected_revenue(plan, day, START + 5 * HOUR) == 0.0
    assert expected_revenue(plan, day + timedelta(days=1), START) == 0.0
    assert expected_revenue(None, day) == 0.0
