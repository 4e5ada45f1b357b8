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

    Rule by rule (power headroom both ways, energy at both boundaries), the products a broken rule
    counts shrink by the factor that makes it hold; the others keep what they hold. A bid block
    then holds its smallest slot.
    """
    setpoints, energies = flows
    result = np.where(reserve_kw < _NOISE_KW, 0.0, reserve_kw)
    result = np.where(
        reserves.rules[:, None, :], np.minimum(result, reserves.upper_kw), 0.0
    )
    for j, i in enumerate(reserves.devices):
        spec = arrays.devices[i].device
        power, energy = setpoints[i], energies[i]
        floor, top = reserves.floor_kwh[j], reserves.top_kwh[j]
        drain = reserves.drain_h / spec.discharge_efficiency
        fill = reserves.fill_h * spec.charge_efficiency
        rules = (
            (reserves.up_factor, spec.max_discharge_kw + power),
            (reserves.down_factor, spec.max_charge_kw - power),
            (drain, energy[:-1] - floor[:-1]),
            (drain, energy[1:] - floor[1:]),
            (fill, top[:-1] - energy[:-1]),
            (fill, top[1:] - energy[1:]),
        )
        for factors, room in rules:
            _shrink(result[j], factors, np.maximum(room, 0.0))
    return _blockwise_minimum(result, reserves)


def _shrink(held: FloatArray, factors: FloatArray, room: FloatArray) -> None:
    """Scale the products a rule counts (factor > 0) down where they need more than the room."""
    need = factors @ held
    short = need > room + 1e-9
    if not short.any():
        return
    ratio = np.where(short, room / np.where(short, need, 1.0), 1.0)
    counted = factors > 0
    held[counted] *= ratio[None, :]


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
