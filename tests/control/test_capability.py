"""Which products a device can offer, from its speed and the frequency source (pure)."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.control.capability import (
    CHARGER_SPEEDS,
    DeviceSpeed,
    OfferSummary,
    local_droop_speed,
    offers,
    summary,
)
from custom_components.v2g_home.control.frequency import FrequencySource
from custom_components.v2g_home.control.reserve import (
    FREQUENCY_PRODUCTS,
    ReserveProduct,
)


def _able(speed: DeviceSpeed | None, source: FrequencySource | None) -> set[str]:
    return {offer.product.value for offer in offers(speed, source) if offer.able}


@pytest.mark.parametrize("kind", ["quasar", "evtec_bidipro", "sunspec_der"])
def test_the_simulated_chargers_offer_every_product_with_a_meter(kind: str) -> None:
    """Ramps of a few seconds meet FCR-D's 5 s and FCR-N's 60 s."""
    assert _able(CHARGER_SPEEDS[kind], FrequencySource.METER) == {
        p.value for p in FREQUENCY_PRODUCTS
    }


def test_the_times_are_tick_source_latency_and_a_share_of_the_ramp() -> None:
    """FCR-D on a Quasar: 0.5 s tick + 0.3 s latency + half of its 2 s ramp to 50 %."""
    (offer,) = [
        o
        for o in offers(CHARGER_SPEEDS["quasar"], FrequencySource.METER)
        if o.product is ReserveProduct.FCR_D_UP
    ]
    assert offer.seconds == pytest.approx((1.8, 2.8))


def test_a_home_assistant_sensor_is_too_slow_for_fcr_d() -> None:
    """A sensor reporting every few seconds: FCR-N, and DK1's FCR (in full within 30 s), not FCR-D."""
    offered = offers(CHARGER_SPEEDS["quasar"], FrequencySource.ENTITY)
    assert {o.product for o in offered if o.able} == {
        ReserveProduct.FCR_N,
        ReserveProduct.FCR_DK1,
    }
    assert {o.reason for o in offered if not o.able} == {"too_slow"}


def test_a_slow_device_is_unable() -> None:
    """A device that needs 12 s to ramp cannot deliver 50 % within 5 s; 40 s misses DK1's 30 s too."""
    slow = DeviceSpeed(latency_s=1.0, ramp_s=12.0, step_kw=0.01)
    assert _able(slow, FrequencySource.METER) == {"fcr_n", "fcr_dk1"}
    slower = DeviceSpeed(latency_s=1.0, ramp_s=40.0, step_kw=0.01)
    assert _able(slower, FrequencySource.METER) == {"fcr_n"}


def test_a_device_of_unknown_speed_offers_nothing() -> None:
    """A charger profile says nothing about its ramp: nothing is offered."""
    assert {o.reason for o in offers(None, FrequencySource.METER)} == {"speed_unknown"}
    assert _able(None, FrequencySource.METER) == set()


def test_without_a_frequency_source_nothing_is_offered_unless_the_device_measures_it() -> (
    None
):
    """The fast task needs a source; a DER device's own droop does not."""
    assert _able(CHARGER_SPEEDS["quasar"], None) == set()
    assert _able(local_droop_speed(), None) == {p.value for p in FREQUENCY_PRODUCTS}


@pytest.mark.parametrize(
    ("area", "speed", "source", "word"),
    [
        (
            "DK2",
            CHARGER_SPEEDS["quasar"],
            FrequencySource.METER,
            OfferSummary.FCR_N_AND_FCR_D,
        ),
        (
            "DK2",
            CHARGER_SPEEDS["quasar"],
            FrequencySource.ENTITY,
            OfferSummary.FCR_N_ONLY,
        ),
        (
            "DK2",
            DeviceSpeed(latency_s=1.0, ramp_s=400.0, step_kw=0.01),
            FrequencySource.METER,
            OfferSummary.TOO_SLOW,
        ),
        ("DK2", None, FrequencySource.METER, OfferSummary.SPEED_UNKNOWN),
        ("DK2", None, None, OfferSummary.SPEED_UNKNOWN),
        (
            "DK2",
            CHARGER_SPEEDS["evtec_bidipro"],
            None,
            OfferSummary.NO_FREQUENCY_SOURCE,
        ),
        # In DK1 the Nordic products are not sold: a device fast enough for DK1's FCR shows that.
        ("DK1", CHARGER_SPEEDS["quasar"], FrequencySource.METER, OfferSummary.FCR_DK1),
        ("DK1", CHARGER_SPEEDS["quasar"], FrequencySource.ENTITY, OfferSummary.FCR_DK1),
        (
            "DK1",
            DeviceSpeed(latency_s=1.0, ramp_s=40.0, step_kw=0.01),
            FrequencySource.METER,
            OfferSummary.TOO_SLOW,
        ),
        (
            "DK1",
            CHARGER_SPEEDS["evtec_bidipro"],
            None,
            OfferSummary.NO_FREQUENCY_SOURCE,
        ),
    ],
)
def test_the_summary_names_the_products_or_why_none(
    area: str,
    speed: DeviceSpeed | None,
    source: FrequencySource | None,
    word: OfferSummary,
) -> None:
    """What the device's sensor shows in the site's area: never a product it cannot deliver in time."""
    assert summary(offers(speed, source), area) is word
