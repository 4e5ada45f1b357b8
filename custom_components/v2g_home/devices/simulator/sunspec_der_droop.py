"""The simulated DER device's own frequency droop (model 711): stored controls, adoption, reversion.

Choices where the model leaves room (documented in the simulator README):
- Control set 1 is the active one and read-only; writing `AdptCtlReq` = n copies set n into set 1
  (`AdptCtlRslt` 1 completed, 2 failed for an index out of range), as SunSpec describes adoption.
- With `Ena` 1 the device adds the IEEE 1547 droop of set 1 to whatever it runs at: below
  50 - `DbUf` Hz, (50 - DbUf - f) / (50 x KUf) of its rating more export; above 50 + `DbOf`,
  (f - 50 - DbOf) / (50 x KOf) more import. The droop follows its target with a first-order lag
  reaching 90 % in `RspTms` seconds, updated every 0.1 s from the grid frequency the device sees.
- A write of `Ena`, `AdptCtlReq` or `RvrtTms` (re)starts the reversion timer; when it expires the
  device adopts set `RvrtCtl` (when it is a valid index) and the timer stops. 0 = no timer.
- Power-on: `Ena` 0, set 1 the IEEE 1547 category II default (36 mHz dead bands, 5 % droop, 5 s).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .actuator import CYCLE_S
from .sunspec_droop_model import CTL_POINTS

if TYPE_CHECKING:
    from collections.abc import Callable

NOMINAL_HZ = 50.0
CONTROLS = 2
DB_SF, K_SF, RSP_SF = -3, -4, -1
COMPLETED, FAILED = 1, 2
TIMER_POINTS = frozenset({"Ena", "AdptCtlReq", "RvrtTms"})
_EPSILON_S = 1e-9


def default_droop_settings() -> dict[str, int]:
    """Power-on values of model 711's writable points (and the read-only flags of the sets)."""
    settings = {"Ena": 0, "AdptCtlReq": 0, "RvrtTms": 0, "RvrtCtl": 0}
    for index in range(1, CONTROLS + 1):
        settings |= {
            f"Ctl{index}.DbOf": 36,
            f"Ctl{index}.DbUf": 36,
            f"Ctl{index}.KOf": 500,
            f"Ctl{index}.KUf": 500,
            f"Ctl{index}.RspTms": 50,
            f"Ctl{index}.PMin": 0,
        }
    return settings


class LocalDroop:
    """The droop state of one device: what model 711 holds and the lagged extra power it runs."""

    def __init__(
        self, frequency_hz: Callable[[], float], rated_w: float, now_s: float
    ) -> None:
        """Follow the grid frequency `frequency_hz()` for a device rated `rated_w`."""
        self.frequency_hz = frequency_hz
        self.rated_w = rated_w
        self.settings = default_droop_settings()
        self.result = 0
        self.output_w = 0.0  # + charges, like every power in the simulator
        self._time_s = now_s
        self._timer_started_s: float | None = None

    def value(self, name: str) -> int | None:
        """A point's value as the device reports it."""
        fixed = {
            "AdptCtlRslt": self.result,
            "NCtl": CONTROLS,
            "Db_SF": DB_SF,
            "K_SF": K_SF,
            "RspTms_SF": RSP_SF,
            "RvrtRem": self.revert_remaining_s(),
        }
        if name in fixed:
            return fixed[name]
        if name.endswith(".ReadOnly"):
            return 1 if name.startswith("Ctl1.") else 0
        return self.settings.get(name)

    def writable(self, name: str) -> bool:
        """Set 1 is read-only; so are the counts, results and scale factors."""
        return name in self.settings and not name.startswith("Ctl1.")

    def store(self, name: str, value: int, now_s: float) -> bool:
        """Take a written value; False when it is out of range."""
        if name == "Ena" and value not in (0, 1):
            return False
        if name == "AdptCtlReq":
            self.result = COMPLETED if 1 <= value <= CONTROLS else FAILED
            if self.result == COMPLETED:
                self._adopt(value)
        self.settings[name] = value
        if name in TIMER_POINTS:
            self._timer_started_s = now_s
        return True

    def _adopt(self, index: int) -> None:
        for point in CTL_POINTS[:-1]:
            self.settings[f"Ctl1.{point}"] = self.settings[f"Ctl{index}.{point}"]

    def revert_remaining_s(self) -> int:
        """Seconds left on the reversion timer (0 when it is not running)."""
        deadline = self._deadline()
        return 0 if deadline is None else max(0, math.ceil(deadline - self._time_s))

    def _deadline(self) -> float | None:
        timeout = self.settings["RvrtTms"]
        if self._timer_started_s is None or timeout == 0:
            return None
        return self._timer_started_s + timeout

    def target_w(self) -> float:
        """The droop's target now (+ charges) from set 1 and the frequency."""
        if self.settings["Ena"] != 1:
            return 0.0
        hz = self.frequency_hz()
        if not math.isfinite(hz):
            return 0.0
        scale = 10.0**DB_SF
        under = NOMINAL_HZ - self.settings["Ctl1.DbUf"] * scale - hz
        over = hz - NOMINAL_HZ - self.settings["Ctl1.DbOf"] * scale
        if under > 0:
            return (
                -under
                / (NOMINAL_HZ * self.settings["Ctl1.KUf"] * 10.0**K_SF)
                * self.rated_w
            )
        if over > 0:
            return (
                over
                / (NOMINAL_HZ * self.settings["Ctl1.KOf"] * 10.0**K_SF)
                * self.rated_w
            )
        return 0.0

    def next_change_s(self) -> float | None:
        """The next control cycle while the droop runs or decays, else the reversion deadline."""
        deadline = self._deadline()
        if self.settings["Ena"] == 1 or self.output_w != 0.0:
            cycle = (math.floor(self._time_s / CYCLE_S + _EPSILON_S) + 1) * CYCLE_S
            return cycle if deadline is None else min(cycle, deadline)
        return deadline

    def advance(self, now_s: float) -> None:
        """Run the control cycles (and the reversion) up to `now_s`."""
        while (
            event := self.next_change_s()
        ) is not None and event <= now_s + _EPSILON_S:
            self._time_s = event
            deadline = self._deadline()
            if deadline is not None and deadline <= event + _EPSILON_S:
                self._timer_started_s = None
                if 1 <= self.settings["RvrtCtl"] <= CONTROLS:
                    self._adopt(self.settings["RvrtCtl"])
            tau = max(self.settings["Ctl1.RspTms"] * 10.0**RSP_SF, CYCLE_S) / math.log(
                10
            )
            target = self.target_w()
            self.output_w += (target - self.output_w) * (1 - math.exp(-CYCLE_S / tau))
            if target == 0.0 and abs(self.output_w) < 1.0:
                self.output_w = 0.0
        self._time_s = max(self._time_s, now_s)


def writable_droop_points(droop: LocalDroop | None) -> frozenset[tuple[int, str]]:
    """(711, point) for each point a write may set (none without the model)."""
    if droop is None:
        return frozenset()
    return frozenset((711, name) for name in droop.settings if droop.writable(name))
