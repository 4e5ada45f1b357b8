"""The frequency-droop curve (SunSpec DER model 711, IEEE 1547-2018) that delivers a committed reserve.

IEEE 1547's droop changes active power by (f_nom - db - f) / (f_nom x k) per unit of the rated power
below f_nom - db (under-frequency) and likewise above f_nom + db: one dead band and one gain per side.
So the device can deliver by itself FCR-N alone (no dead band, the FCR-N slope) and FCR-D up and/or
down (a 0.1 Hz dead band, the FCR-D slopes); FCR-N together with FCR-D needs two slopes on one side,
which the model cannot hold, and is left to the fast task. So is DK1's FCR: its line runs from
50 Hz and only its first 10 mHz are dead, while the model's line starts at the dead band's edge.
The device's droop does not stop at the full activation: beyond 49.9/50.1 Hz (FCR-N) or
49.5/50.5 Hz (FCR-D) it delivers more, up to its own limits, and the watchdog still keeps the
floors.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

from .capability import LOCAL_DROOP_RESPONSE_S
from .reserve import (
    FCR_D_SPAN_HZ,
    FCR_D_START_HZ,
    FCR_N_BAND_HZ,
    NOMINAL_HZ,
    ReservedPower,
    ReserveProduct,
)

# A side with no reserve gets a dead band wider than any grid excursion and the flattest gain the
# model holds: the device does nothing on that side.
IDLE_DEAD_BAND_HZ = 3.0
IDLE_GAIN = 1.0


@dataclass(frozen=True, kw_only=True)
class DroopCurve:
    """Dead bands (Hz), per-unit gains and the open-loop response time (s) for both sides."""

    under_dead_band_hz: float
    under_gain: float
    over_dead_band_hz: float
    over_gain: float
    response_s: float = LOCAL_DROOP_RESPONSE_S

    def export_kw(self, hz: float, rated_kw: float) -> float:
        """The extra export (kW, + to the grid) the curve asks for at `hz` (unlimited, like the device)."""
        if not math.isfinite(hz):
            return 0.0
        under = NOMINAL_HZ - self.under_dead_band_hz - hz
        if under > 0:
            return under / (NOMINAL_HZ * self.under_gain) * rated_kw
        over = hz - NOMINAL_HZ - self.over_dead_band_hz
        if over > 0:
            return -over / (NOMINAL_HZ * self.over_gain) * rated_kw
        return 0.0


def _gain(span_hz: float, reserve_kw: float, rated_kw: float) -> float:
    """The per-unit gain that moves `reserve_kw` over `span_hz` on a device rated `rated_kw`."""
    return span_hz / NOMINAL_HZ * rated_kw / reserve_kw


def curve_for(reserved: ReservedPower, rated_kw: float) -> DroopCurve | None:
    """The curve delivering `reserved` on a device rated `rated_kw`; None when one curve cannot."""
    if not reserved.committed or not math.isfinite(rated_kw) or rated_kw <= 0:
        return None
    products = set(reserved.products)
    if ReserveProduct.FCR_DK1 in products:
        return None
    if products == {ReserveProduct.FCR_N}:
        gain = _gain(FCR_N_BAND_HZ, reserved.fcr_n_kw, rated_kw)
        return DroopCurve(
            under_dead_band_hz=0.0,
            under_gain=gain,
            over_dead_band_hz=0.0,
            over_gain=gain,
        )
    if ReserveProduct.FCR_N in products:
        return None
    up, down = reserved.fcr_d_up_kw, reserved.fcr_d_down_kw
    return DroopCurve(
        under_dead_band_hz=FCR_D_START_HZ if up else IDLE_DEAD_BAND_HZ,
        under_gain=_gain(FCR_D_SPAN_HZ, up, rated_kw) if up else IDLE_GAIN,
        over_dead_band_hz=FCR_D_START_HZ if down else IDLE_DEAD_BAND_HZ,
        over_gain=_gain(FCR_D_SPAN_HZ, down, rated_kw) if down else IDLE_GAIN,
    )
