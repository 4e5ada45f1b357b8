"""When a DER device may keep answering a reserve by its own droop (pure), one test per rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.v2g_home.control.frequency import FrequencyVerdict
from custom_components.v2g_home.control.reserve import ReservedPower
from custom_components.v2g_home.control.response import ResponseInputs, ResponseState
from custom_components.v2g_home.control.safety import Floor, Verdict
from custom_components.v2g_home.control.watchdog import local_droop_state

from .conftest import pack

RATED_KW = 5.0


def _inputs(**changes: object) -> ResponseInputs:
    base = ResponseInputs(
        base_kw=0.0,
        reserved=ReservedPower(fcr_d_up_kw=3.0),
        hz=49.7,
        frequency=FrequencyVerdict.OK,
        device=pack(soc_pct=50.0),
        power_fresh=True,
        floor=Floor(soc_pct=20.0, verdict=Verdict.RESERVE_FLOOR),
        last_written_kw=0.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _state(engaged: bool = True, **changes: object) -> ResponseState:
    return local_droop_state(_inputs(**changes), RATED_KW, engaged=engaged)


def test_a_healthy_device_answers_by_itself() -> None:
    """Fresh frequency, answering device, SoC well inside the band."""
    assert _state() is ResponseState.DEVICE_LOCAL


def test_not_in_auto_or_nothing_held_stops_it() -> None:
    """The user runs it, or the commitment ended."""
    assert _state(base_kw=None) is ResponseState.NOT_IN_AUTO
    assert _state(reserved=ReservedPower()) is ResponseState.NOT_COMMITTED


@pytest.mark.parametrize(
    ("verdict", "state"),
    [
        (FrequencyVerdict.STALE, ResponseState.STALE_FREQUENCY),
        (FrequencyVerdict.OUT_OF_BAND, ResponseState.FREQUENCY_OUT_OF_BAND),
        (FrequencyVerdict.NOT_FINITE, ResponseState.FREQUENCY_NOT_FINITE),
    ],
)
def test_a_frequency_that_cannot_be_watched_stops_it(
    verdict: FrequencyVerdict, state: ResponseState
) -> None:
    """No trusted frequency, no response, even one the device would make by itself."""
    assert _state(frequency=verdict, hz=None) is state


def test_a_silent_device_stops_it() -> None:
    """Nothing measured this tick."""
    assert _state(power_fresh=False) is ResponseState.DEVICE_SILENT
    assert _state(device=pack(soc_pct=None)) is ResponseState.SOC_UNKNOWN


def test_the_floor_stops_an_up_reserve_one_poll_of_full_power_early() -> None:
    """15 s at 5 kW on 10 kWh is 0.21 %: at 20.2 % it stops, at 20.3 % it goes on."""
    assert _state(device=pack(soc_pct=20.2)) is ResponseState.RESERVE_FLOOR
    assert _state(device=pack(soc_pct=20.3)) is ResponseState.DEVICE_LOCAL


def test_after_a_floor_it_starts_again_only_a_point_away() -> None:
    """Not engaged: one more point of SoC is needed, so it does not flap at the edge."""
    assert _state(engaged=False, device=pack(soc_pct=20.3)) is (
        ResponseState.RESERVE_FLOOR
    )
    assert _state(engaged=False, device=pack(soc_pct=21.3)) is (
        ResponseState.DEVICE_LOCAL
    )


def test_a_down_reserve_stops_at_full_but_not_at_the_floor() -> None:
    """FCR-D down only charges: the ceiling matters, the floor does not."""
    down = ReservedPower(fcr_d_down_kw=3.0)
    assert (
        _state(reserved=down, device=pack(soc_pct=20.1)) is ResponseState.DEVICE_LOCAL
    )
    assert _state(reserved=down, device=pack(soc_pct=99.9)) is ResponseState.SOC_CEILING


def test_fcr_n_needs_room_both_ways() -> None:
    """FCR-N exports and imports: both edges stop it."""
    n = ReservedPower(fcr_n_kw=2.0)
    assert _state(reserved=n, device=pack(soc_pct=20.1)) is ResponseState.RESERVE_FLOOR
    assert _state(reserved=n, device=pack(soc_pct=99.9)) is ResponseState.SOC_CEILING


def test_dk1_fcr_needs_room_both_ways() -> None:
    """DK1's FCR is symmetric like FCR-N: both edges stop it."""
    dk1 = ReservedPower(fcr_dk1_kw=2.0)
    assert (
        _state(reserved=dk1, device=pack(soc_pct=20.1)) is ResponseState.RESERVE_FLOOR
    )
    assert _state(reserved=dk1, device=pack(soc_pct=99.9)) is ResponseState.SOC_CEILING
