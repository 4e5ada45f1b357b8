"""What one device must do now: modes, overrides, and the plan, each behind the safety rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.v2g_home.control.decide import (
    Action,
    Command,
    Force,
    Situation,
    decide,
    force_refusal,
)
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.control.safety import Verdict

from .conftest import NOW, SETTINGS, car, pack


def _decide(**changes: object) -> Command:
    device = changes.pop("device", car())
    situation = Situation(
        device=device,  # type: ignore[arg-type]
        now=NOW,
        settings=changes.pop("settings", SETTINGS),  # type: ignore[arg-type]
        planned_kw=float(changes.pop("planned_kw", 0.0)),  # type: ignore[arg-type]
        **changes,  # type: ignore[arg-type]
    )
    return decide(situation)


def test_off_hands_the_device_back() -> None:
    """Off: the charger is under its own control; nothing is written."""
    command = _decide(device=car(mode=ControlMode.OFF), planned_kw=-7.4)
    assert command.action is Action.HAND_BACK


@pytest.mark.parametrize("mode", [ControlMode.CHARGE, ControlMode.HOLD])
def test_the_users_own_mode_runs_the_device(mode: ControlMode) -> None:
    """Charge and hold belong to the user; the plan does not touch them."""
    assert _decide(device=car(mode=mode), planned_kw=-7.4).action is Action.USER_MODE


def test_a_manual_discharge_above_the_reserve_goes_on() -> None:
    """Discharging by hand is the user's call while above the reserve, even below a trip target."""
    command = _decide(
        device=car(mode=ControlMode.DISCHARGE, soc_pct=40.0),
        departure=(NOW + timedelta(hours=2), 80.0),
    )
    assert command.action is Action.USER_MODE


def test_a_manual_discharge_at_the_reserve_is_put_on_hold() -> None:
    """At the reserve the device is switched to hold, with the reason."""
    command = _decide(device=car(mode=ControlMode.DISCHARGE, soc_pct=19.5))
    assert (command.action, command.verdict) == (Action.HOLD, Verdict.RESERVE_FLOOR)


def test_auto_follows_the_plan() -> None:
    """In auto the plan's setpoint is written when it is safe."""
    command = _decide(planned_kw=-7.4)
    assert (command.action, command.setpoint_kw, command.reason) == (
        Action.SETPOINT,
        -7.4,
        "plan",
    )


def test_a_plan_that_drains_the_car_after_a_trip_is_refused() -> None:
    """A planner bug once drained a returned car to 0 %: control refuses below the floor anyway."""
    command = _decide(device=car(soc_pct=18.0), planned_kw=-7.4)
    assert (command.setpoint_kw, command.verdict) == (0.0, Verdict.RESERVE_FLOOR)


def test_a_plan_below_the_departure_target_is_refused() -> None:
    """Before the morning trip the car keeps its departure target."""
    command = _decide(
        device=car(soc_pct=70.0),
        planned_kw=-7.4,
        departure=(NOW + timedelta(hours=12), 80.0),
    )
    assert (command.setpoint_kw, command.verdict) == (0.0, Verdict.DEPARTURE_FLOOR)


def test_scheduling_off_writes_zero() -> None:
    """With the scheduling switch off, a device in auto rests."""
    command = _decide(settings=SETTINGS.changed(enabled=False), planned_kw=3.7)
    assert (command.setpoint_kw, command.reason) == (0.0, "scheduling_off")


def test_an_unplugged_car_gets_zero() -> None:
    """A car that is not there is not commanded."""
    command = _decide(device=car(available=False), planned_kw=3.7)
    assert (command.setpoint_kw, command.reason) == (0.0, "unavailable")


def test_a_force_overrides_the_plan() -> None:
    """The user's forced export replaces the plan's setpoint until it ends."""
    force = Force(power_kw=-5.0, until=NOW + timedelta(hours=1))
    command = _decide(planned_kw=3.7, force=force)
    assert (command.setpoint_kw, command.reason, command.force_expired) == (
        -5.0,
        "force",
        False,
    )


def test_a_forced_export_still_stops_at_the_reserve() -> None:
    """A force is a wish, not a licence: the floors hold."""
    force = Force(power_kw=-5.0, until=NOW + timedelta(hours=1))
    command = _decide(device=car(soc_pct=20.0), force=force)
    assert (command.setpoint_kw, command.verdict) == (0.0, Verdict.RESERVE_FLOOR)


