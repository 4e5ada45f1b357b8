"""The linear model with reserves: kW held per device, product and slot, under the limited-energy rules.

Per taking-part device and slot that may hold reserves (see reserve_arrays), with p = discharge -
charge and r the kW held of each product (nordic-reserves.md):
- room to discharge more: p + sum(up_factor x r) <= P_discharge;
- room to charge more: -p + sum(down_factor x r) <= P_charge;
- at both boundaries of the slot: E - floor >= sum(drain_h x r) / eta_d and
  top - E >= eta_c x sum(fill_h x r).
Slots of one bid block hold the same r: one variable per run of them (lp_runs). Inequalities
get a slack each. Income (1 - aggregator share) x price x r and the expected activation cost
are in the cost of r; an accepted bid adds a bonus above any price for holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .lp_layout import (
    UNLIMITED_KW,
    Layout,
    LinearProgram,
    penalty_per_kwh,
)
from .lp_rows import RowFamilies, Term
from .lp_runs import Runs, reserve_runs
from .lp_sparse import GroupedNormal, GroupedRows

if TYPE_CHECKING:
    from .array_types import FloatArray, IntArray
    from .arrays import ProblemArrays
    from .reserve_arrays import ReserveArrays


@dataclass(frozen=True, kw_only=True)
class ReserveLayout:
    """The base variables (as `Layout`), then reserves (one per run), then slacks; rows by group."""

    base: Layout
    rows: GroupedRows
    n_base: int
    runs: Runs

    @property
    def n_devices(self) -> int:
        """Devices (all, not only those holding reserves)."""
        return self.base.n_devices

    @property
    def n_slots(self) -> int:
        """Slots."""
        return self.base.n_slots

    @property
    def grid_kinds(self) -> tuple[int, ...]:
        """The grid flows that are variables."""
        return self.base.grid_kinds

    def split(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Charge, discharge, energy and grid flows, as Layout.split."""
        return self.base.split(x[: self.n_base])

    def reserve_kw(self, x: FloatArray) -> FloatArray:
        """The reserves (m x P x T)."""
        index = self.runs.index
        held = index >= 0
        reserve_kw = np.zeros(index.shape)
        reserve_kw[held] = x[self.n_base + index[held]]
        return reserve_kw

    def times(self, x: FloatArray) -> FloatArray:
        """A x."""
        return self.rows.times(x)

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """A^T y."""
        return self.rows.transposed_times(y)

    def normal_factor(self, theta: FloatArray) -> GroupedNormal:
        """Factorise A diag(theta) A^T."""
        return self.rows.normal_factor(theta)


def reserve_bonus_per_kw(arrays: ProblemArrays, reserves: ReserveArrays) -> float:
    """Per kW and hour, what holding an accepted bid is worth to the plan: more than anything else."""
    income = np.abs(reserves.income_per_kw) / np.maximum(arrays.hours, 1e-9)
    return penalty_per_kwh(arrays) + 10.0 * float(income.max(initial=0.0))


def build_reserve_program(
    arrays: ProblemArrays, reserves: ReserveArrays, base: LinearProgram
) -> LinearProgram:
    """The base model of `arrays` with its reserves added (see the module's docstring)."""
    layout = base.layout
    if not isinstance(layout, Layout):
        raise TypeError("reserves extend the base model only")
    n, t_count = layout.n_devices, layout.n_slots
    n_base = base.cost.size
    runs = reserve_runs(reserves.upper_kw > 0, reserves.linked)
    families = RowFamilies(n_groups=runs.n_groups, n_columns=n_base + runs.count)
    slots = np.arange(t_count)
    group = runs.group

    def column(offset: int, i: int, t: IntArray) -> IntArray:
        return offset + i * t_count + t

    charge, discharge, energy = 0, n * t_count, 2 * n * t_count
    for i in range(n):
        previous = np.where(slots > 0, column(energy, i, slots - 1), 0)
        families.add(
            group,
            base.rhs[i * t_count : (i + 1) * t_count],
            [
                (column(energy, i, slots), np.ones(t_count)),
                (previous, np.where(slots > 0, -1.0, 0.0)),
                (column(charge, i, slots), -layout.charge_gain[i]),
                (column(discharge, i, slots), layout.discharge_gain[i]),
            ],
        )
    grid = 3 * n * t_count
    families.add(
        group,
        base.rhs[n * t_count :],
        [
            (grid + k * t_count + slots, np.full(t_count, sign))
            for k, sign in enumerate(layout.grid_signs[:, 0].tolist())
        ]
        + [(column(charge, i, slots), -np.ones(t_count)) for i in range(n)]
        + [(column(discharge, i, slots), np.ones(t_count)) for i in range(n)],
    )
    for j, i in enumerate(reserves.devices):
        _device_rows(families, arrays, reserves, (i, j), (n_base, runs))
    rows, rhs, slack_columns = families.finish()
    cost, lower, upper = _reserve_columns(arrays, reserves, runs)
    n_slack = slack_columns
    return LinearProgram(
        layout=ReserveLayout(
            base=layout,
            rows=rows,
            n_base=n_base,
            runs=runs,
        ),
        cost=np.concatenate([base.cost, cost, np.zeros(n_slack)]),
        lower=np.concatenate([base.lower, lower, np.zeros(n_slack)]),
        upper=np.concatenate([base.upper, upper, np.full(n_slack, UNLIMITED_KW)]),
        rhs=rhs,
        slack_columns=np.arange(n_slack) + n_base + cost.size,
    )


