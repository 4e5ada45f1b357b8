"""The fast response's rules for one device at one tick, one test per rule (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.v2g_home.control.frequency import FrequencyVerdict
from custom_components.v2g_home.control.reserve import ReservedPower
from custom_components.v2g_home.control.response import (
    ResponseInputs,
    ResponseState,
    needs_write,
    respond,
    write_threshold_kw,
)
from custom_components.v2g_home.control.safety import Floor, Verdict

from .conftest import car, pack

RESERVE_FLOOR = Floor(soc_pct=20.0, verdict=Verdict.RESERVE_FLOOR)
UP = ReservedPower(fcr_d_up_kw=5.0)


def _inputs(**changes: object) -> ResponseInputs:
    base = ResponseInputs(
        base_kw=0.0,
        reserved=UP,
        hz=49.7,
        frequency=FrequencyVerdict.OK,
        device=pack(max_charge_kw=7.0, max_discharge_kw=7.0),
        power_fresh=True,
        floor=RESERVE_FLOOR,
        last_written_kw=0.0,
        step_kw=0.01,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_droop_is_subtracted_from_the_plan_because_plus_charges() -> None:
    """FCR-D up at 49.7 Hz asks 2.5 kW towards the grid: a 3 kW charge becomes 0.5 kW."""
    step = respond(_inputs(base_kw=3.0))
    assert step.setpoint_kw == pytest.approx(0.5)
    assert step.requested_kw == pytest.approx(2.5)
    assert step.expected_kw == pytest.approx(2.5)
    assert step.state is ResponseState.RESPONDING
    assert step.write


def test_fcr_n_over_frequency_charges_more() -> None:
    """FCR-N at 50.05 Hz asks -2 kW (import): the setpoint rises by 2 kW."""
    step = respond(_inputs(reserved=ReservedPower(fcr_n_kw=4.0), hz=50.05))
    assert step.setpoint_kw == pytest.approx(2.0)
    assert step.state is ResponseState.RESPONDING


def test_a_device_not_in_auto_is_not_touched() -> None:
    """The user runs it: nothing is written and the reason says so."""
    step = respond(_inputs(base_kw=None))
    assert step.state is ResponseState.NOT_IN_AUTO
    assert not step.write


def test_without_a_commitment_the_plan_alone_runs() -> None:
    """Nothing reserved: the plan's setpoint, written back only when the device is elsewhere."""
    nothing = ReservedPower()
    assert respond(_inputs(reserved=nothing, last_written_kw=-2.0)).setpoint_kw == 0.0
    assert respond(_inputs(reserved=nothing, last_written_kw=-2.0)).write
    assert not respond(_inputs(reserved=nothing, last_written_kw=0.0)).write
    assert respond(_inputs(reserved=nothing)).state is ResponseState.NOT_COMMITTED


@pytest.mark.parametrize(
    ("verdict", "state"),
    [
        (FrequencyVerdict.STALE, ResponseState.STALE_FREQUENCY),
        (FrequencyVerdict.OUT_OF_BAND, ResponseState.FREQUENCY_OUT_OF_BAND),
        (FrequencyVerdict.NOT_FINITE, ResponseState.FREQUENCY_NOT_FINITE),
        (FrequencyVerdict.UNREADABLE, ResponseState.FREQUENCY_UNREADABLE),
        (FrequencyVerdict.NO_SOURCE, ResponseState.NO_SOURCE),
    ],
)
def test_a_frequency_that_cannot_be_trusted_means_no_response(
    verdict: FrequencyVerdict, state: ResponseState
) -> None:
    """Back to the plan's setpoint (written, since the last write held a droop), with the reason."""
    step = respond(
        _inputs(hz=None, frequency=verdict, base_kw=1.0, last_written_kw=-1.5)
    )
    assert (step.setpoint_kw, step.requested_kw, step.state) == (1.0, 0.0, state)
    assert step.write


@pytest.mark.parametrize(
    "changes",
    [
        {"power_fresh": False},
        {"device": pack(answering=False)},
        {"device": pack(reading_age_s=31.0)},
    ],
)
def test_a_silent_device_gets_no_response_and_no_write(
    changes: dict[str, object],
) -> None:
    """No power measured this tick, or a poll too old: nothing to act on, nothing written."""
    step = respond(_inputs(last_written_kw=-2.5, **changes))
    assert step.state is ResponseState.DEVICE_SILENT
    assert step.requested_kw == 0.0
    assert not step.write


