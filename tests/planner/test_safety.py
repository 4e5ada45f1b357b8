"""Safety: the floor holds after trips, impossible inputs are refused, nothing drains below 0 %."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
import random

import pytest

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    InfeasibilityKind,
    Plan,
    PlanningProblem,
    Site,
    Slot,
    StorageDevice,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan

from .lp_reference import solve_lp
from .scenarios import leaf, pack, problem_for

START = datetime(2024, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
PRICES = [0.5, 0.6, 2.0, 2.0, 0.3, 0.3, 2.0, 2.5, 1.0, 1.0, 3.0, 3.0]


def hourly(prices: list[float], **extra: float) -> tuple[Slot, ...]:
    """Hourly slots from START, buy = sell."""
    return tuple(
        Slot(
            start=START + i * HOUR,
            duration=HOUR,
            buy_price_per_kwh=p,
            sell_price_per_kwh=p,
            **extra,
        )
        for i, p in enumerate(prices)
    )


def commuter(leave: int, back: int, trip_kwh: float, **changes: object) -> object:
    """The Leaf away from slot `leave` to slot `back` on a trip taking `trip_kwh`."""
    return leaf(
        availability=(
            AvailabilityWindow(start=START, end=START + leave * HOUR),
            AvailabilityWindow(start=START + back * HOUR, end=START + 48 * HOUR),
        ),
        departures=(
            Departure(
                time=START + leave * HOUR, target_soc=0.0, trip_energy_kwh=trip_kwh
            ),
        ),
        wear_per_kwh=0.0,
        **changes,
    )


def discharges_below_floor(result: Plan, device: StorageDevice) -> list[int]:
    """Slots in which the plan discharges while it is, or ends, below the device's floor."""
    floor = (
        max(device.soc_min, device.reserve_soc) - 1e-6
    )  # solver noise: 37 mWh on a Leaf
    own = result.device(device.device_id)
    return [
        t
        for t, power in enumerate(own.setpoint_kw)
        if power < -1e-9 and min(own.soc[t], own.soc[t + 1]) < floor
    ]


def test_the_floor_holds_after_a_trip_that_takes_the_car_below_it() -> None:
    # 30 % is 11.1 kWh; a 10 kWh trip would leave 1.1 kWh, below the 20 % floor (7.4 kWh).
    car = commuter(2, 5, 10.0, initial_soc=0.3)
    result = plan(PlanningProblem(slots=hourly(PRICES), devices=(car,)))
    soc = result.device("leaf").soc
    assert result.feasible
    assert soc[2] >= (10.0 + 0.2 * 37) / 37 - 1e-7  # trip energy on top of the floor
    assert min(soc[3:]) >= 0.2 - 1e-7
    reference = solve_lp(
        PlanningProblem(slots=hourly(PRICES), devices=(car,)), single_setpoint=True
    )
    assert result.objective == pytest.approx(reference.objective, abs=1e-4)


def test_a_trip_that_cannot_be_charged_for_never_makes_the_soc_negative() -> None:
    car = commuter(2, 5, 30.0, initial_soc=0.3)
    result = plan(PlanningProblem(slots=hourly(PRICES), devices=(car,)))
    own = result.device("leaf")
    (problem,) = result.infeasibilities
    assert problem.kind is InfeasibilityKind.DEPARTURE_TARGET
    assert own.setpoint_kw[:2] == pytest.approx((7.4, 7.4))  # all it can before leaving
    assert min(own.soc) >= 0.0
    assert (
        discharges_below_floor(result, car) == []
    )  # back below the floor: it only climbs
    assert min(own.setpoint_kw) >= 0.0


def test_an_unreachable_departure_target_does_not_drain_the_car_afterwards() -> None:
    car = leaf(
        initial_soc=0.3,
        departures=(
            Departure(time=START + 2 * HOUR, target_soc=0.9, trip_energy_kwh=5.0),
        ),
        wear_per_kwh=0.0,
    )
    result = plan(PlanningProblem(slots=hourly(PRICES), devices=(car,)))
    assert [p.kind for p in result.infeasibilities] == [
        InfeasibilityKind.DEPARTURE_TARGET
    ]
    assert min(result.device("leaf").soc) >= 0.2 - 1e-7


def test_below_its_floor_a_battery_never_discharges() -> None:
    # Starting at 10 % under a 20 % floor: cheap, dear, cheap, dear would tempt a cycle.
    low = leaf(initial_soc=0.1, wear_per_kwh=0.0)
    result = plan(
        PlanningProblem(slots=hourly([0.1, 3.0, 0.1, 3.0, 0.1, 3.0]), devices=(low,))
    )
    assert discharges_below_floor(result, low) == []
    assert result.device("leaf").setpoint_kw[0] > 0
    # A departure that requires the floor lifts it: from then on it may work again.
    lifted = leaf(
        initial_soc=0.1,
        wear_per_kwh=0.0,
        departures=(Departure(time=START + 2 * HOUR, target_soc=0.5),),
    )
    result = plan(
        PlanningProblem(slots=hourly([0.1, 0.1, 0.1, 3.0, 0.1, 3.0]), devices=(lifted,))
    )
    assert result.device("leaf").setpoint_kw[3] < 0
    assert discharges_below_floor(result, lifted) == []


