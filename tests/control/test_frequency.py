"""When a grid frequency reading may drive a response (pure)."""

from __future__ import annotations

from datetime import timedelta
import math

import pytest

from custom_components.v2g_home.control.frequency import (
    FrequencyReading,
    FrequencySource,
    FrequencyVerdict,
    judge,
)

from .conftest import NOW


def _reading(
    hz: float | None, age_s: float = 0.3, **changes: object
) -> FrequencyReading:
    values: dict[str, object] = {
        "hz": hz,
        "measured_at": NOW - timedelta(seconds=age_s),
        "source": FrequencySource.METER,
        **changes,
    }
    return FrequencyReading(**values)  # type: ignore[arg-type]


def test_a_fresh_reading_in_the_band_is_acted_on() -> None:
    """49.7 Hz read 0.3 s ago: respond to 49.7 Hz."""
    assert judge(_reading(49.7), NOW) == (49.7, FrequencyVerdict.OK)


def test_no_source_means_no_response() -> None:
    """Nothing configured and no DER device: the reason says so."""
    assert judge(None, NOW) == (None, FrequencyVerdict.NO_SOURCE)


@pytest.mark.parametrize("age_s", [2.01, 30.0, -2.5])
def test_a_reading_older_than_2_s_or_from_the_future_is_stale(age_s: float) -> None:
    """More than 2 s old (or ahead of the clock) is stale."""
    assert judge(_reading(49.7, age_s), NOW) == (None, FrequencyVerdict.STALE)


def test_a_reading_2_s_old_is_still_fresh() -> None:
    """The limit itself is fresh."""
    assert judge(_reading(50.02, 2.0), NOW) == (50.02, FrequencyVerdict.OK)


@pytest.mark.parametrize("hz", [46.99, 53.01, 0.0, 1000.0])
def test_a_frequency_outside_47_to_53_hz_is_refused(hz: float) -> None:
    """Beyond the band: garbage or not a grid to support."""
    assert judge(_reading(hz), NOW) == (None, FrequencyVerdict.OUT_OF_BAND)


@pytest.mark.parametrize("hz", [math.nan, math.inf, -math.inf])
def test_a_frequency_that_is_no_number_is_refused(hz: float) -> None:
    """NaN and infinities never become a setpoint."""
    assert judge(_reading(hz), NOW) == (None, FrequencyVerdict.NOT_FINITE)


def test_a_source_that_gave_no_value_is_unreadable_or_garbage() -> None:
    """An error is unreadable; no value and no error (a state like 'unknown') is not a number."""
    assert judge(_reading(None, error="timeout"), NOW) == (
        None,
        FrequencyVerdict.UNREADABLE,
    )
    assert judge(_reading(None), NOW) == (None, FrequencyVerdict.NOT_FINITE)
