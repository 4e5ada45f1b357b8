"""Each safety rule on its own: what may be written, whatever the plan or a user's override asks."""

from __future__ import annotations

from datetime import timedelta
import math

import pytest

from custom_components.v2g_home.control.safety import (
    Floor,
    Verdict,
    at_soc_limit,
    floor_for,
    follows,
    manual_discharge_must_stop,
    poll_step_pct,
    safe_setpoint_kw,
)

from .conftest import NOW, SETTINGS, car, pack

RESERVE = Floor(soc_pct=20.0, verdict=Verdict.RESERVE_FLOOR)


def _safe(wanted_kw: float, **changes: object) -> tuple[float, Verdict]:
    prices_known = bool(changes.pop("prices_known", True))
    return safe_setpoint_kw(
        wanted_kw, car(**changes), floor=RESERVE, prices_known=prices_known
    )


@pytest.mark.parametrize("wanted", [math.nan, math.inf, -math.inf])
def test_a_setpoint_that_is_not_a_number_is_refused(wanted: float) -> None:
    """NaN or infinity never reaches a charger, in either direction."""
    assert _safe(wanted) == (0.0, Verdict.NOT_FINITE)


def test_a_safe_discharge_passes_unchanged() -> None:
    """Fresh readings, a known price and SoC above the floor: the wanted power is written."""
    assert _safe(-7.4) == (-7.4, Verdict.OK)


def test_charging_is_never_stopped_by_the_discharge_rules() -> None:
    """Charging takes energy in: stale readings, unknown prices or SoC do not stop it."""
    assert _safe(3.7, reading_age_s=None, soc_pct=None, prices_known=False) == (
        3.7,
        Verdict.OK,
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"reading_age_s": 21.0},  # more than two polls of 10 s
        {"reading_age_s": None},  # no good reading yet, or the device went away
        {"answering": False},  # the latest poll failed
        {"reading_age_s": math.nan},
        {"reading_age_s": -5.0},  # a reading from the future is not trusted
    ],
)
def test_no_export_on_stale_readings_or_a_silent_device(
    changes: dict[str, object],
) -> None:
    """Export stops when the readings are old or the device does not answer."""
    assert _safe(-7.4, **changes) == (0.0, Verdict.STALE_READING)


def test_readings_two_polls_old_are_still_fresh() -> None:
    """The edge: exactly two poll intervals old still counts."""
    assert _safe(-7.4, reading_age_s=20.0)[1] is Verdict.OK


def test_no_export_on_stale_prices() -> None:
    """Without a price for now, nothing is exported."""
    assert _safe(-7.4, prices_known=False) == (0.0, Verdict.STALE_PRICES)


@pytest.mark.parametrize("soc", [None, math.nan, -3.0, 180.0])
def test_no_export_while_the_soc_is_unknown_or_garbage(soc: float | None) -> None:
    """A car whose SoC is not known (or not believable) is never discharged."""
    assert _safe(-7.4, soc_pct=soc) == (0.0, Verdict.SOC_UNKNOWN)


@pytest.mark.parametrize("soc", [20.0, 12.0, 0.0])
def test_never_below_the_reserve(soc: float) -> None:
    """At or below the reserve, a discharge is refused whatever asked for it."""
    assert _safe(-7.4, soc_pct=soc) == (0.0, Verdict.RESERVE_FLOOR)


def test_the_departure_target_is_the_floor_of_a_car_before_its_trip() -> None:
    """Before a departure the car's floor is the trip target when that is above the reserve."""
    departure = (NOW + timedelta(hours=10), 80.0)
    floor = floor_for(car(), SETTINGS, departure)
    assert floor == Floor(soc_pct=80.0, verdict=Verdict.DEPARTURE_FLOOR)
    assert safe_setpoint_kw(
        -7.4, car(soc_pct=79.0), floor=floor, prices_known=True
    ) == (0.0, Verdict.DEPARTURE_FLOOR)
    assert safe_setpoint_kw(-7.4, car(soc_pct=81.0), floor=floor, prices_known=True)[
        0
    ] == pytest.approx(-7.4)


def test_the_reserve_stays_the_floor_when_it_is_higher_than_the_trip_target() -> None:
    """A trip target below the reserve never lowers the floor."""
    floor = floor_for(car(), SETTINGS, (NOW + timedelta(hours=1), 10.0))
    assert floor == RESERVE


def test_a_pack_has_no_departure_floor() -> None:
    """Departures are for cars; a pack keeps the reserve."""
    assert floor_for(pack(), SETTINGS, (NOW + timedelta(hours=1), 80.0)) == RESERVE


def test_a_manual_discharge_stops_at_the_reserve_not_at_the_trip_target() -> None:
    """The user chose to discharge now: only the reserve stops it."""
    assert not manual_discharge_must_stop(car(soc_pct=60.0), SETTINGS)
    assert manual_discharge_must_stop(car(soc_pct=20.0), SETTINGS)
    assert not manual_discharge_must_stop(car(soc_pct=None), SETTINGS)


def test_a_manual_discharge_stops_one_poll_short_of_the_reserve() -> None:
    """At the power it runs at (or the device's most before it runs), one poll before the reserve."""
    running = pack(soc_pct=20.15, power_kw=-5.0)  # 0.21 % a poll at 5 kW
    assert manual_discharge_must_stop(running, SETTINGS)
    assert not manual_discharge_must_stop(pack(soc_pct=20.15, power_kw=-1.0), SETTINGS)
    assert manual_discharge_must_stop(pack(soc_pct=20.15, power_kw=0.0), SETTINGS)
    assert not manual_discharge_must_stop(pack(soc_pct=20.3, power_kw=None), SETTINGS)


def test_read_back_allows_rounding_to_amps() -> None:
    """0.5 kW or 15 % off the setpoint still counts as followed."""
    assert follows(-7.4, -6.4)
    assert follows(1.0, 1.45)
    assert not follows(-7.4, 0.0)


def test_a_full_or_empty_battery_explains_a_setpoint_not_followed() -> None:
    """Near 100 % charging stops by itself, near 0 % discharging does."""
    assert at_soc_limit(car(soc_pct=99.0), 3.7)
    assert at_soc_limit(car(soc_pct=1.0), -3.7)
    assert not at_soc_limit(car(soc_pct=50.0), 3.7)
    assert not at_soc_limit(car(soc_pct=None), -3.7)


def test_a_discharge_stops_one_poll_short_of_the_floor() -> None:
    """Between two checks a pack at 5 kW moves 0.21 % (15 s of 10 kWh): it stops that far above the reserve."""
    step = poll_step_pct(pack(), -5.0)
    assert step == pytest.approx(5 * 15 / 3600 / 10 * 100)
    assert safe_setpoint_kw(
        -5.0, pack(soc_pct=20.0 + step / 2), floor=RESERVE, prices_known=True
    ) == (0.0, Verdict.RESERVE_FLOOR)
    assert safe_setpoint_kw(
        -5.0, pack(soc_pct=20.0 + step * 2), floor=RESERVE, prices_known=True
    ) == (-5.0, Verdict.OK)
    # A slower discharge may go closer.
    assert safe_setpoint_kw(
        -1.0, pack(soc_pct=20.0 + step / 2), floor=RESERVE, prices_known=True
    ) == (-1.0, Verdict.OK)
