"""Which reserve products a device can deliver in time, from how fast it and the frequency source react.

A response to a frequency step takes: up to one tick of the fast task, the source's own delay, the
device's latency (from a write to the first change of power) and its ramp (a full-power step takes
`ramp_s`; smaller steps take their share of it). A product is offered only when the response meets
every one of its speed requirements (`reserve.PRODUCT_SPEEDS`); a device whose speed is unknown
offers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math

from .frequency import FrequencySource
from .reserve import (
    NORDIC_FCR,
    PRODUCT_SPEEDS,
    ReserveProduct,
    area_products,
)

TICK_S = 0.5  # the fast task runs at 2 Hz while a reserve is committed
# What a reading adds before the task sees a change: a meter register or 701 Hz is read at every tick;
# a Home Assistant sensor reports at its own pace (typically a few seconds), too slow for FCR-D.
SOURCE_DELAY_S: dict[FrequencySource, float] = {
    FrequencySource.METER: 0.0,
    FrequencySource.DER: 0.0,
    FrequencySource.ENTITY: 10.0,
}


@dataclass(frozen=True, kw_only=True)
class DeviceSpeed:
    """How a device follows a new setpoint: dead time, full-scale ramp, setpoint step (kW)."""

    latency_s: float
    ramp_s: float
    step_kw: float
    local_droop: bool = (
        False  # the device runs its own frequency droop (SunSpec DER model 711)
    )

    def seconds_to(self, share: float, *, source_delay_s: float) -> float:
        """Seconds from a frequency step until `share` of a full-power step is delivered (worst case)."""
        if self.local_droop:
            # The device measures the frequency itself: no tick, no source.
            return self.latency_s + share * self.ramp_s
        return TICK_S + source_delay_s + self.latency_s + share * self.ramp_s


# The simulated and documented figures (docs/grid-services.md): the Quasar 1 ramps over about 2 s;
# the BiDiPro 10 takes its setpoint at the next cycle of its controller (about 1 s) and ramps
# 10 kW in about 4 s; a SunSpec DER inverter follows WSet within 0.2 s and ramps in about 1 s.
# The Quasar's step is 1 A at 230 V (current setpoints); the others take whole watts.
CHARGER_SPEEDS: dict[str, DeviceSpeed] = {
    "quasar": DeviceSpeed(latency_s=0.3, ramp_s=2.0, step_kw=0.23),
    "evtec_bidipro": DeviceSpeed(latency_s=1.0, ramp_s=4.0, step_kw=0.001),
    "sunspec_der": DeviceSpeed(latency_s=0.2, ramp_s=1.0, step_kw=0.01),
}
# A DER device configured to respond by itself: its open-loop response time (model 711 RspTms).
LOCAL_DROOP_RESPONSE_S = 2.0


def local_droop_speed() -> DeviceSpeed:
    """A DER device with model 711 answering on its own (90 % within RspTms, as IEEE 1547 defines it)."""
    return DeviceSpeed(
        latency_s=0.2,
        ramp_s=LOCAL_DROOP_RESPONSE_S / 0.9,
        step_kw=0.01,
        local_droop=True,
    )


@dataclass(frozen=True, kw_only=True)
class Offer:
    """Whether one product can be offered from one device, with the expected times (s) or why not."""

    product: ReserveProduct
    able: bool
    seconds: tuple[float, ...]  # to each required share, in PRODUCT_SPEEDS order
    reason: str | None = None  # "too_slow", "speed_unknown", "no_frequency_source"


def offers(
    speed: DeviceSpeed | None, source: FrequencySource | None
) -> tuple[Offer, ...]:
    """Each product, able or not, for a device of this speed answering this frequency source."""
    result: list[Offer] = []
    for product, requirements in PRODUCT_SPEEDS.items():
        if speed is None:
            result.append(
                Offer(product=product, able=False, seconds=(), reason="speed_unknown")
            )
            continue
        if source is None and not speed.local_droop:
            result.append(
                Offer(
                    product=product,
                    able=False,
                    seconds=(),
                    reason="no_frequency_source",
                )
            )
            continue
        delay = 0.0 if source is None else SOURCE_DELAY_S[source]
        seconds = tuple(
            speed.seconds_to(need.share, source_delay_s=delay) for need in requirements
        )
        able = all(
            math.isfinite(s) and s <= need.within_s
            for s, need in zip(seconds, requirements, strict=True)
        )
        result.append(
            Offer(
                product=product,
                able=able,
                seconds=seconds,
                reason=None if able else "too_slow",
            )
        )
    return tuple(result)


class OfferSummary(StrEnum):
    """What a device can offer, in one word: the products, or why none."""

    FCR_N_AND_FCR_D = "fcr_n_and_fcr_d"
    FCR_N_ONLY = "fcr_n_only"  # FCR-D asks for more speed than FCR-N
    FCR_DK1 = "fcr_dk1"  # DK1's FCR, the one a DK1 site sells
    TOO_SLOW = "too_slow"
    SPEED_UNKNOWN = "speed_unknown"
    NO_FREQUENCY_SOURCE = "no_frequency_source"


def summary(device_offers: tuple[Offer, ...], area: str = "DK2") -> OfferSummary:
    """The one word for a device's offers in the site's price area (never more than it can deliver)."""
    able = {offer.product for offer in device_offers if offer.able}
    if ReserveProduct.FCR_DK1 in area_products(area):
        if ReserveProduct.FCR_DK1 in able:
            return OfferSummary.FCR_DK1
    elif able >= set(NORDIC_FCR):
        return OfferSummary.FCR_N_AND_FCR_D
    elif ReserveProduct.FCR_N in able:
        return OfferSummary.FCR_N_ONLY
    reasons = {offer.reason for offer in device_offers if not offer.able}
    for why in (OfferSummary.NO_FREQUENCY_SOURCE, OfferSummary.SPEED_UNKNOWN):
        if why.value in reasons:
            return why
    return OfferSummary.TOO_SLOW
