"""Simulated time: a manual fast-forward clock for tests, or real time times a speed factor for the demo."""

from __future__ import annotations

import time


class SimClock:
    """Seconds of simulated time, monotonic; only `advance()` moves it in manual mode."""

    def __init__(self, *, manual: bool = False, speed: float = 1.0) -> None:
        """Start at 0 s; in real-time mode one real second is `speed` simulated seconds."""
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.manual = manual
        self._speed = speed
        self._offset_s = 0.0
        self._real_start_s = time.monotonic()

    @property
    def speed(self) -> float:
        """Simulated seconds per real second (ignored in manual mode)."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value <= 0:
            raise ValueError(f"speed must be positive, got {value}")
        # Rebase so that changing speed never makes time jump.
        self._offset_s = self.now()
        self._real_start_s = time.monotonic()
        self._speed = value

    def now(self) -> float:
        """Current simulated time in seconds since the clock was made."""
        if self.manual:
            return self._offset_s
        return self._offset_s + (time.monotonic() - self._real_start_s) * self._speed

    def advance(self, seconds: float) -> None:
        """Fast-forward by `seconds` of simulated time (both modes)."""
        if seconds < 0:
            raise ValueError(f"time only moves forward, got {seconds}")
        self._offset_s += seconds
