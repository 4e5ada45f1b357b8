"""One setpoint per slot: no battery charges and discharges in the same slot, even where that pays.

At negative prices the linear model may charge and discharge one battery at once: the conversion
losses then burn energy the grid pays to take. One setpoint per slot cannot do that, but a charger
can alternate, charging flat out in one slot and discharging in the next. The repair here fixes
each such slot to one direction; the alternating patterns let the battery burn energy over pairs
of slots where that pays, and the better plan wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .alternate import dp_directions
from .lp import FlowBounds, Relaxation, solve_relaxation

if TYPE_CHECKING:
    from collections.abc import Callable

    from .arrays import BoolArray, FloatArray, ProblemArrays

_ROUNDS = 5
_DP_ROUNDS = 2  # the second search starts from the first one's realisable plan
BOTH_WAYS_KW = 1e-5  # charge and discharge both above this: the slot burns energy


def burning(relaxation: Relaxation) -> BoolArray:
    """Devices x slots where the linear optimum charges and discharges at once."""
    both: BoolArray = (
        np.minimum(relaxation.charge_kw, relaxation.discharge_kw) > BOTH_WAYS_KW
    )
    return both


def directed(flows: FlowBounds, pattern: FloatArray) -> FlowBounds:
    """`flows` with charging off where the pattern is negative and discharging off where positive."""
    return FlowBounds(
        charge_min_kw=np.where(pattern < 0, 0.0, flows.charge_min_kw),
        charge_max_kw=np.where(pattern < 0, 0.0, flows.charge_max_kw),
        discharge_min_kw=np.where(pattern > 0, 0.0, flows.discharge_min_kw),
        discharge_max_kw=np.where(pattern > 0, 0.0, flows.discharge_max_kw),
    )


def one_setpoint_per_slot(
    arrays: ProblemArrays,
    relaxation: Relaxation,
    flows: FlowBounds,
    *,
    fix_negative: bool = True,
) -> Relaxation:
    """The optimum (within `flows`) when no device charges and discharges in the same slot.

    Slots that do both are fixed to the direction in which their stored energy moves, which keeps
    the SoC path feasible, and the model is solved again until no slot does both. Burning only pays
    at negative prices, so with `fix_negative` the first round fixes every negative-price slot at
    once (saving rounds on long horizons).
    """
    gain_c = np.array([[d.device.charge_efficiency] for d in arrays.devices])
    loss_d = np.array([[1.0 / d.device.discharge_efficiency] for d in arrays.devices])
    negative = (arrays.buy_per_kwh < 0) | (arrays.sell_per_kwh < 0)
    for round_number in range(_ROUNDS):
        both = burning(relaxation)
        if not both.any():
            break
        if round_number == 0 and fix_negative:
            both = both | negative[None, :]
        stored = gain_c * relaxation.charge_kw - loss_d * relaxation.discharge_kw
        pattern = np.where(both, np.where(stored < 0, -1.0, 1.0), 0.0)
        flows = directed(flows, pattern)
        relaxation = solve_relaxation(arrays, flows)
    return relaxation


def _contested(arrays: ProblemArrays, relaxation: Relaxation) -> BoolArray:
    """Devices x slots that may alternate: burning slots and the negative-price run around them.

    A run is a stretch of negative prices in which the optimum does not only discharge (where it
    only discharges, it makes room, and that stays as it is).
    """
    both = burning(relaxation)
    negative = (arrays.buy_per_kwh < 0) | (arrays.sell_per_kwh < 0)
    emptying = (relaxation.discharge_kw > BOTH_WAYS_KW) & (
        relaxation.charge_kw <= BOTH_WAYS_KW
    )
    open_slots = (negative[None, :] & ~emptying) | both
    contested = np.zeros_like(both)
    for i in range(both.shape[0]):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], open_slots[i], [0]])))
        for first, last in zip(edges[::2], edges[1::2], strict=True):
            if both[i, first:last].any():
                contested[i, first:last] = True
    return contested


def realisable(
    arrays: ProblemArrays,
    relaxation: Relaxation,
    rank: Callable[[Relaxation], tuple[bool, float]],
) -> Relaxation:
    """The best one-setpoint-per-slot optimum: the direction repair, or an alternating pattern.

    Alternating patterns are tried only where the linear optimum burns energy: a dynamic
    programme per device chooses the directions in the contested runs, the linear model
    re-optimises every power with them, and a second search starts from that plan. `rank` scores a candidate
    (plans that miss a requirement last, then by cost).
    """
    flows = FlowBounds.of(arrays)
    best = one_setpoint_per_slot(arrays, relaxation, flows)
    if not burning(relaxation).any():
        return best
    both = _contested(arrays, relaxation)
    best_rank = rank(best)
    start = relaxation
    for _ in range(_DP_ROUNDS):
        net = start.charge_kw - start.discharge_kw
        pattern = dp_directions(arrays, net, start.energy_kwh, both)
        candidate = _solved(arrays, flows, pattern)
        if not candidate.converged or (score := rank(candidate)) >= best_rank:
            break
        best, best_rank, start = candidate, score, candidate
    return best


def _solved(
    arrays: ProblemArrays, flows: FlowBounds, pattern: FloatArray
) -> Relaxation:
    """The optimum with the pattern's directions, repaired where it still burns."""
    bounds = directed(flows, pattern)
    return one_setpoint_per_slot(
        arrays, solve_relaxation(arrays, bounds), bounds, fix_negative=False
    )