def test_a_force_ends_at_its_time_and_the_plan_takes_over() -> None:
    """An override past its end is reported expired and the plan's setpoint is used."""
    force = Force(power_kw=-5.0, until=NOW)
    command = _decide(planned_kw=1.5, force=force)
    assert (command.setpoint_kw, command.reason, command.force_expired) == (
        1.5,
        "plan",
        True,
    )


@pytest.mark.parametrize(
    ("power_kw", "target", "soc", "done"),
    [
        (3.7, 80.0, 80.0, True),  # charged up to the target
        (3.7, 80.0, 79.0, False),
        (-3.7, 30.0, 30.0, True),  # exported down to the target
        (-3.7, 30.0, 31.0, False),
        (3.7, 80.0, None, False),  # unknown SoC: the time limit decides
    ],
)
def test_a_force_ends_at_its_target_soc(
    power_kw: float, target: float, soc: float | None, done: bool
) -> None:
    """A force with a target SoC ends when the SoC gets there, in its direction."""
    force = Force(
        power_kw=power_kw, until=NOW + timedelta(hours=1), target_soc_pct=target
    )
    assert force.done(pack(soc_pct=soc), NOW) is done


def test_a_pack_in_auto_exports_when_the_plan_says_so() -> None:
    """Packs follow the same rules, with the reserve as their only floor."""
    command = _decide(
        device=pack(soc_pct=60.0),
        planned_kw=-5.0,
        departure=(NOW + timedelta(hours=1), 90.0),
    )
    assert (command.setpoint_kw, command.verdict) == (-5.0, Verdict.OK)


def test_a_car_with_unknown_soc_charges_briefly_to_report_it() -> None:
    """Plugged in, SoC unknown: a slow charge at the charger's minimum makes the SoC known."""
    command = _decide(device=car(soc_pct=None), planned_kw=-7.4, may_probe_soc=True)
    assert (command.setpoint_kw, command.reason) == (1.4, "learn_soc")
    quiet = _decide(device=car(soc_pct=None), planned_kw=-7.4, may_probe_soc=False)
    assert (quiet.setpoint_kw, quiet.verdict) == (0.0, Verdict.SOC_UNKNOWN)


def test_a_known_soc_or_a_pack_is_never_probed() -> None:
    """Only a car with an unknown SoC is probed; a force, or a plan that charges anyway, comes first."""
    assert _decide(device=car(), planned_kw=0.0, may_probe_soc=True).reason == "plan"
    charging = _decide(device=car(soc_pct=None), planned_kw=7.4, may_probe_soc=True)
    assert (charging.setpoint_kw, charging.reason) == (7.4, "plan")
    assert _decide(device=pack(soc_pct=None), may_probe_soc=True).reason == "plan"
    force = Force(power_kw=3.7, until=NOW + timedelta(hours=1))
    assert (
        _decide(device=car(soc_pct=None), force=force, may_probe_soc=True).reason
        == "force"
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"device": car(soc_pct=None)}, "soc_unknown"),
        ({"device": car(soc_pct=19.0)}, "reserve_floor"),
        ({"device": car(available=False)}, "unavailable"),
        ({"device": car(reading_age_s=None)}, "stale_reading"),
        ({"prices_known": False}, "stale_prices"),
        ({"device": car(mode=ControlMode.HOLD)}, "user_mode"),
        ({"settings": SETTINGS.changed(enabled=False)}, "scheduling_off"),
    ],
)
def test_why_a_forced_export_cannot_act(
    changes: dict[str, object], reason: str | None
) -> None:
    """The reason an action gets back instead of succeeding without effect."""
    force = Force(power_kw=-5.0, until=NOW + timedelta(hours=1))
    situation = Situation(
        device=changes.pop("device", car()),  # type: ignore[arg-type]
        now=NOW,
        settings=changes.pop("settings", SETTINGS),  # type: ignore[arg-type]
        planned_kw=0.0,
        force=force,
        **changes,  # type: ignore[arg-type]
    )
    assert force_refusal(situation) == reason


def test_a_force_whose_target_is_reached_is_refused() -> None:
    """Charging to 80 % when the car is at 85 % has nothing to do."""
    force = Force(power_kw=3.7, until=NOW + timedelta(hours=1), target_soc_pct=80.0)
    situation = Situation(
        device=car(soc_pct=85.0),
        now=NOW,
        settings=SETTINGS,
        planned_kw=0.0,
        force=force,
    )
    assert force_refusal(situation) == "target_reached"