def _reserve_columns(
    arrays: ProblemArrays, reserves: ReserveArrays, runs: Runs
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Cost, lower and upper bound of every reserve variable: its slots' costs, their least bound."""
    bonus = reserve_bonus_per_kw(arrays, reserves) * arrays.hours
    cost = (
        -reserves.income_per_kw[None, :, :]
        + reserves.activation_per_kw
        - np.where(reserves.committed_kw > 0, bonus[None, None, :], 0.0)
    )
    held = runs.index >= 0
    index = runs.index[held]
    run_cost = np.bincount(index, weights=cost[held], minlength=runs.count)
    upper = np.full(runs.count, np.inf)
    np.minimum.at(upper, index, reserves.upper_kw[held])
    return run_cost.astype(float), np.zeros(runs.count), upper


def _device_rows(
    families: RowFamilies,
    arrays: ProblemArrays,
    reserves: ReserveArrays,
    which: tuple[int, int],
    columns: tuple[int, Runs],
) -> None:
    """The headroom, energy and link rows of one taking-part device."""
    i, j = which
    n_base, runs = columns
    group = runs.group
    index = n_base + np.maximum(runs.index[j], 0)  # P x T
    device = arrays.devices[i]
    spec = device.device
    t_count = arrays.hours.size
    p_count = len(reserves.market.products)
    held = reserves.upper_kw[j] > 0  # P x T
    active = reserves.rules[j] & held.any(axis=0)
    ts = np.flatnonzero(active)
    if not ts.size:
        return
    charge = i * t_count + ts
    discharge = (len(arrays.devices) + i) * t_count + ts
    energy_offset = 2 * len(arrays.devices) * t_count + i * t_count

    def reserve_terms(t: IntArray, factors: FloatArray) -> list[Term]:
        return [
            (index[p, t], np.where(held[p, t], factors[p], 0.0))
            for p in range(p_count)
            if factors[p] != 0.0
        ]

    up, down = reserves.up_factor, reserves.down_factor
    drain = reserves.drain_h / spec.discharge_efficiency
    fill = reserves.fill_h * spec.charge_efficiency
    ones = np.ones(ts.size)
    families.add(
        group[ts],
        np.full(ts.size, spec.max_discharge_kw),
        [(discharge, ones), (charge, -ones), *reserve_terms(ts, up)],
        slack=1.0,
    )
    families.add(
        group[ts],
        np.full(ts.size, spec.max_charge_kw),
        [(charge, ones), (discharge, -ones), *reserve_terms(ts, down)],
        slack=1.0,
    )
    end = energy_offset + ts
    if drain.any():
        families.add(
            group[ts],
            reserves.floor_kwh[j, ts + 1],
            [(end, ones), *reserve_terms(ts, -drain)],
            slack=-1.0,
        )
    if fill.any():
        families.add(
            group[ts],
            reserves.top_kwh[j, ts + 1],
            [(end, ones), *reserve_terms(ts, fill)],
            slack=1.0,
        )
    # The start boundary of a slot is the end of the one before, with the same reserves where
    # every product it holds continues a block from there: those rows would repeat.
    previous_held = np.zeros_like(held)
    previous_held[:, 1:] = held[:, :-1]
    repeats = np.ones(t_count, dtype=bool)
    repeats[0] = False
    repeats &= np.concatenate([[False], active[:-1]])
    repeats &= ~(held & ~(reserves.linked & previous_held)).any(axis=0)
    starts = ts[~repeats[ts]]
    if starts.size:
        start_energy = np.where(starts > 0, energy_offset + starts - 1, 0)
        known = np.where(starts > 0, 0.0, device.energy_min_kwh[0])
        present = np.where(starts > 0, 1.0, 0.0)
        if drain.any():
            families.add(
                group[starts],
                reserves.floor_kwh[j, starts] - known,
                [(start_energy, present), *reserve_terms(starts, -drain)],
                slack=-1.0,
            )
        if fill.any():
            families.add(
                group[starts],
                reserves.top_kwh[j, starts] - known,
                [(start_energy, present), *reserve_terms(starts, fill)],
                slack=1.0,
            )
    for p in range(p_count):
        links = np.flatnonzero(runs.links[j, p])
        if links.size:
            families.add(
                group[links],
                np.zeros(links.size),
                [
                    (index[p, links], np.ones(links.size)),
                    (index[p, links - 1], -np.ones(links.size)),
                ],
            )
