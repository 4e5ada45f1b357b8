"""Tests for the backtest simulation: price publication, trips, dead band and accounting."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from custom_components.v2g_home.planner.backtest_horizon import (
    known_until,
    trips_on_slots,
)
from custom_components.v2g_home.planner.backtest_report import Totals
from custom_components.v2g_home.planner.backtest_sim import (
    SimulationRun,
    market_slots,
    simulate,
)
from custom_components.v2g_home.planner.backtest_site import DeviceSpec, SiteSpec, Trip
from custom_components.v2g_home.planner.backtest_site_yaml import load_site
from custom_components.v2g_home.planner.model import Slot
from custom_components.v2g_home.planner.price_files import DANISH_TIME, load_price_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "backtest"
ELSPOT = FIXTURES / "elspotprices_dk1_2023-10-26_2023-11-01.csv"
SITE = load_site(FIXTURES / "site_leaf_and_pack.yaml")


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=DANISH_TIME)


@pytest.mark.parametrize(
    ("moment", "known"),
    [
        (_local(2024, 3, 30, 12, 59), _local(2024, 3, 31)),
        (_local(2024, 3, 30, 13, 0), _local(2024, 4, 1)),  # across the 23-hour day
        (_local(2024, 3, 31, 0, 0), _local(2024, 4, 1)),
        (_local(2023, 10, 28, 23, 0), _local(2023, 10, 30)),  # across the 25-hour day
    ],
)
def test_tomorrows_prices_are_known_from_13_danish_time(
    moment: datetime, known: datetime
) -> None:
    assert known_until(moment.astimezone(UTC)) == known


def _hourly_slots(first: datetime, hours: int) -> list[Slot]:
    return [
        Slot(
            start=first + timedelta(hours=h),
            duration=timedelta(hours=1),
            buy_price_per_kwh=1,
            sell_price_per_kwh=1,
        )
        for h in range(hours)
    ]


def test_a_trip_takes_the_whole_slots_it_touches() -> None:
    slots = _hourly_slots(_local(2024, 1, 1).astimezone(UTC), 48)  # Monday and Tuesday
    trip = Trip(
        weekdays=frozenset({0}),
        leave=time(7, 30),
        back=time(16, 30),
        energy_kwh=5,
        target_soc=0.6,
    )
    device = DeviceSpec(
        name="car",
        capacity_kwh=37,
        soc_min=0.2,
        soc_max=0.9,
        soc_start=0.5,
        charge_power_kw=7.4,
        discharge_power_kw=7.4,
        charge_efficiency=0.92,
        discharge_efficiency=0.92,
        trips=(trip,),
    )
    (away,) = trips_on_slots(device, slots)
    assert (away.leave, away.back, away.energy_kwh, away.target_soc) == (
        7,
        17,
        5.0,
        0.6,
    )


def _site_run(
    *, perfect_foresight: bool = False, replan_every_slot: bool = False
) -> tuple[list[Slot], SimulationRun]:
    prices = load_price_file(ELSPOT)
    slots = list(market_slots(prices, SITE))
    run = simulate(
        slots,
        SITE,
        perfect_foresight=perfect_foresight,
        replan_every_slot=replan_every_slot,
    )
    return slots, run


def test_car_is_idle_while_away_and_setpoints_respect_the_dead_band() -> None:
    slots, run = _site_run()
    leaf = SITE.devices[0]
    away = {
        i for trip in trips_on_slots(leaf, slots) for i in range(trip.leave, trip.back)
    }
    assert away  # the fixture week has weekdays
    leaf_power = [setpoints[0] for setpoints in run.setpoints_kw]
    assert all(abs(leaf_power[i]) < 1e-9 for i in away)
    assert all(abs(p) < 1e-9 or abs(p) >= leaf.min_power_kw - 1e-9 for p in leaf_power)
    assert max(leaf_power) <= leaf.charge_power_kw + 1e-9
    assert any(p > 1 for p in leaf_power)


def test_soc_stays_in_its_window_and_trips_leave_at_the_target() -> None:
    slots, run = _site_run()
    for number, device in enumerate(SITE.devices):
        energy = device.soc_start * device.capacity_kwh
        departures = {trip.leave: trip for trip in trips_on_slots(device, slots)}
        for index, setpoints in enumerate(run.setpoints_kw):
            trip = departures.get(index)
            if trip is not None:
                assert energy >= trip.target_soc * device.capacity_kwh - 1e-3
                energy -= trip.energy_kwh
            power = setpoints[number]
            energy += power * (
                device.charge_efficiency
                if power > 0
                else 1 / device.discharge_efficiency
            )
            assert (
                device.soc_min * device.capacity_kwh - 1e-3
                <= energy
                <= device.soc_max * device.capacity_kwh + 1e-3
            )
    assert run.unmet_kwh == pytest.approx(0, abs=1e-3)


def _charged_on_arrival(slots: list[Slot], back: int, grid_kwh: float) -> float:
    """The bill for a plain 7.4 kW charger that refills the car from the moment it is back."""
    cost = 0.0
    for slot in slots[back:]:
        bought = min(grid_kwh, 7.4 * slot.hours)
        cost += bought * slot.buy_price_per_kwh
        grid_kwh -= bought
    return cost


def test_net_profit_is_the_bill_saved_against_a_plain_charger_less_wear() -> None:
    slots, run = _site_run()
    leaf = SITE.devices[0]
    bill_without = sum(slot.house_load_kw * slot.buy_price_per_kwh for slot in slots)
    trips = trips_on_slots(leaf, slots)
    assert len(trips) == 5  # a weekday commute, Thursday to Wednesday
    bill_without += sum(_charged_on_arrival(slots, t.back, 6 / 0.92) for t in trips)
    bill_with = 0.0
    wear = 0.0
    for slot, setpoints in zip(slots, run.setpoints_kw, strict=True):
        grid_kw = slot.house_load_kw + sum(setpoints)
        bill_with += grid_kw * (
            slot.buy_price_per_kwh if grid_kw > 0 else slot.sell_price_per_kwh
        )
        wear += sum(
            max(-p, 0) * d.wear_per_kwh
            for p, d in zip(setpoints, SITE.devices, strict=True)
        )
    total = sum((totals for _, totals in run.months), start=Totals())
    assert total.net_profit == pytest.approx(bill_without - bill_with - wear, abs=1e-6)
    assert total.energy_to_home_kwh > 0


def test_replanning_every_slot_earns_what_replanning_on_news_earns() -> None:
    site = SiteSpec(
        devices=(SITE.devices[1],), tariff=SITE.tariff, house_load=SITE.house_load
    )
    slots = market_slots(load_price_file(ELSPOT), site)
    on_news = simulate(slots, site)
    every_slot = simulate(slots, site, replan_every_slot=True)
    # The first slot and six publications, plus a re-plan whenever the battery left the plan.
    assert 7 <= len(on_news.plan_ms) < len(slots) / 10
    assert len(every_slot.plan_ms) == len(slots)
    profit = [sum(t.net_profit for _, t in run.months) for run in (on_news, every_slot)]
    assert profit[0] > 0
    # Equal but for the planner's own rounding heuristics (negative prices, dead band): see docs/backtest.md.
    assert profit[0] == pytest.approx(profit[1], rel=0.01)


def test_perfect_foresight_plans_once_and_ends_at_least_at_the_start_soc() -> None:
    _, run = _site_run(perfect_foresight=True)
    for _, start_soc, end_soc in run.end_soc:
        assert end_soc >= start_soc - 1e-6
    assert len(run.plan_ms) <= 3


def test_a_trip_the_car_cannot_make_counts_as_unmet_energy() -> None:
    car = DeviceSpec(
        name="car",
        capacity_kwh=10,
        soc_min=0.0,
        soc_max=1.0,
        soc_start=0.1,
        charge_power_kw=0.5,
        discharge_power_kw=0.5,
        charge_efficiency=0.92,
        discharge_efficiency=0.92,
        trips=(
            Trip(
                weekdays=frozenset(range(7)),
                leave=time(0, 30),
                back=time(5),
                energy_kwh=5,
                target_soc=0.0,
            ),
        ),
    )
    site = SiteSpec(devices=(car,))
    run = simulate(market_slots(load_price_file(ELSPOT), site), site)
    assert run.unmet_kwh == pytest.approx(
        4.0
    )  # 1 kWh aboard at the first departure, 5 kWh needed
    assert run.end_soc[0][2] >= 0.0


def test_rolling_plans_at_the_start_and_at_each_13_oclock_publication() -> None:
    day_ahead = FIXTURES / "dayaheadprices_dk1_2024-03-30_2024-04-01.csv"
    site = SiteSpec(devices=(SITE.devices[1],))
    slots = market_slots(
        load_price_file(day_ahead), site
    )  # 15-minute slots over the 23-hour day
    run = simulate(slots, site)
    # 00:00 on the 30th, then 13:00 on the 30th and the 31st; the 1st's publication adds nothing.
    assert len(run.plan_ms) == 3
    assert run.period == (_local(2024, 3, 30).date(), _local(2024, 4, 1).date())
    assert len(run.setpoints_kw) == (24 + 23 + 24) * 4


def test_a_commute_below_the_floor_keeps_it_and_nothing_is_refused() -> None:
    # 30 % is 11.1 kWh; a 10 kWh trip from there would come back below the 20 % floor.
    car = DeviceSpec(
        name="car",
        capacity_kwh=37,
        soc_min=0.2,
        soc_max=0.9,
        soc_start=0.3,
        charge_power_kw=7.4,
        discharge_power_kw=7.4,
        charge_efficiency=0.92,
        discharge_efficiency=0.92,
        wear_per_kwh=0.05,
        trips=(
            Trip(
                weekdays=frozenset(range(5)),
                leave=time(7),
                back=time(17),
                energy_kwh=10,
                target_soc=0.3,
            ),
        ),
    )
    site = SiteSpec(devices=(car,))
    slots = market_slots(load_price_file(ELSPOT), site)
    rolling = simulate(slots, site)
    foresight = simulate(slots, site, perfect_foresight=True)
    for run in (rolling, foresight):
        assert run.refused_kwh == pytest.approx(0.0, abs=1e-4)
        assert run.unmet_kwh == pytest.approx(0.0, abs=1e-3)
        energy = car.soc_start * car.capacity_kwh
        departures = {trip.leave: trip for trip in trips_on_slots(car, slots)}
        for index, (power,) in enumerate(run.setpoints_kw):
            trip = departures.get(index)
            energy -= 0.0 if trip is None else trip.energy_kwh
            energy += power * (0.92 if power > 0 else 1 / 0.92)
            assert energy >= car.soc_min * car.capacity_kwh - 1e-3
    profit = [sum(t.net_profit for _, t in r.months) for r in (rolling, foresight)]
    assert profit[1] >= profit[0] - 1e-6
