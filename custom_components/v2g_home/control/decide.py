"""What one device must do now: follow the plan, obey a user's override, hold, or leave it to the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .modes import ControlMode
from .safety import (
    Verdict,
    floor_for,
    manual_discharge_must_stop,
    safe_setpoint_kw,
)
from .settings import SchedulerSettings
from .snapshot import DeviceSnapshot

PROBE_KW = (
    1.4  # the slowest charge most chargers run: enough to make the car report its SoC
)


class Action(StrEnum):
    """The kind of command."""

    SETPOINT = "setpoint"  # auto: write setpoint_kw
    HOLD = "hold"  # a manual discharge reached the reserve: switch the device to hold
    USER_MODE = (
        "user_mode"  # charge, discharge or hold chosen by the user runs the device
    )
    HAND_BACK = "hand_back"  # off: the device is under its own control


@dataclass(frozen=True, kw_only=True)
class Force:
    """A user's override: this power until then, or until the target SoC is reached."""

    power_kw: float
    until: datetime
    target_soc_pct: float | None = None

    def done(self, device: DeviceSnapshot, now: datetime) -> bool:
        """Whether the override has run its time or reached its SoC."""
        if now >= self.until:
            return True
        soc = device.known_soc_pct
        if self.target_soc_pct is None or soc is None:
            return False
        if self.power_kw > 0:
            return soc >= self.target_soc_pct
        return soc <= self.target_soc_pct


@dataclass(frozen=True, kw_only=True)
class Situation:
    """Everything control looks at for one device at one instant."""

    device: DeviceSnapshot
    now: datetime
    settings: SchedulerSettings
    planned_kw: float  # the plan's setpoint now; 0 outside the plan or without one
    force: Force | None = None
    departure: tuple[datetime, float] | None = (
        None  # a car's next departure and target SoC (%)
    )
    prices_known: bool = True  # the current slot has a price
    may_probe_soc: bool = (
        False  # a car with an unknown SoC may charge briefly to make it report one
    )
    offset_kw: float = (
        0.0  # an aggregator's dispatch on top of the plan (+ charge, - export)
    )


@dataclass(frozen=True, kw_only=True)
class Command:
    """What the device must do now, why, and the safety verdict on it."""

    action: Action
    setpoint_kw: float = 0.0
    reason: str
    verdict: Verdict = Verdict.OK
    force_expired: bool = False  # the override ended: the caller forgets it


def force_refusal(situation: Situation) -> str | None:
    """Why a user's override (in `situation.force`) cannot act on this device now; None when it can."""
    command = decide(situation)
    if situation.force is not None and situation.now >= situation.force.until:
        return "ended"
    if command.force_expired:
        return "target_reached"
    if command.action is not Action.SETPOINT:
        return "user_mode"
    if command.reason != "force":
        return command.reason
    if command.verdict is not Verdict.OK:
        return command.verdict.value
    return None


def decide(situation: Situation) -> Command:
    """The command for one device now; every setpoint has passed the safety rules."""
    device, settings = situation.device, situation.settings
    if device.mode is ControlMode.OFF:
        return Command(action=Action.HAND_BACK, reason="user_mode")
    if device.mode is ControlMode.DISCHARGE and manual_discharge_must_stop(
        device, settings
    ):
        return Command(
            action=Action.HOLD, reason="user_mode", verdict=Verdict.RESERVE_FLOOR
        )
    if device.mode is not ControlMode.AUTO:
        return Command(action=Action.USER_MODE, reason="user_mode")
    force = situation.force
    expired = force is not None and force.done(device, situation.now)
    if not settings.enabled:
        wanted, reason = 0.0, "scheduling_off"
    elif not device.available:
        wanted, reason = 0.0, "unavailable"
    elif force is not None and not expired:
        wanted, reason = force.power_kw, "force"
    elif (
        device.is_car
        and device.known_soc_pct is None
        and situation.may_probe_soc
        and (probe := min(max(device.min_power_kw, PROBE_KW), device.max_charge_kw)) > 0
        and situation.planned_kw < probe
    ):
        # Chargers such as the Quasar report the car's SoC only while energy flows: a short, slow
        # charge makes it known, so the plan can use the car (planned at its floor until then).
        wanted, reason = probe, "learn_soc"
    elif situation.offset_kw:
        wanted, reason = situation.planned_kw + situation.offset_kw, "dispatch"
    else:
        wanted, reason = situation.planned_kw, "plan"
    setpoint, verdict = safe_setpoint_kw(
        wanted,
        device,
        floor=floor_for(device, settings, situation.departure),
        prices_known=situation.prices_known,
    )
    return Command(
        action=Action.SETPOINT,
        setpoint_kw=setpoint,
        reason=reason,
        verdict=verdict,
        force_expired=expired,
    )
