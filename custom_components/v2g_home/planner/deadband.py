"""Plans for devices with a dead band (0 or at least min_power_kw): round, then re-optimise the pattern."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import FloatArray, ProblemArrays, indices
from .dispatch import realise
from .lp import FlowBounds, Relaxation, solve_relaxation
from .one_way import one_setpoint_per_slot

if TYPE_CHECKING:
    from collections.abc import Callable

Setpoints = list[FloatArray]
# Setpoints with the reserves the linear model held alongside them (None: no reserves).
Candidate = tuple[Setpoints, FloatArray | None]
_SHARES = (0.75, 1.0, 1.25)
_NOISE_KW = 1e-3


def has_dead_band(arrays: ProblemArrays) -> bool:
    """Whether any device refuses small powers."""
    return any(d.device.min_power_kw > 0 for d in arrays.devices)


def pattern_bounds(arrays: ProblemArrays, pattern: FloatArray) -> FlowBounds:
    """Flow bounds that follow the sign pattern (devices x slots) on the dead-band devices.

    A positive entry allows charging from the dead band up, a negative one discharging, zero
    nothing. Devices without a dead band stay free.
    """
    limits = FlowBounds.of(arrays)
    minimum = np.array([[d.device.min_power_kw] for d in arrays.devices])
    banded = minimum > 0
    charging, discharging = banded & (pattern > 0), banded & (pattern < 0)
    return FlowBounds(
        charge_min_kw=np.where(charging, minimum, 0.0),
        charge_max_kw=np.where(banded & ~charging, 0.0, limits.charge_max_kw),
        discharge_min_kw=np.where(discharging, minimum, 0.0),
        discharge_max_kw=np.where(banded & ~discharging, 0.0, limits.discharge_max_kw),
    )


def _setpoints(arrays: ProblemArrays, relaxation: Relaxation) -> Setpoints:
    net = relaxation.charge_kw - relaxation.discharge_kw
    return [
        np.where(np.abs(net[i]) < _NOISE_KW, 0.0, net[i])
        for i in range(len(arrays.devices))
    ]


def _pulse_scores(
    arrays: ProblemArrays, net: FloatArray, i: int
) -> tuple[FloatArray, FloatArray]:
    """Per slot, how much a pulse at the dead band earns per kWh: discharging, and charging.

    A discharge pulse serves what is left of the house load (worth the buy price) and exports
    the rest (worth the sell price); a charge pulse takes surplus solar first, then imports.
    """
    spec = arrays.devices[i].device
    pulse = spec.min_power_kw
    residual = arrays.net_load_kw + net.sum(axis=0) - net[i]
    load = np.clip(residual, 0.0, pulse)
    surplus = np.clip(-residual, 0.0, pulse)
    buy, sell = arrays.buy_per_kwh, arrays.sell_per_kwh
    discharge = (buy * load + sell * (pulse - load)) / pulse - spec.wear_per_kwh
    charge = -(sell * surplus + buy * (pulse - surplus)) / pulse
    return discharge, charge


def _ranked_patterns(arrays: ProblemArrays, net: FloatArray) -> list[FloatArray]:
    """Patterns that keep the big flows and switch on the best k of the small ones, for a few k.

    A small flow can only happen as a pulse of at least the dead band; the slots where such a
    pulse earns most (see `_pulse_scores`) get it first. k runs over a coarse grid of counts.
    """
    minimum = np.array([[d.device.min_power_kw] for d in arrays.devices])
    small = (np.abs(net) > _NOISE_KW) & (np.abs(net) < minimum - 1e-9)
    base = np.where(small | (np.abs(net) <= _NOISE_KW), 0.0, net)
    patterns = [base]
    hours = arrays.hours
    for i in indices(np.asarray(small.any(axis=1))):
        device = arrays.devices[i]
        for side, score in zip((-1.0, 1.0), _pulse_scores(arrays, net, i), strict=True):
            flows = small[i] & (np.sign(net[i]) == side)
            if not flows.any():
                continue
            # As many pulses as carry the small flows' energy, give or take; any free slot may host one.
            pulses = float((np.abs(net[i, flows]) * hours[flows]).sum()) / (
                minimum[i, 0] * hours.mean()
            )
            slots = np.flatnonzero(device.available & (base[i] == 0))
            ordered = slots[np.argsort(-score[slots], kind="stable")]
            for k in sorted(
                {min(ordered.size, max(1, round(f * pulses))) for f in _SHARES}
            ):
                pattern = base.copy()
                pattern[i, ordered[:k]] = side
                patterns.append(pattern)
    return patterns


def dead_band_plan(
    arrays: ProblemArrays,
    relaxation: Relaxation,
    cost_of: Callable[[Setpoints, FloatArray | None], tuple[bool, float]],
) -> Candidate:
    """The cheapest of several dead-band-feasible candidates (`cost_of` ranks: misses, then cost).

    Candidates: error diffusion (small flows merge into fewer slots at the dead band or above),
    and on/off patterns whose powers the linear model re-optimises: the diffusion's own pattern,
    and patterns that keep the relaxed plan's big flows and move the small ones, as pulses, to the
    best-priced slots (see `_ranked_patterns`). Each re-optimised candidate keeps the reserves it
    was solved with: the relaxed plan's may not fit its flows (a pulse at the dead band takes room
    an accepted bid needs).
    """
    hours = arrays.hours
    net = relaxation.charge_kw - relaxation.discharge_kw
    diffused = [realise(d, hours, net[i]) for i, d in enumerate(arrays.devices)]
    candidates: list[Candidate] = [(diffused, relaxation.reserve_kw)]
    for pattern in [np.stack(diffused), *_ranked_patterns(arrays, net)]:
        bounds = pattern_bounds(arrays, pattern)
        solved = one_setpoint_per_slot(arrays, solve_relaxation(arrays, bounds), bounds)
        if solved.converged:
            candidates.append((_setpoints(arrays, solved), solved.reserve_kw))
    return min(candidates, key=lambda candidate: cost_of(*candidate))
