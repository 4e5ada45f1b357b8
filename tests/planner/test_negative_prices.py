"""Negative-price extremes: one setpoint per slot reaches the MILP optimum by alternating where it pays.

The linear model may charge and discharge one battery in the same slot (burning energy in the
losses while the grid pays to take it); the MILP reference forbids that per slot but lets slots
alternate, as a charger can. Before the alternating search the plan reached 0.92 of the MILP at
-500 per kWh for 8 hours and 0.36 when every slot was negative (issue 12).
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from custom_components.v2g_home.planner.model import PlanningProblem, Site
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp
from .scenarios import dk1_days, leaf, pack, slots_for

BLOCK = range(10, 18)  # 8 hours around midday of the first day


def _problem(
    price: float,
    *,
    every_slot: bool = False,
    efficiency: float = 0.92,
    three: bool = False,
    quarter_hours: bool = False,
) -> PlanningProblem:
    days = dk1_days()
    hours = [
        (start, price if every_slot or i in BLOCK else spot)
        for i, (start, spot) in enumerate(days["2024-11-05"] + days["2024-11-06"])
    ]
    fleet = [leaf(charge_efficiency=efficiency, discharge_efficiency=efficiency)]
    if three:
        fleet += [pack("pack_a"), pack("pack_b", capacity_kwh=5.0, max_charge_kw=2.5)]
    return PlanningProblem(
        slots=slots_for(
            hours, with_charges=False, with_load=three, quarter_hours=quarter_hours
        ),
        devices=tuple(fleet),
        site=Site(import_limit_kw=17.0) if three else Site(),
    )


def _savings_share(problem: PlanningProblem) -> float:
    result = plan(problem)
    best = solve_lp(problem, single_setpoint=True).objective
    base = result.totals.baseline_cost
    # The plan never claims more than the linear optimum allows.
    assert result.objective >= result.relaxed_objective - 1e-6 * abs(base - best)
    return (base - result.objective) / (base - best)


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("-500 per MWh for 8 h", {"price": -0.5}),
        ("-500 per kWh for 8 h", {"price": -500.0}),
        ("-500 per kWh in every slot", {"price": -500.0, "every_slot": True}),
        ("efficiency 0.5, a negative block", {"price": -0.5, "efficiency": 0.5}),
        ("three devices and a house load", {"price": -500.0, "three": True}),
        (
            "quarter hours, efficiency 0.5",
            {"price": -3.7, "efficiency": 0.5, "quarter_hours": True},
        ),
    ],
)
def test_plan_reaches_the_single_setpoint_optimum(
    name: str, settings: dict[str, object]
) -> None:
    share = _savings_share(_problem(**settings))  # type: ignore[arg-type]
    assert share == pytest.approx(1.0, abs=1e-4), name


def test_every_slot_negative_alternates_charge_and_discharge() -> None:
    result = plan(_problem(-500.0, every_slot=True))
    power = result.device("leaf").setpoint_kw
    reversals = sum(1 for before, after in pairwise(power) if before * after < 0)
    assert reversals >= 20  # burning through the losses, slot by slot
    assert max(power) == pytest.approx(7.4, abs=0.01)
    soc = result.device("leaf").soc
    assert min(soc) >= 0.2 - 1e-6
    assert max(soc) <= 0.9 + 1e-6


def test_moderate_negative_prices_do_not_burn_when_wear_outweighs_it() -> None:
    # At -0.05 per kWh the losses earn less than the wear of 0.1: no alternation at all.
    result = plan(_problem(-0.05))
    power = result.device("leaf").setpoint_kw
    block = [power[i] for i in BLOCK]
    assert all(p >= -1e-9 for p in block) or all(p <= 1e-9 for p in block)
