"""The reserve products as data, the market's validation, bid blocks and the grouped linear algebra."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from custom_components.v2g_home.planner.blocktri_stable import (
    StableBlockTridiagonal,
    _root_inverses_t,
)
from custom_components.v2g_home.planner.lp_sparse import GroupedRows
from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    PlanningProblem,
)
from custom_components.v2g_home.planner.reserve_blocks import block_span
from custom_components.v2g_home.planner.reserve_model import (
    ReserveCommitment,
    ReserveMarket,
    ReserveOffer,
)
from custom_components.v2g_home.planner.reserve_products import (
    PRODUCTS,
    Direction,
    ReserveProduct,
    cost_share,
    product,
)

from .test_reserves_rules import START, _car, _slots

HOUR = timedelta(hours=1)


def test_the_product_table_carries_the_reference_facts() -> None:
    fcr_n, up, down = PRODUCTS["fcr_n"], PRODUCTS["fcr_d_up"], PRODUCTS["fcr_d_down"]
    assert (fcr_n.up_factor, fcr_n.down_factor, fcr_n.drain_h, fcr_n.fill_h) == (
        1.34,
        1.34,
        1.0,
        1.0,
    )
    assert (up.up_factor, up.down_factor, up.drain_h, up.fill_h) == (
        1.0,
        0.2,
        pytest.approx(1 / 3),
        0.0,
    )
    assert (down.up_factor, down.down_factor, down.drain_h, down.fill_h) == (
        0.2,
        1.0,
        0.0,
        pytest.approx(1 / 3),
    )
    assert {p.area for p in (fcr_n, up, down)} == {"DK2"}
    assert (PRODUCTS["fcr_dk1"].block_hours, PRODUCTS["fcr_dk1"].area) == (4, "DK1")
    assert PRODUCTS["mfrr_up"].direction is Direction.UP
    assert {p.dataset for p in PRODUCTS.values()} == {
        "FcrNdDK2",
        "FcrDK1",
        "MfrrCapacityMarket",
    }


def test_products_are_found_by_their_flag_names() -> None:
    assert product("fcr-d-up") is PRODUCTS["fcr_d_up"]
    assert product(" FCR_N ") is PRODUCTS["fcr_n"]
    with pytest.raises(ValueError, match="unknown reserve product 'afrr'"):
        product("afrr")


def test_activation_moves_half_each_way_only_for_symmetric_products() -> None:
    assert cost_share(PRODUCTS["fcr_n"], 0.3) == pytest.approx(0.15)
    assert cost_share(PRODUCTS["fcr_d_up"], 0.3) == pytest.approx(0.3)


@pytest.mark.parametrize(
    "changes",
    [
        {"endurance_h": -1.0},
        {"power_factor": 0.0},
        {"expected_activation": 1.5},
        {"block_hours": 5},
        {"gate_hour": 24},
    ],
)
def test_a_product_no_battery_could_hold_is_refused(changes: dict[str, object]) -> None:
    values: dict[str, object] = {
        "key": "x",
        "name": "X",
        "area": "DK2",
        "direction": Direction.UP,
        "endurance_h": 1.0,
        "power_factor": 1.0,
        "opposite_share": 0.0,
        "expected_activation": 0.0,
        "block_hours": 1,
        "dataset": "d",
        "dataset_product": "p",
        "gate_hour": 18,
    }
    values.update(changes)
    with pytest.raises(ValueError, match="x:"):
        ReserveProduct(**values)  # type: ignore[arg-type]


def _market(**changes: object) -> ReserveMarket:
    values: dict[str, object] = {
        "products": (PRODUCTS["fcr_n"],),
        "prices": {"fcr_n": {START: 0.2}},
        "offers": (ReserveOffer(device_id="car"),),
    }
    values.update(changes)
    return ReserveMarket(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aggregator_share": 1.0}, "cannot keep everything"),
        ({"aggregator_share": -0.1}, "between 0 and 1"),
        ({"prices": {"fcr_n": {START: float("nan")}}}, "must be finite"),
        ({"prices": {"mfrr_up": {START: 0.1}}}, "not offered"),
        ({"prices": {"fcr_n": {START.replace(tzinfo=None): 0.1}}}, "timezone-aware"),
        ({"products": (PRODUCTS["fcr_n"], PRODUCTS["fcr_n"])}, "listed twice"),
        ({"activation": {"fcr_n": 2.0}}, "between 0 and 1"),
        ({"activation": {"fcr_d_up": 0.1}}, "not offered"),
        ({"closed_until": datetime(2025, 1, 1)}, "timezone-aware"),
    ],
)
def test_an_impossible_market_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _market(**changes)


def test_commitments_and_offers_are_checked() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        ReserveCommitment(
            device_id="car", product="fcr_n", start=START, end=START, kw=1.0
        )
    with pytest.raises(ValueError, match="cannot be negative"):
        ReserveCommitment(
            device_id="car", product="fcr_n", start=START, end=START + HOUR, kw=-1.0
        )
    with pytest.raises(ValueError, match="soc_low is above soc_high"):
        ReserveOffer(device_id="car", soc_low=0.8, soc_high=0.4)
    with pytest.raises(ValueError, match="timezone-aware"):
        ReserveOffer(
            device_id="car",
            windows=(AvailabilityWindow(start=datetime(2025, 1, 1), end=START),),
        )
    commitment = ReserveCommitment(
        device_id="car", product="fcr_d_up", start=START, end=START + HOUR, kw=1.0
    )
    with pytest.raises(ValueError, match="not offered"):
        _market(commitments=(commitment,))
    with pytest.raises(ValueError, match="unknown device van"):
        PlanningProblem(
            slots=_slots(1),
            devices=(_car(),),
            reserves=_market(offers=(ReserveOffer(device_id="van"),)),
        )


def test_the_market_knows_offers_and_activation_settings() -> None:
    market = _market(activation={"fcr_n": 0.25})
    assert market.activation_of(PRODUCTS["fcr_n"]) == 0.25
    assert market.offer("car") == ReserveOffer(device_id="car")
    assert market.offer("van") is None


def test_dk1_blocks_follow_danish_time_across_the_clock_changes() -> None:
    dk1 = PRODUCTS["fcr_dk1"]
    spring = datetime(
        2025, 3, 30, 1, tzinfo=UTC
    )  # 03:00 CEST, in the 00-04 block of 3 hours
    assert block_span(dk1, spring) == (
        datetime(2025, 3, 29, 23, tzinfo=UTC),
        datetime(2025, 3, 30, 2, tzinfo=UTC),
    )
    autumn = datetime(
        2025, 10, 26, 1, tzinfo=UTC
    )  # the second 02:00, in a block of 5 hours
    begin, end = block_span(dk1, autumn)
    assert end - begin == timedelta(hours=5)
    evening = datetime(2025, 10, 27, 22, tzinfo=UTC)  # 23:00 CET: the 20-24 block
    assert block_span(dk1, evening) == (
        datetime(2025, 10, 27, 19, tzinfo=UTC),
        datetime(2025, 10, 27, 23, tzinfo=UTC),
    )
    assert block_span(PRODUCTS["fcr_n"], evening + timedelta(minutes=45)) == (
        evening,
        evening + HOUR,
    )


def _dense(rows: GroupedRows) -> np.ndarray:
    matrix = np.zeros((rows.padding.size, rows.n_columns))
    np.add.at(matrix, (rows.row, rows.column), rows.value)
    return matrix


def test_grouped_rows_multiply_and_solve_like_the_dense_matrix() -> None:
    rng = np.random.default_rng(3)
    groups, size, columns = 6, 3, 14
    row = np.array([g * size + p for g in range(groups) for p in range(2)] * 2)
    column = np.concatenate([np.arange(12), np.arange(12) + 2])
    column = np.minimum(column, columns - 1)
    value = rng.normal(size=row.size)
    rows = GroupedRows(
        n_groups=groups, size=size, n_columns=columns, entries=(row, column, value)
    )
    dense = _dense(rows)
    x, y = rng.normal(size=columns), rng.normal(size=groups * size)
    assert rows.times(x) == pytest.approx(dense @ x)
    assert rows.transposed_times(y) == pytest.approx(dense.T @ y)
    theta = rng.uniform(0.1, 10.0, size=columns)
    normal = dense @ np.diag(theta) @ dense.T + np.diag(rows.padding.astype(float))
    solved = rows.normal_factor(theta).solve(y)
    assert normal @ solved == pytest.approx(y, abs=1e-9)


def test_a_column_reaching_past_the_next_group_is_refused() -> None:
    entries = (np.array([0, 4]), np.array([0, 0]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="not neighbours"):
        GroupedRows(n_groups=3, size=2, n_columns=1, entries=entries)


def test_a_singular_system_is_solved_with_damping() -> None:
    # Two identical rows: A diag(theta) A^T is singular, the damped factorisation still answers.
    entries = (np.array([0, 1]), np.array([0, 0]), np.array([1.0, 1.0]))
    rows = GroupedRows(n_groups=1, size=2, n_columns=1, entries=entries)
    solved = rows.normal_factor(np.array([2.0])).solve(np.array([2.0, 2.0]))
    assert rows.normal_times(np.array([2.0]), solved) == pytest.approx(
        [2.0, 2.0], abs=1e-6
    )


def test_stable_cyclic_reduction_solves_what_dense_algebra_solves() -> None:
    rng = np.random.default_rng(5)
    n, d = 37, 4
    blocks = rng.normal(size=(n, d, d))
    diagonal = blocks @ np.swapaxes(blocks, 1, 2) + 4 * np.eye(d)
    upper = rng.normal(size=(n, d, d)) * 0.3
    dense = np.zeros((n * d, n * d))
    for i in range(n):
        dense[i * d : (i + 1) * d, i * d : (i + 1) * d] = diagonal[i]
        if i + 1 < n:
            dense[i * d : (i + 1) * d, (i + 1) * d : (i + 2) * d] = upper[i]
            dense[(i + 1) * d : (i + 2) * d, i * d : (i + 1) * d] = upper[i].T
    rhs = rng.normal(size=(n, d))
    solved = StableBlockTridiagonal(diagonal, upper).solve(rhs)
    assert solved.ravel() == pytest.approx(np.linalg.solve(dense, rhs.ravel()))


def test_root_inverses_match_inverting_the_cholesky_factors() -> None:
    # Unit-diagonal blocks from well conditioned to nearly singular (condition up to ~1e12): inv(L)
    # keeps inv(L) D inv(L)^T = I and agrees with inverting numpy's factor, to the condition's
    # share of the rounding (the two factorisations round differently).
    rng = np.random.default_rng(11)
    d = 9
    blocks, conditions = [], []
    for exponent in range(13):
        basis, _ = np.linalg.qr(rng.normal(size=(d, d)))
        block = basis @ np.diag(np.logspace(0, -exponent, d)) @ basis.T
        scale = 1.0 / np.sqrt(np.diag(block))
        blocks.append(block * scale[:, None] * scale[None, :])
        conditions.append(np.linalg.cond(blocks[-1]))
    stack = np.array(blocks)
    found = np.swapaxes(_root_inverses_t(stack), 1, 2)
    expected = np.linalg.inv(np.linalg.cholesky(stack))
    assert np.allclose(np.tril(found), found)
    for got, want, block, condition in zip(
        found, expected, stack, conditions, strict=True
    ):
        allowed = 1e-14 * condition + 1e-13
        assert np.abs(got @ block @ got.T - np.eye(d)).max() <= allowed
        assert np.abs(got - want).max() <= allowed * np.abs(want).max()
