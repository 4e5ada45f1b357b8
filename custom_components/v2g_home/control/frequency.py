"""Grid frequency readings and whether one may be acted on (pure: the glue reads, this judges)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import math

MAX_AGE_S = 2.0  # an older reading is stale: no response
# The units a sensor may give the grid frequency in (Home Assistant's spelling), and their Hz.
HZ_PER_UNIT: dict[str, float] = {"Hz": 1.0, "kHz": 1000.0}
BAND_HZ = (
    47.0,
    53.0,
)  # outside it the reading is garbage or the grid is not one to support


class FrequencySource(StrEnum):
    """Where a frequency reading came from (the order of preference, fastest first)."""

    METER = "meter"  # a Modbus meter register described in a profile
    DER = "der"  # a SunSpec DER device's model 701 `Hz`
    ENTITY = "entity"  # any Home Assistant sensor in Hz (slower: FCR-N only)


class FrequencyVerdict(StrEnum):
    """Whether a reading may drive a response, or why not."""

    OK = "ok"
    NO_SOURCE = "no_frequency_source"
    UNREADABLE = "frequency_unreadable"  # the source did not answer
    NOT_FINITE = "frequency_not_finite"  # NaN, inf, or not a number at all
    STALE = "stale_frequency"
    OUT_OF_BAND = "frequency_out_of_band"


@dataclass(frozen=True, kw_only=True)
class FrequencyReading:
    """One grid frequency value and when it was measured (None: the source gave no value)."""

    hz: float | None
    measured_at: datetime
    source: FrequencySource
    error: str | None = None  # why the source gave no value


def judge(
    reading: FrequencyReading | None, now: datetime
) -> tuple[float | None, FrequencyVerdict]:
    """The frequency to respond to and the verdict; the frequency is None unless the verdict is OK."""
    if reading is None:
        return None, FrequencyVerdict.NO_SOURCE
    if reading.hz is None:
        if reading.error is not None:
            return None, FrequencyVerdict.UNREADABLE
        return None, FrequencyVerdict.NOT_FINITE
    hz = reading.hz
    if not isinstance(hz, int | float) or not math.isfinite(hz):
        return None, FrequencyVerdict.NOT_FINITE
    age_s = (now - reading.measured_at).total_seconds()
    # A reading from the future is as untrustworthy as an old one: the clock or the source is off.
    if not -MAX_AGE_S <= age_s <= MAX_AGE_S:
        return None, FrequencyVerdict.STALE
    if not BAND_HZ[0] <= hz <= BAND_HZ[1]:
        return None, FrequencyVerdict.OUT_OF_BAND
    return float(hz), FrequencyVerdict.OK
