"""Counting on across a gap, rule by rule: counters bridge it, a driven device runs on, a gone car does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.accounting.continuity import continue_from, run_on_from
from custom_components.v2g_home.accounting.device_flows import (
    DeviceSample,
    sample_as_dict,
    sample_from_dict,
)

STOP = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
LAST_POLL = STOP - timedelta(seconds=4)
SELLING = DeviceSample(at=LAST_POLL, power_kw=-7.2)


def test_a_driven_device_runs_on_until_its_fail_safe() -> None:
    """From the stop, at its last power, until the fail-safe counted from its last poll."""
    run_on = run_on_from(SELLING, STOP, 600)
    assert run_on is not None
    assert (run_on.at, run_on.power_kw) == (STOP, -7.2)
    assert run_on.run_on_until == LAST_POLL + timedelta(seconds=600)
    assert sample_from_dict(sample_as_dict(run_on)) == run_on  # kept in .storage


def test_nothing_runs_on_without_control_a_fail_safe_or_with_counters() -> None:
    """The owner's device, one without a known fail-safe, or one whose counters tell it exactly."""
    own = DeviceSample(at=LAST_POLL, power_kw=-0.8, controlled=False)
    counted = DeviceSample(
        at=LAST_POLL, power_kw=-2.0, charged_counter_kwh=1.0, discharged_counter_kwh=2.0
    )
    assert run_on_from(own, STOP, 600) is None
    assert run_on_from(SELLING, STOP, None) is None
    assert run_on_from(counted, STOP, 120) is None


@pytest.mark.parametrize(
    ("down_s", "ran_s"), [(60, 60), (3600, 596)], ids=["short", "past_the_fail_safe"]
)
def test_the_run_on_is_booked_at_the_first_poll_after_the_start(
    down_s: int, ran_s: int
) -> None:
    """The first poll after the start books the run-on up to the start or the fail-safe."""
    started = STOP + timedelta(seconds=down_s)
    run_on = run_on_from(SELLING, STOP, 600)
    polled = DeviceSample(
        at=started - timedelta(seconds=1), power_kw=0.0, controlled=False
    )
    went_on = continue_from(
        run_on, None, polled, started_at=started, still_connected=True
    )
    assert went_on.run_on is not None
    flow, since, until = went_on.run_on
    assert (since, until - STOP) == (run_on, timedelta(seconds=ran_s))
    assert flow.exported_kwh == pytest.approx(7.2 * ran_s / 3600)
    # Polled before the mode was restored: it is still running V2G Home's command.
    assert went_on.sample.controlled
    assert went_on.sample.at == started
    assert went_on.previous is None


def test_a_car_gone_at_the_start_has_no_known_run_on() -> None:
    """Unplugged while Home Assistant was down: when it stopped selling is not known."""
    run_on = run_on_from(SELLING, STOP, 600)
    polled = DeviceSample(at=STOP + timedelta(seconds=60), power_kw=0.0)
    went_on = continue_from(
        run_on, None, polled, started_at=polled.at, still_connected=False
    )
    assert went_on.run_on is None


def test_counters_bridge_an_outage() -> None:
    """After a gap of any length, the first good poll counts from the last sample's counters."""
    before = DeviceSample(
        at=STOP, power_kw=-2.0, charged_counter_kwh=1.0, discharged_counter_kwh=2.0
    )
    after = DeviceSample(
        at=STOP + timedelta(hours=2),
        power_kw=0.0,
        charged_counter_kwh=1.0,
        discharged_counter_kwh=2.5,
    )
    went_on = continue_from(
        before, None, after, started_at=STOP - timedelta(hours=1), still_connected=True
    )
    assert (went_on.previous, went_on.sample, went_on.run_on) == (before, after, None)
