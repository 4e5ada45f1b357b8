"""What the reserves of a plan are once its setpoints are fixed: trimmed to the rules, and their money."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .plan_types import Infeasibility, InfeasibilityKind

if TYPE_CHECKING:
    from .arrays import FloatArray, ProblemArrays
    from .reserve_arrays import ReserveArrays

_NOISE_KW = 1e-4  # below this a reserve is the solver's rounding, not a bid
_SHORT_KW = 1e-3  # an accepted bid held this much less is not held


def trimmed(
    arrays: ProblemArrays,
    reserves: ReserveArrays,
    flows: tuple[list[FloatArray], list[FloatArray]],
    reserve_kw: FloatArray,
) -> FloatArray:
    """The reserves scaled down where the setpoints leave less room than the linear plan had.

    Each slot's reserves shrink by the one factor that makes all of its rules hold again (power
    headroom both ways, energy at both boundaries); a bid block then holds its smallest slot.
    """
    setpoints, energies = flows
    result = np.where(reserve_kw < _NOISE_KW, 0.0, reserve_kw)
    result = np.where(
        reserves.rules[:, None, :], np.minimum(result, reserves.upper_kw), 0.0
    )
    up, down = reserves.up_factor, reserves.down_factor
    for j, i in enumerate(reserves.devices):
        spec = arrays.devices[i].device
        power, energy, held = setpoints[i], energies[i], result[j]
        rooms = (
            (spec.max_discharge_kw + power, up @ held),
            (spec.max_charge_kw - power, down @ held),
        )
        drain = (reserves.drain_h / spec.discharge_efficiency) @ held
        fill = (reserves.fill_h * spec.charge_efficiency) @ held
        floor, top = reserves.floor_kwh[j], reserves.top_kwh[j]
        energy_rooms = (
            (energy[:-1] - floor[:-1], drain),
            (energy[1:] - floor[1:], drain),
            (top[:-1] - energy[:-1], fill),
            (top[1:] - energy[1:], fill),
        )
        factor = np.ones(power.size)
        for room, need in (*rooms, *energy_rooms):
            short = need > np.maximum(room, 0.0) + 1e-6
            ratio = np.divide(
                np.maximum(room, 0.0), need, out=np.zeros_like(need), where=need > 0
            )
            factor = np.where(short, np.minimum(factor, ratio), factor)
        result[j] = held * factor[None, :]
    return _blockwise_minimum(result, reserves)


def _blockwise_minimum(reserve_kw: FloatArray, reserves: ReserveArrays) -> FloatArray:
    """Every slot of a bid block holds the block's smallest reserve."""
    result = reserve_kw.copy()
    for p in range(reserves.block.shape[0]):
        block = reserves.block[p]
        inside = block >= 0
        if not inside.any():
            continue
        for j in range(result.shape[0]):
            smallest = np.full(int(block.max()) + 1, np.inf)
            np.minimum.at(smallest, block[inside], result[j, p, inside])
            result[j, p, inside] = smallest[block[inside]]
    result[result < _NOISE_KW] = 0.0
    return result


def reserve_money(
    reserves: ReserveArrays, reserve_kw: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Income (after the aggregator's share) and expected activation cost, per device and product."""
    income = (reserves.income_per_kw[None, :, :] * reserve_kw).sum(axis=2)
    activation = (reserves.activation_per_kw * reserve_kw).sum(axis=2)
    return income, activation


def commitment_shortfalls(
    arrays: ProblemArrays, reserve_kw: FloatArray
) -> list[Infeasibility]:
    """Accepted bids the plan cannot hold (per device, product and bid block, the largest gap)."""
    reserves = arrays.reserves
    if reserves is None:
        return []
    found: list[Infeasibility] = []
    short = reserves.committed_kw - reserve_kw
    for j, i in enumerate(reserves.devices):
        device_id = arrays.devices[i].device.device_id
        for p in range(short.shape[1]):
            seen: set[int] = set()
            for t in np.flatnonzero(short[j, p] > _SHORT_KW).tolist():
                block = int(reserves.block[p, t])
                if block in seen and block >= 0:
                    continue
                seen.add(block)
                found.append(
                    Infeasibility(
                        kind=InfeasibilityKind.RESERVE_COMMITMENT,
                        device_id=device_id,
                        at=arrays.boundaries[t],
                        shortfall=float(short[j, p, t]),
                    )
                )
    return found
