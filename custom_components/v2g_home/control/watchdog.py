"""When a device may keep answering a reserve by its own droop (SunSpec 711), or why it must stop.

The fast task only watches such a device, but the same safety rules apply: the device must answer,
the frequency must be trusted, and a floor (or a full battery) ends the response. Once stopped at a
floor, the droop is set again only a point of SoC away from it, so it does not flap at the edge.
"""

from __future__ import annotations

from .frequency import FrequencyVerdict
from .response import ResponseInputs, ResponseState
from .safety import poll_step_pct

REENGAGE_MARGIN_PCT = 1.0


def local_droop_state(
    inputs: ResponseInputs, rated_kw: float, *, engaged: bool
) -> ResponseState:
    """DEVICE_LOCAL while the device's own droop may answer; otherwise the reason it may not."""
    reserved = inputs.reserved
    if inputs.base_kw is None:
        return ResponseState.NOT_IN_AUTO
    if not reserved.committed:
        return ResponseState.NOT_COMMITTED
    if not inputs.power_fresh or not inputs.device.fresh:
        return ResponseState.DEVICE_SILENT
    if inputs.frequency is not FrequencyVerdict.OK:
        return ResponseState(inputs.frequency.value)
    soc = inputs.device.known_soc_pct
    if soc is None:
        return ResponseState.SOC_UNKNOWN
    margin = 0.0 if engaged else REENGAGE_MARGIN_PCT
    # The device may run its full rating in the direction of the reserve before the next check.
    step = poll_step_pct(inputs.device, rated_kw)
    symmetric = bool(reserved.fcr_n_kw or reserved.fcr_dk1_kw)
    exports = symmetric or bool(reserved.fcr_d_up_kw)
    imports = symmetric or bool(reserved.fcr_d_down_kw)
    if exports and soc - step <= inputs.floor.soc_pct + margin:
        return ResponseState(inputs.floor.verdict.value)
    if imports and soc + step >= inputs.ceiling_pct - margin:
        return ResponseState.SOC_CEILING
    return ResponseState.DEVICE_LOCAL
