"""The fast frequency response for one device at one tick: the setpoint, whether to write it, and why.

The plan's setpoint (already through the safety rules) is the base; the committed products' droop at
the measured frequency is subtracted from it (the droop is + towards the grid, setpoints + charge).
The sum passes the same safety rules as any setpoint, then the device's own limits; it is written only
when it moved by more than the device's setpoint step and 2 % of the reserve. One rule is left out:
stale prices stop the plan's own export (the base), not the droop, since a committed reserve is
delivered whatever the spot price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
import math

from .frequency import FrequencyVerdict
from .reserve import ReservedPower, droop_export_kw
from .safety import Floor, Verdict, poll_step_pct, safe_setpoint_kw
from .snapshot import DeviceSnapshot

WRITE_SHARE = 0.02  # a change under 2 % of the reserve is not worth a write
SHORTFALL_SHARE = 0.05  # delivery this close to the request counts as full


class ResponseState(StrEnum):
    """What the response does at a tick: responding, or the reason it falls short or does nothing."""

    RESPONDING = "responding"
    NOT_COMMITTED = "not_committed"
    DEVICE_LOCAL = "device_local"  # the device's own droop (SunSpec 711) responds; this is a watchdog
    NO_SOURCE = FrequencyVerdict.NO_SOURCE.value
    FREQUENCY_UNREADABLE = FrequencyVerdict.UNREADABLE.value
    FREQUENCY_NOT_FINITE = FrequencyVerdict.NOT_FINITE.value
    STALE_FREQUENCY = FrequencyVerdict.STALE.value
    FREQUENCY_OUT_OF_BAND = FrequencyVerdict.OUT_OF_BAND.value
    NOT_IN_AUTO = "not_in_auto"
    DEVICE_SILENT = "device_silent"
    SOC_UNKNOWN = Verdict.SOC_UNKNOWN.value
    RESERVE_FLOOR = Verdict.RESERVE_FLOOR.value
    DEPARTURE_FLOOR = Verdict.DEPARTURE_FLOOR.value
    SOC_CEILING = "soc_ceiling"
    DEVICE_LIMIT = "device_limit"
    DEVICE_DEAD_BAND = "device_dead_band"


@dataclass(frozen=True, kw_only=True)
class ResponseInputs:
    """Everything the response rules look at for one device at one tick."""

    base_kw: float | None  # the plan's safe setpoint; None: the device is not in auto
    reserved: ReservedPower
    hz: float | None
    frequency: FrequencyVerdict
    device: DeviceSnapshot  # the latest poll (SoC, limits) with the power measured this tick
    power_fresh: bool  # the power was measured at this tick
    floor: Floor
    last_written_kw: float | None
    step_kw: float = 0.0  # the device's setpoint resolution
    ceiling_pct: float = 100.0


@dataclass(frozen=True, kw_only=True)
class ResponseStep:
    """The setpoint (+ charges) for this tick and the export (+ to the grid) asked and expected."""

    setpoint_kw: float
    requested_kw: float
    expected_kw: float
    state: ResponseState
    write: bool


def device_kw(device: DeviceSnapshot, power_kw: float) -> float:
    """What the device will run at when asked `power_kw`: inside its limits, 0 inside its dead band."""
    if power_kw > 0:
        magnitude = min(power_kw, device.max_charge_kw)
    else:
        magnitude = min(-power_kw, device.max_discharge_kw)
    if magnitude < device.min_power_kw or magnitude <= 0:
        return 0.0
    return math.copysign(magnitude, power_kw)


def write_threshold_kw(reserved: ReservedPower, step_kw: float) -> float:
    """A new setpoint is written only when it moved by more than this (the device's step and 2 %)."""
    return max(step_kw, WRITE_SHARE * reserved.total_kw)


def needs_write(
    device: DeviceSnapshot, new_kw: float, last_kw: float | None, threshold_kw: float
) -> bool:
    """Whether the device would run differently enough at `new_kw` than at the last written value."""
    if last_kw is None:
        return True
    return abs(device_kw(device, new_kw) - device_kw(device, last_kw)) > threshold_kw


def _held(inputs: ResponseInputs, base: float, state: ResponseState) -> ResponseStep:
    """No response: the plan's setpoint alone (written back only if the device can be written)."""
    threshold = write_threshold_kw(inputs.reserved, inputs.step_kw)
    can_write = state is not ResponseState.DEVICE_SILENT
    return ResponseStep(
        setpoint_kw=base,
        requested_kw=0.0,
        expected_kw=0.0,
        state=state,
        write=can_write
        and needs_write(inputs.device, base, inputs.last_written_kw, threshold),
    )


def _safe(inputs: ResponseInputs, base: float, wanted: float) -> tuple[float, str]:
    """The safety rules on the sum: the floors on discharge, the ceiling on extra charge."""
    device = inputs.device
    setpoint, verdict = safe_setpoint_kw(
        wanted, device, floor=inputs.floor, prices_known=True
    )
    if verdict is not Verdict.OK:
        return setpoint, verdict.value
    soc = device.known_soc_pct
    if wanted > max(base, 0.0):
        # Charging beyond the plan's own charge stops one poll's worth short of the ceiling.
        if soc is None:
            return max(base, 0.0), ResponseState.SOC_UNKNOWN.value
        if soc + poll_step_pct(device, wanted) >= inputs.ceiling_pct:
            return max(base, 0.0), ResponseState.SOC_CEILING.value
    return setpoint, ResponseState.RESPONDING.value


def respond(inputs: ResponseInputs) -> ResponseStep:
    """The setpoint for this tick: the plan's, minus the droop, inside the floors and the device's limits."""
    base = inputs.base_kw
    if base is None:
        return ResponseStep(
            setpoint_kw=0.0,
            requested_kw=0.0,
            expected_kw=0.0,
            state=ResponseState.NOT_IN_AUTO,
            write=False,
        )
    if not inputs.reserved.committed:
        return _held(inputs, base, ResponseState.NOT_COMMITTED)
    if not inputs.power_fresh or not inputs.device.fresh:
        return _held(inputs, base, ResponseState.DEVICE_SILENT)
    if inputs.frequency is not FrequencyVerdict.OK or inputs.hz is None:
        return _held(inputs, base, ResponseState(inputs.frequency.value))
    requested = droop_export_kw(inputs.reserved, inputs.hz)
    setpoint, reason = _safe(inputs, base, base - requested)
    device = inputs.device
    expected = device_kw(device, base) - device_kw(device, setpoint)
    tolerance = max(inputs.step_kw, SHORTFALL_SHARE * inputs.reserved.total_kw)
    state = ResponseState(reason)
    if abs(requested - expected) <= tolerance:
        state = (
            ResponseState.RESPONDING
        )  # within tolerance, whatever trimmed the last few percent
    elif state is ResponseState.RESPONDING:
        # The safety rules let it through, so the device's limits or its dead band take the rest.
        inside = device_kw(device, setpoint) == 0.0 and setpoint != 0.0
        beyond = setpoint > device.max_charge_kw or -setpoint > device.max_discharge_kw
        state = (
            ResponseState.DEVICE_DEAD_BAND
            if inside and not beyond
            else ResponseState.DEVICE_LIMIT
        )
    threshold = write_threshold_kw(inputs.reserved, inputs.step_kw)
    return ResponseStep(
        setpoint_kw=setpoint,
        requested_kw=requested,
        expected_kw=expected,
        state=state,
        write=needs_write(device, setpoint, inputs.last_written_kw, threshold),
    )


def with_power(device: DeviceSnapshot, power_kw: float | None) -> DeviceSnapshot:
    """The poll's snapshot with the power measured at this tick."""
    return device if power_kw is None else replace(device, power_kw=power_kw)
