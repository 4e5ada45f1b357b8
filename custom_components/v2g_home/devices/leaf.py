"""Nissan Leaf seen through the charger: usable capacity presets and a SoC glitch filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import ChargerReading, ChargerState, SocReading

if TYPE_CHECKING:
    from datetime import datetime

# Usable kWh per nominal pack (new car; packs age, so this is only the default of a setting):
# 24: owners report 22.6 kWh usable; 40: owners report about 37 kWh usable;
# 30 and 62: no owner figure, so new-car GIDs x 80 Wh (28.5, 62.0) scaled by the 40 kWh pack's
# usable/GID ratio (37 / 40.2), rounded down - an estimate that under- rather than over-promises.
LEAF_PACKS: dict[str, float] = {"24": 22.6, "30": 26.2, "40": 37.0, "62": 57.0}

_NO_CAR = {ChargerState.NO_CAR, ChargerState.NO_CAR_LOCKED}
_UNKNOWN_PLUG = {ChargerState.ERROR, ChargerState.UNKNOWN}


@dataclass(frozen=True, kw_only=True)
class LeafState:
    """The car as the planner and the UI see it."""

    soc: SocReading
    capacity_kwh: float
    plugged_in: bool | None
    stored_energy_kwh: float | None


class SocFilter:
    """Keeps the last good SoC; rejects the charger's known bogus readings unless confirmed."""

    def __init__(
        self,
        *,
        max_rate_pct_per_h: float = 40.0,
        jump_tolerance_pct: float = 5.0,
        glitch_low_pct: float = 1.0,
        glitch_high_pct: float = 97.0,
    ) -> None:
        """Limits: the fastest plausible change per hour and the allowance for BMS steps."""
        self.max_rate_pct_per_h = max_rate_pct_per_h
        self.jump_tolerance_pct = jump_tolerance_pct
        self.glitch_low_pct = glitch_low_pct
        self.glitch_high_pct = glitch_high_pct
        self._good: SocReading = SocReading(soc_pct=None, measured_at=None)
        self._pending: float | None = None
        self._unplugged = False

    @property
    def last_good(self) -> SocReading:
        """The last accepted reading."""
        return self._good

    @property
    def unplugged_since_good(self) -> bool:
        """Whether the car left the charger after the last accepted reading (it may have been driven)."""
        return self._unplugged

    def seed(self, soc_pct: float, measured_at: datetime) -> SocReading:
        """Start from a SoC measured earlier (kept across a restart); the caller vouches it still holds."""
        if not 0 < soc_pct <= 100:
            raise ValueError(f"SoC {soc_pct} % is not a Leaf's reading")
        self._pending = None
        self._unplugged = False
        self._good = SocReading(soc_pct=float(soc_pct), measured_at=measured_at)
        return self._good

    def update(
        self, raw_pct: float, charger_state: ChargerState, now: datetime
    ) -> SocReading:
        """Feed one raw Quasar register value; 0 (idle or no car) means unknown, not empty."""
        return self.observe(raw_pct, plugged_in=charger_state not in _NO_CAR, now=now)

    def observe(self, raw_pct: float, *, plugged_in: bool, now: datetime) -> SocReading:
        """Feed one raw SoC from any charger; 0 means unknown, not empty."""
        if not plugged_in:
            # The car may be driven before it comes back (or another car may come): its SoC is
            # unknown now, and its next SoC need not be near the last.
            self._unplugged = True
            self._pending = None
            self._good = SocReading(soc_pct=None, measured_at=None)
            return self._good
        # 0 means "no reading" in every state: a Leaf never reports 0 % itself.
        if raw_pct <= 0 or raw_pct > 100:
            self._pending = None
            return self._good
        pending, self._pending = self._pending, None
        if pending is not None and abs(raw_pct - pending) <= 1.0:
            return self._accept(raw_pct, now)
        if self._suspicious(raw_pct, now):
            self._pending = raw_pct
            return SocReading(
                soc_pct=self._good.soc_pct,
                measured_at=self._good.measured_at,
                rejected_last=True,
            )
        return self._accept(raw_pct, now)

    def _suspicious(self, raw_pct: float, now: datetime) -> bool:
        if raw_pct <= self.glitch_low_pct or raw_pct > self.glitch_high_pct:
            return True
        if (
            self._unplugged
            or self._good.soc_pct is None
            or self._good.measured_at is None
        ):
            return False
        hours = max(0.0, (now - self._good.measured_at).total_seconds() / 3600)
        allowed = self.jump_tolerance_pct + self.max_rate_pct_per_h * hours
        return abs(raw_pct - self._good.soc_pct) > allowed

    def _accept(self, raw_pct: float, now: datetime) -> SocReading:
        self._unplugged = False
        self._good = SocReading(soc_pct=float(raw_pct), measured_at=now)
        return self._good


def plugged_in(state: ChargerState) -> bool | None:
    """Whether a car is on the gun, from the charger state (None when the charger cannot tell)."""
    if state in _NO_CAR:
        return False
    if state in _UNKNOWN_PLUG:
        return None
    return True


class LeafMonitor:
    """Turns charger readings into a LeafState with a filtered SoC."""

    def __init__(
        self, capacity_kwh: float, soc_filter: SocFilter | None = None
    ) -> None:
        """Usable capacity (kWh): a LEAF_PACKS preset or the owner's own figure."""
        if not 5.0 <= capacity_kwh <= 100.0:
            raise ValueError(f"usable capacity {capacity_kwh} kWh is not a Leaf's")
        self.capacity_kwh = capacity_kwh
        self.soc_filter = soc_filter or SocFilter()

    def update(self, reading: ChargerReading, now: datetime) -> LeafState:
        """Fold one charger poll into the car's state."""
        soc = self.soc_filter.update(reading.car_soc_raw_pct, reading.state, now)
        return self._state(soc, reading)

    def seed(
        self, soc_pct: float, measured_at: datetime, reading: ChargerReading
    ) -> LeafState:
        """The car's state with its SoC taken from an earlier measurement instead of this poll."""
        return self._state(self.soc_filter.seed(soc_pct, measured_at), reading)

    def _state(self, soc: SocReading, reading: ChargerReading) -> LeafState:
        stored = (
            None
            if soc.soc_pct is None
            else round(self.capacity_kwh * soc.soc_pct / 100, 3)
        )
        return LeafState(
            soc=soc,
            capacity_kwh=self.capacity_kwh,
            plugged_in=plugged_in(reading.state),
            stored_energy_kwh=stored,
        )
