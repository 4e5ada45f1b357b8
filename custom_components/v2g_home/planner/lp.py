"""The linear model without dead band, solved by a structured primal-dual interior-point method."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import BoolArray, FloatArray, ProblemArrays
from .blocktri import solve_block_tridiagonal

_TOLERANCE = 1e-9
_MAX_ITERATIONS = 80
_STEP = 0.995


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """The linear optimum: per device (rows) and slot (columns) flows, plus grid flows per slot."""

    charge_kw: FloatArray
    discharge_kw: FloatArray
    energy_kwh: FloatArray  # per device and boundary 0..T
    import_kw: FloatArray
    import_over_limit_kw: FloatArray
    export_kw: FloatArray
    curtailed_kw: FloatArray
    objective: float
    iterations: int


@dataclass(frozen=True, kw_only=True)
class _Layout:
    """Where each variable group sits in the flat vector, and the constants of the matrix A."""

    n_devices: int
    n_slots: int
    charge_gain: FloatArray  # hours x charge efficiency, per device and slot
    discharge_gain: FloatArray  # hours / discharge efficiency

    def split(self, x: FloatArray) -> list[FloatArray]:
        """The flat vector as (c, u, E) blocks (devices x slots) and four grid rows."""
        n, t = self.n_devices, self.n_slots
        parts = [x[i * n * t : (i + 1) * n * t].reshape(n, t) for i in range(3)]
        base = 3 * n * t
        return parts + [x[base + i * t : base + (i + 1) * t] for i in range(4)]

    def times(self, x: FloatArray) -> FloatArray:
        """A x: dynamics rows (devices x slots), then balance rows (slots)."""
        charge, discharge, energy, imp, over, exp, curtail = self.split(x)
        previous = np.zeros_like(energy)
        previous[:, 1:] = energy[:, :-1]
        dynamics = (
            energy
            - previous
            - self.charge_gain * charge
            + self.discharge_gain * discharge
        )
        balance = (
            imp + over - exp - curtail - charge.sum(axis=0) + discharge.sum(axis=0)
        )
        return np.concatenate([dynamics.ravel(), balance])

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """A^T y."""
        n, t = self.n_devices, self.n_slots
        dual = y[: n * t].reshape(n, t)
        price = y[n * t :]
        energy = dual.copy()
        energy[:, :-1] -= dual[:, 1:]
        return np.concatenate(
            [
                (-self.charge_gain * dual - price).ravel(),
                (self.discharge_gain * dual + price).ravel(),
                energy.ravel(),
                price,
                price,
                -price,
                -price,
            ]
        )

    def normal_solve(self, theta: FloatArray, rhs: FloatArray) -> FloatArray:
        """Solve (A diag(theta) A^T) y = rhs, eliminating the balance rows slot by slot."""
        n, t = self.n_devices, self.n_slots
        th_c, th_u, th_e, th_i, th_o, th_x, th_r = self.split(theta)
        own = th_e.copy()
        own[:, 1:] += th_e[:, :-1]
        own += self.charge_gain**2 * th_c + self.discharge_gain**2 * th_u
        own += 1e-14
        coupling = self.charge_gain * th_c + self.discharge_gain * th_u
        grid = th_i + th_o + th_x + th_r + th_c.sum(axis=0) + th_u.sum(axis=0)
        rhs_dyn = rhs[: n * t].reshape(n, t)
        rhs_bal = rhs[n * t :]
        diagonal = (
            -coupling.T[:, :, None] * coupling.T[:, None, :] / grid[:, None, None]
        )
        diagonal[:, np.arange(n), np.arange(n)] += own.T
        upper = np.zeros((t, n, n))
        upper[:-1, np.arange(n), np.arange(n)] = -th_e[:, :-1].T
        reduced = rhs_dyn.T - coupling.T * (rhs_bal / grid)[:, None]
        dual = solve_block_tridiagonal(diagonal, upper, reduced).T
        price = (rhs_bal - (coupling * dual).sum(axis=0)) / grid
        return np.concatenate([dual.ravel(), price])


def penalty_per_kwh(arrays: ProblemArrays) -> float:
    """The price of importing beyond the fuse: more than any saving it could enable."""
    prices = np.concatenate([np.abs(arrays.buy_per_kwh), np.abs(arrays.sell_per_kwh)])
    others = [abs(d.device.wear_per_kwh) + abs(d.terminal_value_per_kwh) for d in arrays.devices]
    return 10.0 * (float(prices.max(initial=0.0)) + max(others, default=0.0) + 1.0)


def _problem_data(
    arrays: ProblemArrays,
) -> tuple[_Layout, FloatArray, FloatArray, FloatArray, FloatArray, float]:
    hours = arrays.hours
    n_slots = hours.size
    devices = arrays.devices
    n = len(devices)
    charge_eff = np.array([[d.device.charge_efficiency] for d in devices]).reshape(n, 1)
    discharge_eff = np.array(
        [[d.device.discharge_efficiency] for d in devices]
    ).reshape(n, 1)
    layout = _Layout(
        n_devices=n,
        n_slots=n_slots,
        charge_gain=hours[None, :] * charge_eff,
        discharge_gain=np.broadcast_to(hours[None, :] / discharge_eff, (n, n_slots)),
    )
    wear = np.array([d.device.wear_per_kwh for d in devices]).reshape(n, 1)
    terminal = np.zeros((n, n_slots))
    terminal[:, -1] = [-d.terminal_value_per_kwh for d in devices]
    penalty = penalty_per_kwh(arrays)
    cost = np.concatenate(
        [
            np.zeros(n * n_slots),
            (wear * hours[None, :]).ravel(),
            terminal.ravel(),
            arrays.buy_per_kwh * hours,
            penalty * hours,
            -arrays.sell_per_kwh * hours,
            np.zeros(n_slots),
        ]
    )
    zeros = np.zeros(n_slots)
    lower = np.concatenate(
        [np.zeros(2 * n * n_slots)]
        + [np.stack([d.energy_min_kwh[1:] for d in devices]).ravel()]
        + [zeros] * 4
    )
    upper = np.concatenate(
        [
            np.stack([d.max_charge_kw for d in devices]).ravel(),
            np.stack([d.max_discharge_kw for d in devices]).ravel(),
            np.stack([d.energy_max_kwh[1:] for d in devices]).ravel(),
            np.full(n_slots, arrays.import_limit_kw),
            np.full(n_slots, np.inf),
            np.full(n_slots, arrays.export_limit_kw),
            arrays.solar_kw,
        ]
    )
    dynamics_rhs = -np.stack([d.trip_kwh for d in devices])
    dynamics_rhs[:, 0] += [d.energy_min_kwh[0] for d in devices]
    rhs = np.concatenate([dynamics_rhs.ravel(), arrays.net_load_kw])
    return layout, cost, lower, upper, rhs, penalty


def solve_relaxation(
    arrays: ProblemArrays, one_way: tuple[BoolArray, BoolArray] | None = None
) -> Relaxation:
    """Minimise cost - terminal value over the linear model (Mehrotra predictor-corrector).

    `one_way` = (no_charge, no_discharge) masks (devices x slots) switch one direction off.
    """
    layout, cost, lower, upper, rhs, _ = _problem_data(arrays)
    if one_way is not None:
        size = one_way[0].size
        upper[:size] = np.where(one_way[0].ravel(), 0.0, upper[:size])
        upper[size : 2 * size] = np.where(one_way[1].ravel(), 0.0, upper[size : 2 * size])
    free = upper - lower > 1e-12
    bounded = free & np.isfinite(upper)
    x = np.where(
        free,
        np.where(bounded, (lower + np.where(bounded, upper, 0.0)) / 2, lower + 1.0),
        lower,
    )
    gap_low = np.where(free, x - lower, 1.0)
    gap_up = np.where(bounded, upper - x, 1.0)
    z_low = np.where(free, 1.0 + np.abs(cost), 0.0)
    z_up = np.where(bounded, 1.0 + np.abs(cost), 0.0)
    y = np.zeros(rhs.size)
    n_pairs = int(free.sum() + bounded.sum())
    scale_b = 1.0 + float(np.abs(rhs).max(initial=0.0))
    scale_c = 1.0 + float(np.abs(cost).max(initial=0.0))
    iteration = 0
    for iteration in range(1, _MAX_ITERATIONS + 1):  # noqa: B007
        residual_p = rhs - layout.times(x)
        residual_d = np.where(
            free, cost - layout.transposed_times(y) - z_low + z_up, 0.0
        )
        mu = float((gap_low * z_low).sum() + (gap_up * z_up).sum()) / max(n_pairs, 1)
        objective = float(cost @ x)
        if (
            np.abs(residual_p).max(initial=0.0) < _TOLERANCE * scale_b
            and np.abs(residual_d).max(initial=0.0) < _TOLERANCE * scale_c
            and mu * n_pairs < _TOLERANCE * (1.0 + abs(objective))
        ):
            break
        theta = np.where(
            free, 1.0 / np.where(free, z_low / gap_low + z_up / gap_up, 1.0), 0.0
        )

        def direction(
            comp_low: FloatArray, comp_up: FloatArray
        ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
            q = residual_d - comp_low / gap_low + comp_up / gap_up
            dy = layout.normal_solve(theta, residual_p + layout.times(theta * q))
            dx = np.where(free, theta * (layout.transposed_times(dy) - q), 0.0)
            dz_low = np.where(free, (comp_low - z_low * dx) / gap_low, 0.0)
            dz_up = np.where(bounded, (comp_up + z_up * dx) / gap_up, 0.0)
            return dx, dy, dz_low, dz_up

        dx, _, dzl, dzu = direction(-gap_low * z_low, -gap_up * z_up)
        alpha_p = _max_step(gap_low, dx, gap_up, -dx, bounded)
        alpha_d = _max_step(z_low, dzl, z_up, dzu, bounded)
        mu_aff = float(
            ((gap_low + alpha_p * dx) * (z_low + alpha_d * dzl)).sum()
            + ((gap_up - alpha_p * dx) * (z_up + alpha_d * dzu) * bounded).sum()
        ) / max(n_pairs, 1)
        sigma = (mu_aff / mu) ** 3 if mu > 0 else 0.0
        comp_low = np.where(free, sigma * mu - gap_low * z_low - dx * dzl, 0.0)
        comp_up = np.where(bounded, sigma * mu - gap_up * z_up + dx * dzu, 0.0)
        dx, dy, dzl, dzu = direction(comp_low, comp_up)
        alpha_p = min(1.0, _STEP * _max_step(gap_low, dx, gap_up, -dx, bounded))
        alpha_d = min(1.0, _STEP * _max_step(z_low, dzl, z_up, dzu, bounded))
        x = x + alpha_p * dx
        gap_low = np.where(free, gap_low + alpha_p * dx, 1.0)
        gap_up = np.where(bounded, gap_up - alpha_p * dx, 1.0)
        y = y + alpha_d * dy
        z_low = z_low + alpha_d * dzl
        z_up = z_up + alpha_d * dzu
    return _result(layout, arrays, np.clip(x, lower, upper), float(cost @ x), iteration)


def _max_step(
    low: FloatArray,
    d_low: FloatArray,
    up: FloatArray,
    d_up: FloatArray,
    bounded: FloatArray,
) -> float:
    """The largest step keeping low + a*d_low >= 0 and (where bounded) up + a*d_up >= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        steps_low = np.where(d_low < 0, -low / d_low, np.inf)
        steps_up = np.where(bounded & (d_up < 0), -up / d_up, np.inf)
    return float(min(steps_low.min(initial=np.inf), steps_up.min(initial=np.inf), 1e30))


def _result(
    layout: _Layout,
    arrays: ProblemArrays,
    x: FloatArray,
    objective: float,
    iterations: int,
) -> Relaxation:
    charge, discharge, energy, imp, over, exp, curtail = layout.split(x)
    start = np.array([[d.energy_min_kwh[0]] for d in arrays.devices]).reshape(-1, 1)
    return Relaxation(
        charge_kw=charge,
        discharge_kw=discharge,
        energy_kwh=np.concatenate([start, energy], axis=1),
        import_kw=imp,
        import_over_limit_kw=over,
        export_kw=exp,
        curtailed_kw=curtail,
        objective=objective,
        iterations=iterations,
    )
