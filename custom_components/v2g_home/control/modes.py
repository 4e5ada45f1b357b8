"""The control modes a user picks for a device."""

from __future__ import annotations

from enum import StrEnum


class ControlMode(StrEnum):
    """What the user asks a device to do; `auto` follows the scheduler's plan."""

    AUTO = "auto"
    OFF = "off"
    CHARGE = "charge"
    DISCHARGE = "discharge"
    HOLD = "hold"
