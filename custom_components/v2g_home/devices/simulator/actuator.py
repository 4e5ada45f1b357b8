"""How fast a simulated device follows what it is asked: a dead time, then a ramp of limited rate.

A new wanted power takes effect `latency_s` after it was asked for; the power then moves towards it
at `full_scale_w / ramp_s` (a full-power step takes `ramp_s`), in steps of one control cycle
(0.1 s). The power is therefore piecewise constant, so the battery's stepping keeps its meter exact:
it breaks at every cycle while the power moves (`next_change_s`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
import math

CYCLE_S = 0.1
_EPSILON_S = 1e-9


@dataclass(frozen=True, kw_only=True)
class Dynamics:
    """A device's dead time (s) and the time (s) a full-power step takes."""

    latency_s: float
    ramp_s: float

    def __post_init__(self) -> None:
        """Refuse negative times."""
        if self.latency_s < 0 or self.ramp_s < 0:
            raise ValueError("latency and ramp are durations")


# The figures documented in docs/grid-services.md (and used by control/capability.py).
QUASAR_DYNAMICS = Dynamics(latency_s=0.3, ramp_s=2.0)
BIDIPRO_DYNAMICS = Dynamics(latency_s=1.0, ramp_s=4.0)
DER_DYNAMICS = Dynamics(latency_s=0.2, ramp_s=1.0)


class Actuator:
    """The power a device actually runs at, following the wanted power with dead time and ramp."""

    def __init__(self, dynamics: Dynamics, full_scale_w: float, now_s: float) -> None:
        """Start at rest (0 W) at `now_s`."""
        self.dynamics = dynamics
        self.rate_w_per_s = (
            math.inf if dynamics.ramp_s == 0 else full_scale_w / dynamics.ramp_s
        )
        self.output_w = 0.0
        self._target_w = 0.0
        self._asked_w = 0.0
        self._pending: deque[tuple[float, float]] = deque()
        self._time_s = now_s

    def follow(self, now_s: float, wanted_w: float) -> None:
        """Advance to `now_s`; a wanted power that changed takes effect after the dead time."""
        self.advance(now_s)
        if wanted_w == self._asked_w:
            return
        self._asked_w = wanted_w
        if self.dynamics.latency_s == 0:
            self._target_w = wanted_w
            self._move_now()
        else:
            self._pending.append((now_s + self.dynamics.latency_s, wanted_w))

    def reset(self, now_s: float) -> None:
        """The flow stopped at once (a trip): at rest, nothing pending."""
        self.output_w = self._target_w = self._asked_w = 0.0
        self._pending.clear()
        self._time_s = now_s

    def _move_now(self) -> None:
        if self.rate_w_per_s == math.inf:
            self.output_w = self._target_w

    def _next_cycle_s(self) -> float | None:
        if self.output_w == self._target_w:
            return None
        return (math.floor(self._time_s / CYCLE_S + _EPSILON_S) + 1) * CYCLE_S

    def next_change_s(self) -> float | None:
        """When the power changes next by itself (a pending request or the next ramp cycle)."""
        times = [t for t in (self._next_cycle_s(),) if t is not None]
        if self._pending:
            times.append(self._pending[0][0])
        return min(times) if times else None

    def advance(self, now_s: float) -> None:
        """Move the power to where it is at `now_s`."""
        while True:
            event = self.next_change_s()
            if event is None or event > now_s + _EPSILON_S:
                break
            if self._pending and self._pending[0][0] <= event + _EPSILON_S:
                self._time_s = max(self._time_s, self._pending[0][0])
                self._target_w = self._pending.popleft()[1]
                self._move_now()
                continue
            self._time_s = event
            step = self.rate_w_per_s * CYCLE_S
            gap = self._target_w - self.output_w
            self.output_w = (
                self._target_w
                if abs(gap) <= step
                else self.output_w + math.copysign(step, gap)
            )
        self._time_s = max(self._time_s, now_s)
