"""The linear model's variables, bounds and costs, and its structured matrix products."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .array_types import IntArray
from .arrays import FloatArray, ProblemArrays
from .blocktri import BlockTridiagonal


class NormalSolver(Protocol):
    """A factorised A diag(theta) A^T."""

    def solve(self, rhs: FloatArray, *, rough: bool = False) -> FloatArray:
        """The y with (A diag(theta) A^T) y = rhs; `rough`: no refinement needed (a predictor)."""
        ...


class ProgramLayout(Protocol):
    """How a linear program's variables are laid out and its matrix applied."""

    @property
    def n_devices(self) -> int:
        """Devices."""
        ...

    @property
    def n_slots(self) -> int:
        """Slots."""
        ...

    @property
    def grid_kinds(self) -> tuple[int, ...]:
        """Which grid flows are variables."""
        ...

    def split(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Charge, discharge, energy and grid flows of a solution."""
        ...

    def times(self, x: FloatArray) -> FloatArray:
        """A x."""
        ...

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """A^T y."""
        ...

    def normal_factor(self, theta: FloatArray) -> NormalSolver:
        """Factorise A diag(theta) A^T."""
        ...


UNLIMITED_KW = 1e6  # stands in for an absent limit: no plan comes near it
TIE_BREAK_PER_KWH = 1e-7
IMPORT, OVER_LIMIT, EXPORT, CURTAIL = range(4)
_GRID_SIGNS = (1.0, 1.0, -1.0, -1.0)  # how each grid flow enters the site balance


@dataclass(frozen=True, kw_only=True)
class Layout:
    """Variables: charge, discharge, energy (devices x slots), then the grid flows that can move.

    Rows: one energy balance per device and slot, then one site balance per slot. Grid flows that
    are fixed at zero throughout (no solar to curtail, no fuse to exceed) are left out.
    """

    n_devices: int
    n_slots: int
    charge_gain: FloatArray  # hours x charge efficiency, per device and slot
    discharge_gain: FloatArray  # hours / discharge efficiency
    grid_kinds: tuple[
        int, ...
    ]  # which of IMPORT, OVER_LIMIT, EXPORT, CURTAIL are variables
    grid_signs: FloatArray  # (kinds, 1)

    def split(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """The flat vector as charge, discharge, energy (devices x slots) and grid (kinds x slots)."""
        block = self.n_devices * self.n_slots
        shape = (self.n_devices, self.n_slots)
        return (
            x[:block].reshape(shape),
            x[block : 2 * block].reshape(shape),
            x[2 * block : 3 * block].reshape(shape),
            x[3 * block :].reshape(len(self.grid_kinds), self.n_slots),
        )

    def times(self, x: FloatArray) -> FloatArray:
        """A x: dynamics rows (devices x slots), then balance rows (slots)."""
        charge, discharge, energy, grid = self.split(x)
        dynamics = energy - self.charge_gain * charge + self.discharge_gain * discharge
        dynamics[:, 1:] -= energy[:, :-1]
        balance = (
            (self.grid_signs * grid).sum(axis=0)
            - charge.sum(axis=0)
            + discharge.sum(axis=0)
        )
        return np.concatenate([dynamics.ravel(), balance])

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """A^T y."""
        block = self.n_devices * self.n_slots
        dual = y[:block].reshape(self.n_devices, self.n_slots)
        price = y[block:]
        energy = dual.copy()
        energy[:, :-1] -= dual[:, 1:]
        return np.concatenate(
            [
                (-self.charge_gain * dual - price).ravel(),
                (self.discharge_gain * dual + price).ravel(),
                energy.ravel(),
                (self.grid_signs * price).ravel(),
            ]
        )

    def normal_factor(self, theta: FloatArray) -> NormalEquations:
        """Factorise A diag(theta) A^T, eliminating the balance rows slot by slot."""
        n, t = self.n_devices, self.n_slots
        th_c, th_u, th_e, th_grid = self.split(theta)
        own = th_e + self.charge_gain**2 * th_c + self.discharge_gain**2 * th_u + 1e-14
        own[:, 1:] += th_e[:, :-1]
        coupling = self.charge_gain * th_c + self.discharge_gain * th_u
        grid = th_grid.sum(axis=0) + th_c.sum(axis=0) + th_u.sum(axis=0)
        diagonal = (
            -coupling.T[:, :, None] * coupling.T[:, None, :] / grid[:, None, None]
        )
        diagonal[:, np.arange(n), np.arange(n)] += own.T
        upper = np.zeros((t, n, n))
        upper[:-1, np.arange(n), np.arange(n)] = -th_e[:, :-1].T
        return NormalEquations(
            n_rows=n * t,
            coupling=coupling,
            grid=grid,
            system=BlockTridiagonal(diagonal, upper),
        )


@dataclass(frozen=True, kw_only=True)
class NormalEquations:
    """A diag(theta) A^T, factorised: the balance rows eliminated, the rest block-tridiagonal."""

    n_rows: int  # dynamics rows
    coupling: FloatArray  # devices x slots: dynamics row to balance row
    grid: FloatArray  # slots: the balance rows' diagonal
    system: BlockTridiagonal

    def solve(self, rhs: FloatArray, *, rough: bool = False) -> FloatArray:  # noqa: ARG002
        """The y with (A diag(theta) A^T) y = rhs (solved directly: never refined)."""
        rhs_dyn = rhs[: self.n_rows].reshape(self.coupling.shape)
        rhs_bal = rhs[self.n_rows :]
        reduced = rhs_dyn.T - self.coupling.T * (rhs_bal / self.grid)[:, None]
        dual = self.system.solve(reduced).T
        price = (rhs_bal - (self.coupling * dual).sum(axis=0)) / self.grid
        return np.concatenate([dual.ravel(), price])


def penalty_per_kwh(arrays: ProblemArrays) -> float:
    """The price of importing beyond the fuse: more than any saving it could enable."""
    prices = np.concatenate([np.abs(arrays.buy_per_kwh), np.abs(arrays.sell_per_kwh)])
    others = [
        abs(d.device.wear_per_kwh) + abs(d.terminal_value_per_kwh)
        for d in arrays.devices
    ]
    return 10.0 * (float(prices.max(initial=0.0)) + max(others, default=0.0) + 1.0)


@dataclass(frozen=True, kw_only=True)
class LinearProgram:
    """min cost.x subject to A x = rhs, lower <= x <= upper, with A given by `layout`."""

    layout: ProgramLayout
    cost: FloatArray
    lower: FloatArray
    upper: FloatArray
    rhs: FloatArray
    slack_columns: IntArray | None = (
        None  # inequality rows' slacks (for the starting point)
    )


def build_program(arrays: ProblemArrays) -> LinearProgram:
    """The linear model of `arrays` (see docs/planner.md)."""
    hours = arrays.hours
    n_slots = hours.size
    devices = arrays.devices
    n = len(devices)
    charge_eff = np.array([d.device.charge_efficiency for d in devices]).reshape(n, 1)
    discharge_eff = np.array([d.device.discharge_efficiency for d in devices]).reshape(
        n, 1
    )
    wear = np.array([d.device.wear_per_kwh for d in devices]).reshape(n, 1)
    terminal = np.zeros((n, n_slots))
    terminal[:, -1] = [-d.terminal_value_per_kwh for d in devices]
    import_limit = min(arrays.import_limit_kw, UNLIMITED_KW)
    grid_cost = [
        arrays.buy_per_kwh * hours,
        penalty_per_kwh(arrays) * hours,
        -arrays.sell_per_kwh * hours,
        np.zeros(n_slots),
    ]
    grid_upper = [
        np.full(n_slots, import_limit),
        np.full(n_slots, UNLIMITED_KW if import_limit < UNLIMITED_KW else 0.0),
        np.full(n_slots, min(arrays.export_limit_kw, UNLIMITED_KW)),
        arrays.solar_kw,
    ]
    kinds = tuple(
        k for k in range(4) if k == IMPORT or grid_upper[k].max(initial=0.0) > 0
    )
    layout = Layout(
        n_devices=n,
        n_slots=n_slots,
        charge_gain=hours[None, :] * charge_eff,
        discharge_gain=hours[None, :] / discharge_eff,
        grid_kinds=kinds,
        grid_signs=np.array([_GRID_SIGNS[k] for k in kinds]).reshape(-1, 1),
    )
    # A hair of cost per kWh moved settles ties (flat prices) on doing nothing.
    nudge = np.broadcast_to(TIE_BREAK_PER_KWH * hours[None, :], (n, n_slots))
    cost = np.concatenate(
        [nudge.ravel(), (nudge + wear * hours[None, :]).ravel(), terminal.ravel()]
        + [grid_cost[k] for k in kinds]
    )
    lower = np.concatenate(
        [
            np.zeros(2 * n * n_slots),
            np.stack([d.energy_min_kwh[1:] for d in devices]).ravel(),
        ]
        + [np.zeros(n_slots) for _ in kinds]
    )
    upper = np.concatenate(
        [
            np.stack([d.max_charge_kw for d in devices]).ravel(),
            np.stack([d.max_discharge_kw for d in devices]).ravel(),
            np.stack([d.energy_max_kwh[1:] for d in devices]).ravel(),
        ]
        + [grid_upper[k] for k in kinds]
    )
    dynamics_rhs = -np.stack([d.trip_kwh for d in devices])
    dynamics_rhs[:, 0] += [d.energy_min_kwh[0] for d in devices]
    rhs = np.concatenate([dynamics_rhs.ravel(), arrays.net_load_kw])
    return LinearProgram(layout=layout, cost=cost, lower=lower, upper=upper, rhs=rhs)
