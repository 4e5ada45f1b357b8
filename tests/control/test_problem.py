"""The planning problem control builds: slots from now, which devices are planned, and their floors."""

from __future__ import annotations

from datetime import timedelta
import math

import pytest

from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.control.problem import (
    build_problem,
    plannable,
    planner_slots,
)
from custom_components.v2g_home.prices.models import BuyAndSell

from .conftest import NOW, SETTINGS, car, pack

QUARTER = timedelta(minutes=15)


def _prices(count: int = 8) -> list[BuyAndSell]:
    start = NOW.replace(minute=0)
    return [
        BuyAndSell(
            start=start + i * QUARTER,
            duration=QUARTER,
            spot_per_kwh=0.5 + i / 10,
            buy_per_kwh=1.0 + i / 10,
            sell_per_kwh=0.8 + i / 10,
        )
        for i in range(count)
    ]


def test_the_current_slot_starts_now_and_the_past_is_dropped() -> None:
    """17:00-17:15 is cut at 17:05; nothing before now is planned."""
    slots = planner_slots(_prices(), NOW, None)
    assert slots[0].start == NOW
    assert slots[0].duration == timedelta(minutes=10)
    assert len(slots) == 8


@pytest.mark.parametrize(
    ("device", "planned"),
    [
        (car(), True),
        (
            car(soc_pct=None),
            True,
        ),  # a Leaf's SoC comes with the first charge: planned at its floor
        (pack(soc_pct=None), False),  # a pack without SoC cannot be planned
        (car(mode=ControlMode.CHARGE), False),
        (car(available=False), False),
        (pack(max_charge_kw=0.0), False),
        (car(capacity_kwh=None), False),
    ],
)
def test_which_devices_the_planner_takes(device: object, planned: bool) -> None:
    """In auto, available, with a capacity and limits (and a SoC, for a pack)."""
    assert plannable(device) is planned  # type: ignore[arg-type]


def test_a_car_with_unknown_soc_is_planned_at_its_floor() -> None:
    """Unknown (or garbage) SoC: the plan assumes the car sits at its floor, so it never plans a discharge."""
    slots = planner_slots(_prices(), NOW, None)
    for soc in (None, math.nan):
        problem = build_problem(
            slots=slots, devices=[car(soc_pct=soc)], settings=SETTINGS, departures={}
        )
        (device,) = problem.devices
        assert device.initial_soc == device.reserve_soc == pytest.approx(0.20)


def test_a_departure_inside_the_horizon_sets_availability_and_target() -> None:
    """The car is planned until it leaves, to reach its target; its floor is the target."""
    slots = planner_slots(_prices(), NOW, None)
    leave = NOW + timedelta(minutes=55)
    problem = build_problem(
        slots=slots,
        devices=[car(soc_pct=60.0)],
        settings=SETTINGS,
        departures={"charger": (leave, 80.0)},
    )
    (device,) = problem.devices
    assert device.reserve_soc == pytest.approx(0.80)
    assert device.availability is not None
    assert device.availability[0].end == leave
    assert device.departures[0].target_soc == pytest.approx(0.80)


def test_the_site_limits_come_from_the_settings() -> None:
    """Export limit and whether export is allowed at all."""
    problem = build_problem(
        slots=planner_slots(_prices(), NOW, None),
        devices=[pack()],
        settings=SETTINGS.changed(max_export_kw=4.0, export_allowed=False),
        departures={},
    )
    assert (problem.site.export_limit_kw, problem.site.export_allowed) == (4.0, False)
