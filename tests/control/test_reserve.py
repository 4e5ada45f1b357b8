"""The reserve products' droop and the committed kW per product (pure)."""

from __future__ import annotations

from datetime import timedelta
import math

import pytest

from custom_components.v2g_home.control.reserve import (
    Commitment,
    ReservedPower,
    ReserveProduct,
    activation,
    droop_export_kw,
    reserved_now,
)

from .conftest import NOW

N = ReservedPower(fcr_n_kw=4.0)
UP = ReservedPower(fcr_d_up_kw=5.0)
DOWN = ReservedPower(fcr_d_down_kw=3.0)


@pytest.mark.parametrize(
    ("hz", "export_kw"),
    [(50.0, 0.0), (49.95, 2.0), (50.05, -2.0), (49.9, 4.0), (49.5, 4.0), (50.3, -4.0)],
)
def test_fcr_n_is_linear_over_its_band_and_clamped(hz: float, export_kw: float) -> None:
    """FCR-N: rN x (50 - f)/0.1, within +-rN."""
    assert droop_export_kw(N, hz) == pytest.approx(export_kw)


@pytest.mark.parametrize(
    ("hz", "export_kw"),
    [(50.5, 0.0), (49.91, 0.0), (49.9, 0.0), (49.7, 2.5), (49.5, 5.0), (48.0, 5.0)],
)
def test_fcr_d_up_acts_below_49_9_and_is_full_at_49_5(
    hz: float, export_kw: float
) -> None:
    """FCR-D up: rU x clamp((49.9 - f)/0.4, 0, 1), export only."""
    assert droop_export_kw(UP, hz) == pytest.approx(export_kw)


@pytest.mark.parametrize(
    ("hz", "export_kw"),
    [(49.0, 0.0), (50.1, 0.0), (50.3, -1.5), (50.5, -3.0), (52.0, -3.0)],
)
def test_fcr_d_down_acts_above_50_1_and_is_full_at_50_5(
    hz: float, export_kw: float
) -> None:
    """FCR-D down: -rD x clamp((f - 50.1)/0.4, 0, 1), import only."""
    assert droop_export_kw(DOWN, hz) == pytest.approx(export_kw)


@pytest.mark.parametrize(
    ("hz", "export_kw"),
    [
        (50.0, 0.0),
        (49.991, 0.0),
        (50.01, 0.0),
        (49.98, 0.4),
        (49.9, 2.0),
        (50.1, -2.0),
        (49.8, 4.0),
        (50.2, -4.0),
        (49.5, 4.0),
        (50.6, -4.0),
    ],
)
def test_dk1_fcr_is_proportional_outside_its_dead_band_and_full_at_200_mhz(
    hz: float, export_kw: float
) -> None:
    """DK1's FCR: r x (50 - f)/0.2 within +-r, nothing within +-10 mHz of 50 Hz."""
    assert droop_export_kw(ReservedPower(fcr_dk1_kw=4.0), hz) == pytest.approx(
        export_kw
    )


def test_products_add_up() -> None:
    """Several products on one device: their droops add."""
    both = ReservedPower(fcr_n_kw=4.0, fcr_d_up_kw=5.0, fcr_d_down_kw=3.0)
    assert droop_export_kw(both, 49.7) == pytest.approx(4.0 + 2.5)
    assert droop_export_kw(both, 50.3) == pytest.approx(-4.0 - 1.5)


@pytest.mark.parametrize("hz", [math.nan, math.inf, -math.inf])
def test_a_frequency_that_is_no_number_asks_for_nothing(hz: float) -> None:
    """Garbage never becomes a droop."""
    assert droop_export_kw(ReservedPower(fcr_n_kw=4.0, fcr_d_up_kw=5.0), hz) == 0.0


@pytest.mark.parametrize("kw", [-1.0, math.nan, math.inf])
def test_a_reserve_is_a_finite_magnitude(kw: float) -> None:
    """Negative or non-finite reserves are refused."""
    with pytest.raises(ValueError, match="finite magnitude"):
        ReservedPower(fcr_n_kw=kw)


def _commitment(product: ReserveProduct, kw: float, **changes: object) -> Commitment:
    values: dict[str, object] = {
        "device_id": "car",
        "product": product,
        "kw": kw,
        "start": NOW,
        "end": NOW + timedelta(hours=1),
        **changes,
    }
    return Commitment(**values)  # type: ignore[arg-type]


def test_reserved_now_sums_the_commitments_in_force_for_the_device() -> None:
    """Start included, end excluded, other devices and other hours left out."""
    book = [
        _commitment(ReserveProduct.FCR_N, 2.0),
        _commitment(ReserveProduct.FCR_N, 1.5),
        _commitment(ReserveProduct.FCR_D_UP, 3.0),
        _commitment(ReserveProduct.FCR_D_UP, 9.0, device_id="pack"),
        _commitment(
            ReserveProduct.FCR_D_DOWN,
            4.0,
            start=NOW + timedelta(hours=1),
            end=NOW + timedelta(hours=2),
        ),
    ]
    now = reserved_now(book, "car", NOW)
    assert now == ReservedPower(fcr_n_kw=3.5, fcr_d_up_kw=3.0)
    assert now.total_kw == pytest.approx(6.5)
    assert now.products == (ReserveProduct.FCR_N, ReserveProduct.FCR_D_UP)
    later = reserved_now(book, "car", NOW + timedelta(hours=1))
    assert later == ReservedPower(fcr_d_down_kw=4.0)
    assert not reserved_now(book, "car", NOW - timedelta(seconds=1)).committed


def test_mfrr_is_held_but_never_answers_the_frequency() -> None:
    """A dispatch activates mFRR up: the fast task sees no reserve and no droop from it."""
    book = [_commitment(ReserveProduct.MFRR_UP, 5.0)]
    now = reserved_now(book, "car", NOW)
    assert not now.committed
    assert droop_export_kw(now, 49.5) == 0.0
    assert activation(ReserveProduct.MFRR_UP, 49.5) == 0.0
    assert activation(ReserveProduct.FCR_D_DOWN, 50.5) == -1.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kw": 0.0}, "positive kW"),
        ({"kw": math.nan}, "positive kW"),
        ({"kw": -2.0}, "positive kW"),
        ({"end": NOW}, "end after it starts"),
        ({"start": NOW.replace(tzinfo=None)}, "time zone"),
    ],
)
def test_a_commitment_that_cannot_be_delivered_is_refused(
    changes: dict[str, object], message: str
) -> None:
    """No power, no time or a naive time is not a commitment."""
    values: dict[str, object] = {"kw": 1.0, **changes}
    kw = values.pop("kw")
    assert isinstance(kw, float)
    with pytest.raises(ValueError, match=message):
        _commitment(ReserveProduct.FCR_N, kw, **values)