def test_the_reserve_is_a_floor_like_soc_min() -> None:
    kept = pack("p", initial_soc=0.6, reserve_soc=0.5, wear_per_kwh=0.0)
    result = plan(
        PlanningProblem(slots=hourly([0.1, 3.0, 3.0, 3.0, 3.0]), devices=(kept,))
    )
    assert min(result.device("p").soc) >= 0.5 - 1e-7
    assert min(result.device("p").setpoint_kw) < 0


@pytest.mark.parametrize("seed", range(12))
def test_random_commutes_keep_every_floor(seed: int) -> None:
    rng = random.Random(seed)
    prices = [rng.uniform(-0.3, 3.0) for _ in range(36)]
    leave = rng.randrange(1, 20)
    back = leave + rng.randrange(1, 10)
    car = commuter(
        leave,
        back,
        rng.uniform(0.0, 37.0),
        initial_soc=rng.uniform(0.0, 1.0),
        reserve_soc=rng.uniform(0.0, 0.5),
        min_power_kw=1.38 if seed % 2 else 0.0,  # the Quasar's dead band on odd seeds
    )
    batteries = (car, pack("p", initial_soc=rng.uniform(0, 1), reserve_soc=0.3))
    result = plan(
        PlanningProblem(
            slots=hourly(prices, house_load_kw=rng.uniform(0, 3)),
            devices=batteries,
            site=Site(import_limit_kw=rng.choice([10.0, math.inf])),
        )
    )
    for device in batteries:
        soc = result.device(device.device_id).soc
        assert min(soc) >= -1e-7
        assert max(soc) <= max(1.0, device.initial_soc) + 1e-7
        assert discharges_below_floor(result, device) == []
    assert all(math.isfinite(p) for d in result.devices for p in d.setpoint_kw)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("field", ["buy_price_per_kwh", "sell_price_per_kwh"])
def test_non_finite_prices_are_refused(field: str, bad: float) -> None:
    values = {"buy_price_per_kwh": 1.0, "sell_price_per_kwh": 1.0, field: bad}
    with pytest.raises(ValueError, match=field):
        Slot(start=START, duration=HOUR, **values)


@pytest.mark.parametrize("field", ["house_load_kw", "solar_kw"])
def test_non_finite_load_and_solar_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        hourly([1.0], **{field: math.nan})
    with pytest.raises(ValueError, match=field):
        hourly([1.0], **{field: math.inf})


def test_negative_solar_is_refused() -> None:
    with pytest.raises(ValueError, match="solar_kw"):
        hourly([1.0], solar_kw=-1.0)


@pytest.mark.parametrize("soc", [math.nan, -0.2, 1.5, math.inf])
def test_impossible_states_of_charge_are_refused(soc: float) -> None:
    with pytest.raises(ValueError, match="initial_soc"):
        leaf(initial_soc=soc)
    with pytest.raises(ValueError, match="reserve_soc"):
        leaf(reserve_soc=soc)
    with pytest.raises(ValueError, match="end_soc_min"):
        leaf(end_soc_min=soc)
    with pytest.raises(ValueError, match="target_soc"):
        Departure(time=START, target_soc=soc)


@pytest.mark.parametrize(
    "field",
    ["capacity_kwh", "max_charge_kw", "max_discharge_kw", "wear_per_kwh", "soc_min"],
)
def test_non_finite_device_settings_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field if field != "soc_min" else "soc_min"):
        leaf(**{field: math.nan})


def test_a_trip_larger_than_the_battery_is_refused() -> None:
    too_far = Departure(time=START + HOUR, target_soc=0.0, trip_energy_kwh=50.0)
    with pytest.raises(ValueError, match="more than the battery"):
        leaf(departures=(too_far,))
    with pytest.raises(ValueError, match="trip_energy_kwh"):
        Departure(time=START, target_soc=0.5, trip_energy_kwh=math.nan)
    with pytest.raises(ValueError, match="trip_energy_kwh"):
        Departure(time=START, target_soc=0.5, trip_energy_kwh=-1.0)
    with pytest.raises(ValueError, match="timezone"):
        Departure(time=datetime(2024, 1, 1), target_soc=0.5)


def test_site_and_terminal_value_refuse_nan() -> None:
    with pytest.raises(ValueError, match="import_limit_kw"):
        Site(import_limit_kw=math.nan)
    with pytest.raises(ValueError, match="export_limit_kw"):
        Site(export_limit_kw=-1.0)
    assert Site(import_limit_kw=math.inf).import_limit_kw == math.inf
    with pytest.raises(ValueError, match="price_per_kwh"):
        TerminalValue(price_per_kwh=math.nan)
    with pytest.raises(ValueError, match="quantile"):
        TerminalValue(quantile=1.5)


def test_a_real_day_with_a_commute_matches_the_reference_with_the_trip_floor() -> None:
    problem = problem_for("2024-11-05", with_departure=True)
    car = problem.devices[0]
    low_start = StorageDevice(
        **{**car.__dict__, "initial_soc": 0.25, "reserve_soc": 0.3}
    )
    shifted = PlanningProblem(slots=problem.slots, devices=(low_start,))
    result = plan(shifted)
    reference = solve_lp(shifted, single_setpoint=True)
    assert result.objective == pytest.approx(reference.objective, rel=1e-3, abs=1e-3)
    assert discharges_below_floor(result, low_start) == []
