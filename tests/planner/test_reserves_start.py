"""The interior-point method's starting point on the reserve LP: slacks start low."""

from __future__ import annotations

import numpy as np

from custom_components.v2g_home.planner.arrays import compile_problem
from custom_components.v2g_home.planner.lp import _SLACK_START, _Iterate
from custom_components.v2g_home.planner.lp_layout import build_program
from custom_components.v2g_home.planner.lp_reserves import (
    ReserveLayout,
    build_reserve_program,
)

from .reserve_scenarios import day_problem


def test_the_slacks_are_named_and_start_at_a_share_of_the_scale() -> None:
    arrays = compile_problem(day_problem("2024-11-05"))
    assert arrays.reserves is not None
    program = build_reserve_program(arrays, arrays.reserves, build_program(arrays))
    layout = program.layout
    assert isinstance(layout, ReserveLayout)
    slack = program.slack_columns
    assert slack is not None
    assert slack.size > 0
    # Exactly the columns after the reserves, each a single +1 or -1 in one row, from 0 up.
    first = layout.n_base + layout.runs.count
    assert slack.tolist() == list(range(first, program.cost.size))
    rows = layout.rows
    counts = np.bincount(rows.column, minlength=program.cost.size)
    assert np.all(counts[slack] == 1)
    assert set(np.abs(rows.value[np.isin(rows.column, slack)])) == {1.0}
    assert np.all(program.lower[slack] == 0.0)
    assert np.all(program.cost[slack] == 0.0)
    start = _Iterate(program).x
    scale = 1.0 + float(np.abs(program.rhs).max())
    assert np.allclose(start[slack], _SLACK_START * scale)
    # The other free variables start as before: half-way, at most the scale above the lower bound.
    others = np.setdiff1d(
        np.arange(first), np.flatnonzero(program.upper == program.lower)
    )
    expected = program.lower + np.minimum((program.upper - program.lower) / 2, scale)
    assert np.allclose(start[others], expected[others])
