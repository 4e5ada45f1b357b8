"""One reserve variable per run of slots in one bid block, in row groups the solver can take."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.v2g_home.planner.arrays import compile_problem
from custom_components.v2g_home.planner.lp_layout import build_program
from custom_components.v2g_home.planner.lp_reserves import (
    ReserveLayout,
    build_reserve_program,
)
from custom_components.v2g_home.planner.lp_runs import reserve_runs
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference_reserves import solve_reserve_lp
from .reserve_scenarios import day_problem, held


def _hourly(hours: int) -> np.ndarray:
    """Linked flags of an hourly product in quarter hours: each hour's last three slots."""
    return np.tile([False, True, True, True], hours)


def test_an_hour_of_quarter_hours_is_one_variable_in_two_groups() -> None:
    linked = np.stack([_hourly(3), _hourly(3)])
    runs = reserve_runs(np.ones((1, 2, 12), dtype=bool), linked)
    assert runs.count == 6
    assert runs.index[0, 0].tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert runs.index[0, 1].tolist() == [3] * 4 + [4] * 4 + [5] * 4
    assert runs.group.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert not runs.links.any()


def test_a_slot_that_holds_nothing_ends_the_run() -> None:
    held = np.ones((1, 1, 8), dtype=bool)
    held[0, 0, 5] = False
    runs = reserve_runs(held, _hourly(2)[None])
    assert runs.index[0, 0].tolist() == [0, 0, 0, 0, 1, -1, 2, 2]
    assert runs.group.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_a_run_past_two_groups_falls_back_to_a_variable_per_slot_and_links() -> None:
    # A 4-hour block in quarter hours next to an hourly product: 16 slots, groups of <= 2.
    four_hours = np.ones(16, dtype=bool)
    four_hours[0] = False
    linked = np.stack([_hourly(4), four_hours])
    runs = reserve_runs(np.ones((1, 2, 16), dtype=bool), linked)
    assert runs.count == 32
    assert runs.group.tolist() == list(range(16))
    assert runs.links[0, 0].tolist() == _hourly(4).tolist()
    assert runs.links[0, 1].tolist() == four_hours.tolist()


def test_the_reserve_lp_has_no_link_rows_for_hourly_products_in_quarter_hours() -> None:
    arrays = compile_problem(day_problem("2024-11-05", quarter_hours=True))
    assert arrays.reserves is not None
    program = build_reserve_program(arrays, arrays.reserves, build_program(arrays))
    layout = program.layout
    assert isinstance(layout, ReserveLayout)
    held_slots = int((arrays.reserves.upper_kw > 0).sum())
    assert (
        0
        < layout.runs.count
        <= held_slots / 4 + 2 * len(arrays.reserves.market.products)
    )
    assert not layout.runs.links.any()


@pytest.mark.parametrize("keys", [("fcr_dk1",), ("fcr_n", "fcr_dk1")])
def test_dk1_blocks_in_quarter_hours_match_the_independent_lp(
    keys: tuple[str, ...],
) -> None:
    problem = day_problem("2024-11-05", keys, quarter_hours=True, with_load=True)
    ours = plan(problem)
    reference = solve_reserve_lp(problem)
    assert ours.relaxed_objective == pytest.approx(reference.objective, rel=1e-6)
    kw = held(ours, "leaf")["fcr_dk1"]
    assert kw.max() > 0.1
    # One kW per 4-hour block: never more than six different values in a day.
    assert len({round(float(v), 6) for v in kw}) <= 7
