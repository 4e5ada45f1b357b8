"""A grid frequency that plays a trace over simulated time: normal noise, FCR-D events, slow FCR-N drifts.

The trace is a pure function of simulated time, so any reader (a meter register, a DER device's 701
`Hz`, a device's own droop) sees the same grid at the same moment, and a run can be replayed.
Normal noise is a few slow swings (periods of 40 s to 5 min, about +-40 mHz together) plus a
small fast jitter (+-3 mHz, new every 0.1 s), deterministic from the seed. A step holds its
frequency exactly (no noise), as an FCR-D test does; a drift is a slow triangle added to the noise.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clock import SimClock

NOMINAL_HZ = 50.0
JITTER_HZ = 0.003
JITTER_STEP_S = 0.1
# (period s, amplitude Hz) of the slow swings of normal operation.
SWINGS = ((300.0, 0.018), (97.0, 0.012), (41.0, 0.008))


@dataclass(frozen=True, kw_only=True)
class FrequencyStep:
    """The grid sits at `hz` from `start_s` for `duration_s` (an FCR-D event: 49.7 Hz for 60 s)."""

    start_s: float
    duration_s: float
    hz: float


@dataclass(frozen=True, kw_only=True)
class FrequencyDrift:
    """A slow triangle from 0 to `depth_hz` and back over `duration_s` (an FCR-N activation)."""

    start_s: float
    duration_s: float
    depth_hz: float

    def offset_hz(self, t: float) -> float:
        """The drift's share of the frequency at `t` (0 outside it)."""
        into = (t - self.start_s) / self.duration_s
        if not 0 <= into <= 1:
            return 0.0
        return self.depth_hz * (1 - abs(2 * into - 1))


class FrequencyTrace:
    """The grid frequency at any simulated second; `fixed_hz` (a test's) overrides the trace."""

    def __init__(
        self,
        clock: SimClock,
        *,
        noise: bool = True,
        seed: int = 1,
        steps: tuple[FrequencyStep, ...] = (),
        drifts: tuple[FrequencyDrift, ...] = (),
    ) -> None:
        """Play from the clock's time 0 (steps and drifts are in simulated seconds)."""
        self.clock = clock
        self.noise = noise
        self.seed = seed
        self.steps = steps
        self.drifts = drifts
        self.fixed_hz: float | None = None
        self._phases = tuple(
            2 * math.pi * self._unit(f"phase{i}") for i in range(len(SWINGS))
        )

    def _unit(self, key: str) -> float:
        """A number in [0, 1) drawn from the seed and a key (the same every run)."""
        digest = hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def noise_hz(self, t: float) -> float:
        """Normal operation's deviation from 50 Hz at `t`."""
        if not self.noise:
            return 0.0
        swings = sum(
            amplitude * math.sin(2 * math.pi * t / period + phase)
            for (period, amplitude), phase in zip(SWINGS, self._phases, strict=True)
        )
        jitter = (2 * self._unit(f"j{math.floor(t / JITTER_STEP_S)}") - 1) * JITTER_HZ
        return swings + jitter

    def hz_at(self, t: float) -> float:
        """The frequency at simulated time `t`."""
        if self.fixed_hz is not None:
            return self.fixed_hz
        for step in self.steps:
            if step.start_s <= t < step.start_s + step.duration_s:
                return step.hz
        drift = sum(d.offset_hz(t) for d in self.drifts)
        return NOMINAL_HZ + self.noise_hz(t) + drift

    def hz(self) -> float:
        """The frequency now."""
        return self.hz_at(self.clock.now())


def demo_trace(clock: SimClock, *, start_s: float = 60.0) -> FrequencyTrace:
    """Noise, an FCR-D-up event (49.7 Hz for 60 s) and a slow FCR-N drift (to 49.93 Hz over 10 min)."""
    return FrequencyTrace(
        clock,
        steps=(FrequencyStep(start_s=start_s, duration_s=60.0, hz=49.7),),
        drifts=(
            FrequencyDrift(start_s=start_s + 180.0, duration_s=600.0, depth_hz=-0.07),
        ),
    )
