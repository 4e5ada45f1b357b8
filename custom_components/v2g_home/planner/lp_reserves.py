"""The linear model with reserves: kW held per device, product and slot, under the limited-energy rules.

Per taking-part device and slot that may hold reserves (see reserve_arrays), with p = discharge -
charge and r the kW held of each product (nordic-reserves.md):
- room to discharge more: p + sum(up_factor x r) <= P_discharge;
- room to charge more: -p + sum(down_factor x r) <= P_charge;
- at both boundaries of the slot: E - floor >= sum(drain_h x r) / eta_d and
  top - E >= eta_c x sum(fill_h x r).
Slots of one bid block hold the same r (a link row per slot and product). Inequalities get a
slack each. Income (1 - aggregator share) x price x r and the expected activation cost are in the
cost of r; an accepted bid adds a bonus above any price for holding it.
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
from .lp_sparse import GroupedNormal, GroupedRows

if TYPE_CHECKING:
    from .array_types import FloatArray, IntArray
    from .arrays import ProblemArrays
    from .reserve_arrays import ReserveArrays


@dataclass(frozen=True, kw_only=True)
class ReserveLayout:
    """The base variables (as `Layout`), then reserves (m x P x T), then slacks; rows by slot."""

    base: Layout
    rows: GroupedRows
    n_base: int
    reserve_shape: tuple[int, int, int]

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
        size = int(np.prod(self.reserve_shape))
        return x[self.n_base : self.n_base + size].reshape(self.reserve_shape)

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
    m, p_count = len(reserves.devices), len(reserves.market.products)
    n_base = base.cost.size
    families = RowFamilies(n_groups=t_count, n_columns=n_base + m * p_count * t_count)
    slots = np.arange(t_count)

    def column(offset: int, i: int, t: IntArray) -> IntArray:
        return offset + i * t_count + t

    charge, discharge, energy = 0, n * t_count, 2 * n * t_count
    for i in range(n):
        previous = np.where(slots > 0, column(energy, i, slots - 1), 0)
        families.add(
            slots,
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
        slots,
        base.rhs[n * t_count :],
        [
            (grid + k * t_count + slots, np.full(t_count, sign))
            for k, sign in enumerate(layout.grid_signs[:, 0].tolist())
        ]
        + [(column(charge, i, slots), -np.ones(t_count)) for i in range(n)]
        + [(column(discharge, i, slots), np.ones(t_count)) for i in range(n)],
    )
    for j, i in enumerate(reserves.devices):
        _device_rows(families, arrays, reserves, (i, j), n_base)
    rows, rhs, slack_columns = families.finish()
    cost, lower, upper = _reserve_columns(arrays, reserves)
    n_slack = slack_columns
    return LinearProgram(
        layout=ReserveLayout(
            base=layout,
            rows=rows,
            n_base=n_base,
            reserve_shape=(m, p_count, t_count),
        ),
        cost=np.concatenate([base.cost, cost, np.zeros(n_slack)]),
        lower=np.concatenate([base.lower, lower, np.zeros(n_slack)]),
        upper=np.concatenate([base.upper, upper, np.full(n_slack, UNLIMITED_KW)]),
        rhs=rhs,
        slack_columns=np.arange(n_slack) + n_base + cost.size,
    )


def _reserve_columns(
    arrays: ProblemArrays, reserves: ReserveArrays
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Cost, lower and upper bound of every reserve variable (m x P x T, flattened)."""
    bonus = reserve_bonus_per_kw(arrays, reserves) * arrays.hours
    cost = (
        -reserves.income_per_kw[None, :, :]
        + reserves.activation_per_kw
        - np.where(reserves.committed_kw > 0, bonus[None, None, :], 0.0)
    )
    return cost.ravel(), np.zeros(cost.size), reserves.upper_kw.ravel()


def _device_rows(
    families: RowFamilies,
    arrays: ProblemArrays,
    reserves: ReserveArrays,
    which: tuple[int, int],
    n_base: int,
) -> None:
    """The headroom, energy and link rows of one taking-part device."""
    i, j = which
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
        base = n_base + j * p_count * t_count
        return [
            (base + p * t_count + t, np.where(held[p, t], factors[p], 0.0))
            for p in range(p_count)
            if factors[p] != 0.0
        ]

    up, down = reserves.up_factor, reserves.down_factor
    drain = reserves.drain_h / spec.discharge_efficiency
    fill = reserves.fill_h * spec.charge_efficiency
    ones = np.ones(ts.size)
    families.add(
        ts,
        np.full(ts.size, spec.max_discharge_kw),
        [(discharge, ones), (charge, -ones), *reserve_terms(ts, up)],
        slack=1.0,
    )
    families.add(
        ts,
        np.full(ts.size, spec.max_charge_kw),
        [(charge, ones), (discharge, -ones), *reserve_terms(ts, down)],
        slack=1.0,
    )
    end = energy_offset + ts
    if drain.any():
        families.add(
            ts,
            reserves.floor_kwh[j, ts + 1],
            [(end, ones), *reserve_terms(ts, -drain)],
            slack=-1.0,
        )
    if fill.any():
        families.add(
            ts,
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
                starts,
                reserves.floor_kwh[j, starts] - known,
                [(start_energy, present), *reserve_terms(starts, -drain)],
                slack=-1.0,
            )
        if fill.any():
            families.add(
                starts,
                reserves.top_kwh[j, starts] - known,
                [(start_energy, present), *reserve_terms(starts, fill)],
                slack=1.0,
            )
    for p in range(p_count):
        links = np.flatnonzero(reserves.linked[p] & held[p] & previous_held[p])
        if links.size:
            base = n_base + (j * p_count + p) * t_count
            families.add(
                links,
                np.zeros(links.size),
                [
                    (base + links, np.ones(links.size)),
                    (base + links - 1, -np.ones(links.size)),
                ],
            )
