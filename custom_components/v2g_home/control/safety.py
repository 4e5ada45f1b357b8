"""The rules that keep the car and the grid safe: the last check before any setpoint is written.

They are a second line of defence behind the planner: whatever a plan or a user's override asks, a device
never discharges below its floor, never on stale readings or stale prices, and never takes a setpoint that
is not a finite number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from .settings import SchedulerSettings
    from .snapshot import DeviceSnapshot

READBACK_TOLERANCE_KW = 0.5
READBACK_TOLERANCE_SHARE = 0.15
# Near full or empty the battery itself stops the power: no fault of the device.
SOC_LIMIT_MARGIN_PCT = 2.0


class Verdict(StrEnum):
    """Why a setpoint was changed by the safety rules, or `ok` when it was not."""

    OK = "ok"
    NOT_FINITE = "not_finite"
    STALE_READING = "stale_reading"
    STALE_PRICES = "stale_prices"
    SOC_UNKNOWN = "soc_unknown"
    RESERVE_FLOOR = "reserve_floor"
    DEPARTURE_FLOOR = "departure_floor"


@dataclass(frozen=True, kw_only=True)
class Floor:
    """The SoC (%) a discharge may never go below, and which rule sets it."""

    soc_pct: float
    verdict: Verdict  # RESERVE_FLOOR or DEPARTURE_FLOOR


def floor_for(
    device: DeviceSnapshot,
    settings: SchedulerSettings,
    departure: tuple[datetime, float] | None,
) -> Floor:
    """The reserve, or a car's departure target when that is higher and a departure is ahead."""
    reserve = settings.reserve_soc_pct
    if device.is_car and departure is not None and departure[1] > reserve:
        return Floor(soc_pct=departure[1], verdict=Verdict.DEPARTURE_FLOOR)
    return Floor(soc_pct=reserve, verdict=Verdict.RESERVE_FLOOR)


def safe_setpoint_kw(
    wanted_kw: float,
    device: DeviceSnapshot,
    *,
    floor: Floor,
    prices_known: bool,
) -> tuple[float, Verdict]:
    """The setpoint that may be written (+ charges, - discharges) and the rule that changed it, if any."""
    if not math.isfinite(wanted_kw):
        return 0.0, Verdict.NOT_FINITE
    if wanted_kw >= 0:
        return wanted_kw, Verdict.OK
    if not device.fresh:
        return 0.0, Verdict.STALE_READING
    if not prices_known:
        return 0.0, Verdict.STALE_PRICES
    soc = device.known_soc_pct
    if soc is None:
        return 0.0, Verdict.SOC_UNKNOWN
    if soc - poll_step_pct(device, wanted_kw) <= floor.soc_pct:
        return 0.0, floor.verdict
    return wanted_kw, Verdict.OK


def poll_step_pct(device: DeviceSnapshot, power_kw: float) -> float:
    """The SoC (%) `power_kw` moves between two polls: a discharge stops that far above its floor.

    The next check comes one poll later, so stopping only at the floor would undershoot it by this much.
    """
    capacity = device.capacity_kwh
    if not capacity or capacity <= 0:
        return 0.0
    return abs(power_kw) * device.poll_interval_s / 3600 / capacity * 100


def manual_discharge_must_stop(
    device: DeviceSnapshot, settings: SchedulerSettings
) -> bool:
    """A discharge the user started by hand stops at the reserve (not at a trip target: the user chose it).

    Like any discharge, one poll's worth of energy short of it: at the power it runs at, or at the
    device's most before it runs.
    """
    soc = device.known_soc_pct
    if soc is None:
        return False
    running_kw = device.power_kw if device.power_kw is not None else 0.0
    power_kw = running_kw if running_kw < 0 else device.max_discharge_kw
    return soc - poll_step_pct(device, power_kw) <= settings.reserve_soc_pct


def follows(commanded_kw: float, power_kw: float) -> bool:
    """Whether the measured power is where the setpoint put it (rounding to amps allowed)."""
    tolerance = max(READBACK_TOLERANCE_KW, READBACK_TOLERANCE_SHARE * abs(commanded_kw))
    return abs(power_kw - commanded_kw) <= tolerance


def at_soc_limit(device: DeviceSnapshot, commanded_kw: float) -> bool:
    """Whether a full or empty battery, not the device, explains a setpoint that is not followed."""
    soc = device.known_soc_pct
    if soc is None:
        return False
    if commanded_kw > 0:
        return soc >= 100 - SOC_LIMIT_MARGIN_PCT
    return commanded_kw < 0 and soc <= SOC_LIMIT_MARGIN_PCT