def test_small_changes_are_not_written() -> None:
    """Written only beyond the device's step and 2 % of the reserve (0.1 kW of 5 kW)."""
    assert write_threshold_kw(UP, 0.01) == pytest.approx(0.1)
    assert write_threshold_kw(UP, 0.23) == pytest.approx(0.23)
    device = pack()
    assert not needs_write(device, -2.5, -2.45, 0.1)
    assert needs_write(device, -2.5, -2.35, 0.1)
    assert needs_write(device, -2.5, None, 0.1)
    assert not respond(_inputs(last_written_kw=-2.45)).write
    assert respond(_inputs(last_written_kw=-2.3)).write


def test_changes_inside_the_devices_dead_band_are_not_written() -> None:
    """A Quasar runs 0 below 1.38 kW: moving from -0.5 to -1.0 kW changes nothing on it."""
    quasar = car(max_charge_kw=7.4, max_discharge_kw=7.4, min_power_kw=1.38)
    assert not needs_write(quasar, -1.0, -0.5, 0.1)


def test_the_floor_stops_an_activation() -> None:
    """Within one poll's worth of the reserve floor, the up-activation stops: 0 kW, reason given."""
    step = respond(_inputs(device=pack(soc_pct=20.1), last_written_kw=-2.5))
    assert step.setpoint_kw == 0.0
    assert step.expected_kw == 0.0
    assert step.state is ResponseState.RESERVE_FLOOR
    assert step.write


def test_the_departure_floor_stops_an_activation_too() -> None:
    """A car with a trip ahead keeps its departure target."""
    floor = Floor(soc_pct=80.0, verdict=Verdict.DEPARTURE_FLOOR)
    step = respond(_inputs(device=car(soc_pct=79.0), floor=floor))
    assert step.state is ResponseState.DEPARTURE_FLOOR
    assert step.setpoint_kw == 0.0


def test_the_ceiling_stops_extra_charging() -> None:
    """FCR-D down at a full battery: no charge beyond the plan's own."""
    step = respond(
        _inputs(
            reserved=ReservedPower(fcr_d_down_kw=3.0),
            hz=50.5,
            device=pack(soc_pct=99.9),
            base_kw=0.5,
        )
    )
    assert step.setpoint_kw == pytest.approx(0.5)
    assert step.state is ResponseState.SOC_CEILING


def test_an_unknown_soc_never_discharges() -> None:
    """A car whose SoC is not known cannot be discharged for a reserve."""
    step = respond(_inputs(device=car(soc_pct=None)))
    assert (step.setpoint_kw, step.state) == (0.0, ResponseState.SOC_UNKNOWN)


def test_the_devices_limit_takes_the_rest_and_says_so() -> None:
    """Exporting 6 kW already on a 7 kW device: of 5 kW asked, 1 kW is delivered."""
    step = respond(_inputs(base_kw=-6.0, hz=49.5))
    assert step.setpoint_kw == pytest.approx(-11.0)
    assert step.expected_kw == pytest.approx(1.0)
    assert step.state is ResponseState.DEVICE_LIMIT


def test_the_devices_dead_band_takes_a_small_request() -> None:
    """A Quasar cannot run 0.8 kW: FCR-N at 49.98 Hz delivers nothing there, and says why."""
    quasar = car(min_power_kw=1.38)
    step = respond(
        _inputs(device=quasar, reserved=ReservedPower(fcr_n_kw=4.0), hz=49.98)
    )
    assert step.setpoint_kw == pytest.approx(-0.8)
    assert step.expected_kw == 0.0
    assert step.state is ResponseState.DEVICE_DEAD_BAND


def test_delivery_within_tolerance_counts_as_responding() -> None:
    """A few percent trimmed by the limit is still a response."""
    step = respond(_inputs(base_kw=-2.1, hz=49.5))
    assert step.expected_kw == pytest.approx(4.9)
    assert step.state is ResponseState.RESPONDING
