"""The model's small helpers, the reasons a typical day gets, and the block-tridiagonal solver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from custom_components.v2g_home.planner.blocktri import solve_block_tridiagonal
from custom_components.v2g_home.planner.model import PlanningProblem, Reason, Site, Slot
from custom_components.v2g_home.planner.optimise import plan

from .scenarios import leaf, problem_for

START = datetime(2024, 1, 10, tzinfo=UTC)


def test_slot_knows_its_end_and_length() -> None:
    slot = Slot(
        start=START,
        duration=timedelta(minutes=15),
        buy_price_per_kwh=1.0,
        sell_price_per_kwh=0.5,
    )
    assert slot.end == START + timedelta(minutes=15)
    assert slot.hours == 0.25


def test_plan_finds_devices_by_id() -> None:
    result = plan(problem_for("2024-01-10", devices=3))
    assert result.device("pack_a").device_id == "pack_a"
    with pytest.raises(KeyError):
        result.device("nope")


def test_an_autumn_day_reads_charge_cheap_serve_home_and_export_peak() -> None:
    reasons = plan(problem_for("2024-11-05", with_load=True)).device("leaf").reasons
    assert reasons[0] is Reason.CHARGE_CHEAP  # night
    assert reasons[15] is Reason.SERVE_HOME  # afternoon, load but no peak
    assert reasons[17] is Reason.EXPORT_PEAK  # the evening peak
    assert reasons[5] is Reason.IDLE


def test_serving_the_home_without_export_reads_serve_home() -> None:
    problem = problem_for("2024-01-10", with_load=True)
    no_export = PlanningProblem(
        slots=problem.slots, devices=(leaf(),), site=Site(export_allowed=False)
    )
    result = plan(no_export)
    reasons = result.device("leaf").reasons
    assert Reason.SERVE_HOME in reasons
    assert Reason.EXPORT_PEAK not in reasons
    assert result.totals.savings > 0
    assert result.totals.export_revenue == 0.0


def test_totals_add_up() -> None:
    result = plan(problem_for("2024-11-05", devices=3, with_load=True))
    totals = result.totals
    assert totals.net_cost == pytest.approx(
        totals.import_cost - totals.export_revenue + totals.wear_cost
    )
    assert totals.savings == pytest.approx(totals.baseline_cost - totals.net_cost)
    assert totals.wear_cost == pytest.approx(sum(d.wear_cost for d in result.devices))
    hours = [s.hours for s in result.slots]
    buy = [s.buy_price_per_kwh for s in result.slots]
    assert totals.import_cost == pytest.approx(
        sum(
            b * i * h for b, i, h in zip(buy, result.grid_import_kw, hours, strict=True)
        )
    )


@pytest.mark.parametrize(
    ("blocks", "size"), [(1, 1), (2, 3), (7, 3), (64, 2), (33, 1), (1, 14), (5, 13)]
)
def test_block_tridiagonal_solver_matches_a_dense_solve(blocks: int, size: int) -> None:
    rng = np.random.default_rng(blocks * 10 + size)
    diagonal = rng.standard_normal((blocks, size, size))
    diagonal = diagonal @ diagonal.transpose(0, 2, 1) + 4 * size * np.eye(size)
    upper = rng.standard_normal((blocks, size, size))
    upper[-1] = 0.0
    rhs = rng.standard_normal((blocks, size))
    dense = np.zeros((blocks * size, blocks * size))
    for i in range(blocks):
        dense[i * size : (i + 1) * size, i * size : (i + 1) * size] = diagonal[i]
        if i + 1 < blocks:
            dense[i * size : (i + 1) * size, (i + 1) * size : (i + 2) * size] = upper[i]
            dense[(i + 1) * size : (i + 2) * size, i * size : (i + 1) * size] = upper[
                i
            ].T
    solution = solve_block_tridiagonal(diagonal, upper, rhs)
    assert np.allclose(dense @ solution.ravel(), rhs.ravel())


def test_nonsense_inputs_are_refused_early() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Slot(
            start=datetime(2024, 1, 1),
            duration=timedelta(hours=1),
            buy_price_per_kwh=1,
            sell_price_per_kwh=1,
        )
    with pytest.raises(ValueError, match="duration"):
        Slot(
            start=START,
            duration=timedelta(0),
            buy_price_per_kwh=1,
            sell_price_per_kwh=1,
        )
    with pytest.raises(ValueError, match="capacity"):
        leaf(capacity_kwh=0.0)
    with pytest.raises(ValueError, match="negative"):
        leaf(max_charge_kw=-1.0)
    with pytest.raises(ValueError, match="efficienc"):
        leaf(charge_efficiency=1.2)
    with pytest.raises(ValueError, match="soc_min"):
        leaf(soc_min=0.8, soc_max=0.5)
    slots = problem_for("2024-01-10").slots
    with pytest.raises(ValueError, match="overlaps"):
        PlanningProblem(slots=(slots[1], slots[0]), devices=())


def test_a_gap_in_the_prices_is_a_stretch_where_nothing_happens() -> None:
    slots = problem_for("2024-11-05").slots
    gapped = PlanningProblem(slots=slots[:5] + slots[8:], devices=(leaf(),))
    result = plan(gapped)
    assert len(result.device("leaf").setpoint_kw) == len(slots) - 3
    assert result.feasible
