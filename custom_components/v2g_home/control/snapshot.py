"""One device as control sees it at one instant: its readings, their age, its mode and its limits."""

from __future__ import annotations

from dataclasses import dataclass
import math

from .modes import ControlMode

STALE_POLLS = 2  # readings older than this many poll intervals are stale


@dataclass(frozen=True, kw_only=True)
class DeviceSnapshot:
    """A charger's car or a pack at one instant (SoC in %, powers in kW at the grid, + = charging)."""

    device_id: str
    name: str
    is_car: bool
    mode: ControlMode
    available: bool  # answering, and for a car: plugged in
    soc_pct: float | None
    capacity_kwh: float | None
    max_charge_kw: float
    max_discharge_kw: float
    min_power_kw: float
    efficiency: float
    power_kw: float | None
    answering: bool = True  # the latest poll succeeded
    reading_age_s: float | None = 0.0  # since the latest good reading; None: none yet
    poll_interval_s: float = 10.0

    @property
    def fresh(self) -> bool:
        """Whether the readings are recent enough to act on (a silent device is never fresh)."""
        age = self.reading_age_s
        return (
            self.answering
            and age is not None
            and math.isfinite(age)
            and 0 <= age <= STALE_POLLS * self.poll_interval_s
        )

    @property
    def known_soc_pct(self) -> float | None:
        """The SoC when it is a usable number (a garbage reading counts as unknown)."""
        soc = self.soc_pct
        if soc is None or not math.isfinite(soc) or not 0 <= soc <= 100:
            return None
        return soc
