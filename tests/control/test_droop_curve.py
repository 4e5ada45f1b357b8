"""The SunSpec 711 droop curve that delivers a reserve on the device itself (pure)."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.control.droop_curve import curve_for
from custom_components.v2g_home.control.reserve import ReservedPower, droop_export_kw

RATED_KW = 5.0


@pytest.mark.parametrize(
    "reserved",
    [
        ReservedPower(fcr_n_kw=2.0),
        ReservedPower(fcr_d_up_kw=3.0),
        ReservedPower(fcr_d_down_kw=1.5),
        ReservedPower(fcr_d_up_kw=3.0, fcr_d_down_kw=1.5),
    ],
)
def test_the_curve_matches_the_products_within_their_linear_range(
    reserved: ReservedPower,
) -> None:
    """Between 49.5 and 50.5 Hz (49.9..50.1 for FCR-N) the device's droop is the product's."""
    curve = curve_for(reserved, RATED_KW)
    assert curve is not None
    band = (49.9, 50.1) if reserved.fcr_n_kw else (49.5, 50.5)
    steps = 40
    for i in range(steps + 1):
        hz = band[0] + (band[1] - band[0]) * i / steps
        assert curve.export_kw(hz, RATED_KW) == pytest.approx(
            droop_export_kw(reserved, hz), abs=1e-9
        )


def test_fcr_d_up_alone_leaves_over_frequency_alone() -> None:
    """The side without a reserve does nothing even at 52 Hz."""
    curve = curve_for(ReservedPower(fcr_d_up_kw=3.0), RATED_KW)
    assert curve is not None
    assert curve.export_kw(52.0, RATED_KW) == 0.0
    assert curve.under_dead_band_hz == pytest.approx(0.1)


def test_fcr_n_with_fcr_d_needs_two_slopes_and_is_left_to_the_fast_task() -> None:
    """One dead band and one gain per side cannot hold both."""
    assert curve_for(ReservedPower(fcr_n_kw=2.0, fcr_d_up_kw=3.0), RATED_KW) is None


def test_dk1_fcr_is_left_to_the_fast_task() -> None:
    """Model 711's line starts at its dead band's edge; DK1's runs from 50 Hz."""
    assert curve_for(ReservedPower(fcr_dk1_kw=2.0), RATED_KW) is None


def test_nothing_reserved_or_no_rating_means_no_curve() -> None:
    """Nothing to configure."""
    assert curve_for(ReservedPower(), RATED_KW) is None
    assert curve_for(ReservedPower(fcr_n_kw=1.0), 0.0) is None
