"""Battery physics both simulated devices share: stored energy, the AC meter and exact stepping."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .base import EnergyMeter

if TYPE_CHECKING:
    from .clock import SimClock


class SimulatedBattery:
    """Stored energy that follows AC power x efficiency, stepped exactly to the simulated clock.

    Subclasses say what flows (`flow_w`) and when their control times out (`_control_deadline`,
    `_on_control_deadline`); stepping stops at that moment, whenever the battery fills or empties
    and at the subclass's breakpoints (`_energy_breakpoints_kwh`).
    """

    def __init__(
        self, clock: SimClock, *, capacity_kwh: float, soc_pct: float, efficiency: float
    ) -> None:
        """Hold `soc_pct` of `capacity_kwh`; `efficiency` applies each way."""
        self.clock = clock
        self.capacity_kwh = capacity_kwh
        self.efficiency = efficiency
        self._stored_kwh = capacity_kwh * soc_pct / 100.0
        self._meter = EnergyMeter()
        self._time_s = clock.now()

    # --- what tests and the demo look at -------------------------------------------------------------
    @property
    def soc_pct(self) -> float:
        """True state of charge, percent."""
        self.step()
        return self._stored_kwh / self.capacity_kwh * 100.0

    @soc_pct.setter
    def soc_pct(self, value: float) -> None:
        self.step()
        self._stored_kwh = self.capacity_kwh * min(max(value, 0.0), 100.0) / 100.0

    @property
    def stored_energy_kwh(self) -> float:
        """Energy in the battery."""
        self.step()
        return self._stored_kwh

    @property
    def power_kw(self) -> float:
        """AC power at the grid side: + charges the battery, - discharges it."""
        self.step()
        return self.flow_w() / 1000.0

    @property
    def meter(self) -> EnergyMeter:
        """AC-side energy in and out since the device was made."""
        self.step()
        return self._meter

    # --- physics ---------------------------------------------------------------------------------------
    def flow_w(self) -> float:
        """AC power the device runs at right now, + charging (no stepping)."""
        raise NotImplementedError

    def _control_deadline(self) -> float | None:
        """Simulated time at which remote control lapses, if it can."""
        raise NotImplementedError

    def _on_control_deadline(self) -> None:
        """Remote control lapsed: fall back to the device's own logic."""
        raise NotImplementedError

    def _energy_breakpoints_kwh(self) -> tuple[float, ...]:
        """Stored energies at which `flow_w` may change by itself (a car's taper); none by default."""
        return ()

    def _within_capacity(self, flow_w: float) -> bool:
        """A full battery takes nothing more, an empty one gives nothing more."""
        if flow_w > 0:
            return self._stored_kwh < self.capacity_kwh
        return not (flow_w < 0 and self._stored_kwh <= 0)

    def _stored_rate_kwh_per_s(self, flow_w: float) -> float:
        # Charging stores AC x efficiency; discharging delivers stored x efficiency to the grid.
        factor = self.efficiency if flow_w > 0 else 1.0 / self.efficiency
        return flow_w * factor / 3_600_000.0

    def _next_limit_kwh(self, rate_kwh_per_s: float) -> float:
        """Where the current flow must stop or change: full, empty or the next breakpoint."""
        if rate_kwh_per_s > 0:
            ahead = [b for b in self._energy_breakpoints_kwh() if b > self._stored_kwh]
            return min([self.capacity_kwh, *ahead])
        behind = [b for b in self._energy_breakpoints_kwh() if b < self._stored_kwh]
        return max([0.0, *behind])

    def step(self) -> None:
        """Advance stored energy and meter to clock.now(), breaking at full, empty and the control deadline."""
        now = self.clock.now()
        while self._time_s < now:
            deadline = self._control_deadline()
            if deadline is not None and deadline <= self._time_s:
                self._on_control_deadline()
                continue
            flow_w = self.flow_w()
            rate_kwh_per_s = self._stored_rate_kwh_per_s(flow_w)
            limit_kwh = self._next_limit_kwh(rate_kwh_per_s)
            limit_s = math.inf
            if rate_kwh_per_s != 0:
                limit_s = self._time_s + (limit_kwh - self._stored_kwh) / rate_kwh_per_s
            end = min(now, limit_s, math.inf if deadline is None else deadline)
            seconds = end - self._time_s
            self._meter.add(flow_w / 1000.0, seconds)
            self._stored_kwh += rate_kwh_per_s * seconds
            if end == limit_s:
                self._stored_kwh = limit_kwh
            self._time_s = end
