"""Each family of reserve constraints, on problems small enough to work out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Slot,
    StorageDevice,
    TerminalValue,
)
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.reserve_model import (
    ReserveMarket,
    ReserveOffer,
)
from custom_components.v2g_home.planner.reserve_products import PRODUCTS

from .reserve_scenarios import held, rule_violations

START = datetime(2025, 5, 5, 22, tzinfo=UTC)  # Danish midnight (CEST)
PRICE = 0.3  # DKK per kW and hour


def _slots(
    hours: int, *, quarter: bool = False, buy: float = 1.0, sell: float = 0.0
) -> tuple[Slot, ...]:
    step = timedelta(minutes=15 if quarter else 60)
    count = hours * (4 if quarter else 1)
    return tuple(
        Slot(
            start=START + i * step,
            duration=step,
            buy_price_per_kwh=buy,
            sell_price_per_kwh=sell,
        )
        for i in range(count)
    )


def _car(**changes: object) -> StorageDevice:
    values: dict[str, object] = {
        "device_id": "car",
        "capacity_kwh": 100.0,
        "initial_soc": 0.5,
        "max_charge_kw": 10.0,
        "max_discharge_kw": 10.0,
        "soc_min": 0.2,
        "soc_max": 0.9,
        "charge_efficiency": 0.9,
        "discharge_efficiency": 0.9,
    }
    values.update(changes)
    return StorageDevice(**values)  # type: ignore[arg-type]


def _problem(
    keys: tuple[str, ...],
    *,
    hours: int = 3,
    car: StorageDevice | None = None,
    slots: tuple[Slot, ...] | None = None,
    **market: object,
) -> PlanningProblem:
    slots = slots or _slots(hours)
    hour_starts = {s.start.replace(minute=0) for s in slots}
    prices = market.pop("prices", None) or {
        k: dict.fromkeys(hour_starts, PRICE) for k in keys
    }
    return PlanningProblem(
        slots=slots,
        devices=(car or _car(),),
        terminal_value=TerminalValue(price_per_kwh=0.5),
        reserves=ReserveMarket(
            products=tuple(PRODUCTS[k] for k in keys),
            prices=prices,  # type: ignore[arg-type]
            offers=market.pop("offers", None) or (ReserveOffer(device_id="car"),),  # type: ignore[arg-type]
            aggregator_share=market.pop("share", 0.4),  # type: ignore[arg-type]
            **market,  # type: ignore[arg-type]
        ),
    )


def _held(problem: PlanningProblem) -> dict[str, list[float]]:
    result = plan(problem)
    assert not rule_violations(problem, result)
    return {k: [round(v, 4) for v in kw] for k, kw in held(result, "car").items()}


@pytest.mark.parametrize(
    ("key", "expected"),
    [("fcr_n", 10 / 1.34), ("fcr_d_up", 10.0), ("fcr_d_down", 10.0), ("mfrr_up", 10.0)],
)
def test_headroom_limits_the_reserve(key: str, expected: float) -> None:
    # Plenty of energy; charging or discharging to make room costs more than it earns
    # (a stored kWh is worth 0.5, a bought one costs 1, a sold one earns 0).
    kw = _held(_problem((key,)))[key]
    assert kw == [round(expected, 4)] * 3


def test_fcr_d_holds_a_fifth_the_other_way() -> None:
    # FCR-D up and down at once: p + rU + 0.2 rD <= 10 and -p + rD + 0.2 rU <= 10.
    kw = _held(_problem(("fcr_d_up", "fcr_d_down")))
    assert [
        u + 0.2 * d for u, d in zip(kw["fcr_d_up"], kw["fcr_d_down"], strict=True)
    ] == pytest.approx([10.0] * 3, abs=1e-3)
    assert sum(kw["fcr_d_up"]) + sum(kw["fcr_d_down"]) == pytest.approx(
        3 * 2 * 10 / 1.2, abs=1e-2
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [("fcr_n", 3.0 * 0.9), ("fcr_d_up", 3.0 * 0.9 * 3), ("mfrr_up", 2.7)],
)
def test_stored_energy_above_the_floor_limits_the_first_hour(
    key: str, expected: float
) -> None:
    # 10 kWh at 50 % with a 20 % floor: 3 kWh above it when the hour starts, 90 % out.
    car = _car(capacity_kwh=10.0)
    kw = _held(_problem((key,), car=car))[key]
    assert kw[0] == pytest.approx(
        min(expected, 10.0 / PRODUCTS[key].up_factor), abs=1e-3
    )


@pytest.mark.parametrize(
    ("key", "expected"), [("fcr_n", 0.5 / 0.9), ("fcr_d_down", 1.5 / 0.9)]
)
def test_room_below_the_top_limits_the_first_hour(key: str, expected: float) -> None:
    # 10 kWh at 85 % with a 90 % top: room for 0.5 kWh, taken in at 90 %.
    car = _car(capacity_kwh=10.0, initial_soc=0.85)
    kw = _held(_problem((key,), car=car))[key]
    assert kw[0] == pytest.approx(expected, abs=1e-3)


def test_the_rule_holds_at_the_end_of_the_hour_too() -> None:
    # Leaving at 01:00 with 80 % of 10 kWh: at the hour's end FCR-N must fit above the target.
    car = _car(
        capacity_kwh=10.0,
        initial_soc=0.8,
        departures=(Departure(time=START + timedelta(hours=1), target_soc=0.8),),
        availability=(AvailabilityWindow(start=START, end=START + timedelta(hours=1)),),
    )
    problem = _problem(("fcr_n",), car=car, slots=_slots(1))
    kw = _held(problem)["fcr_n"]
    # The plan may charge in the hour to lift the end; the start rule (E0 - 2 kWh) / 0.9 is 5.4 kW,
    # the top rule (9 - E) >= 0.9 r binds: with E1 = 8 + 0.9 c and -p = c, 1.34 r + c <= 10.
    result = plan(problem)
    energy_end = result.device("car").soc[1] * 10.0
    assert (energy_end - 8.0) * 0.9 >= kw[0] - 1e-6
    assert (9.0 - energy_end) >= 0.9 * kw[0] - 1e-6


def test_only_hours_plugged_in_throughout_hold_a_reserve() -> None:
    slots = _slots(4, quarter=True)
    car = _car(
        availability=(
            AvailabilityWindow(start=START + timedelta(minutes=30), end=slots[-1].end),
        )
    )
    kw = _held(_problem(("fcr_n",), car=car, slots=slots))["fcr_n"]
    assert kw[:4] == [0.0] * 4  # plugged in at 00:30: not the whole first hour
    assert min(kw[4:]) > 1.0


def test_a_reserve_is_the_same_in_every_quarter_of_its_hour() -> None:
    prices = {"fcr_n": {START + timedelta(hours=h): 0.1 + 0.2 * h for h in range(3)}}
    slots = _slots(3, quarter=True, buy=1.0, sell=0.5)
    kw = _held(_problem(("fcr_n",), slots=slots, prices=prices))["fcr_n"]
    for hour in range(3):
        assert len(set(kw[4 * hour : 4 * hour + 4])) == 1


def test_dk1_fcr_is_sold_in_four_hour_blocks_of_danish_time() -> None:
    # 2025-03-30: the clocks skip 02:00, so the first block (00-04 Danish time) has three hours.
    start = datetime(2025, 3, 29, 23, tzinfo=UTC)
    slots = tuple(
        Slot(
            start=start + timedelta(hours=h),
            duration=timedelta(hours=1),
            buy_price_per_kwh=1.0,
            sell_price_per_kwh=0.0,
        )
        for h in range(23)
    )
    prices = {"fcr_dk1": {s.start: 0.1 + 0.05 * (i // 4) for i, s in enumerate(slots)}}
    kw = _held(_problem(("fcr_dk1",), slots=slots, prices=prices))["fcr_dk1"]
    assert len(set(kw[:3])) == 1
    assert len(set(kw[3:7])) == 1
    assert kw[0] > 1.0


def test_income_is_the_price_after_the_aggregators_share() -> None:
    problem = _problem(("fcr_d_up",), share=0.25)
    result = plan(problem)
    (reserve,) = result.reserves
    assert reserve.income == pytest.approx(0.75 * PRICE * sum(reserve.kw), rel=1e-9)
    assert result.totals.reserve_income == pytest.approx(reserve.income)


def test_fcr_n_activation_costs_half_its_share_each_way() -> None:
    car = _car(wear_per_kwh=0.05)
    slots = _slots(2, buy=2.0, sell=0.8)
    problem = _problem(("fcr_n",), car=car, slots=slots, activation={"fcr_n": 0.3})
    result = plan(problem)
    (reserve,) = result.reserves
    per_kw_hour = 0.3 / 2 * (2.0 - 0.9 * 0.9 * 0.8 + 0.05)
    assert reserve.activation_cost == pytest.approx(
        per_kw_hour * sum(reserve.kw), rel=1e-9
    )
    assert result.totals.activation_cost == pytest.approx(reserve.activation_cost)
    assert result.totals.net_cost == pytest.approx(
        result.totals.import_cost
        - result.totals.export_revenue
        + result.totals.wear_cost
        - reserve.income
        + reserve.activation_cost
    )


def test_an_activation_cost_above_the_price_sells_nothing() -> None:
    problem = _problem(
        ("fcr_n",), slots=_slots(2, buy=3.0, sell=0.0), activation={"fcr_n": 1.0}
    )
    assert max(_held(problem)["fcr_n"]) == 0.0


def test_an_hour_without_a_price_is_not_offered() -> None:
    prices = {"fcr_n": {START: PRICE, START + timedelta(hours=2): PRICE}}
    kw = _held(_problem(("fcr_n",), prices=prices))["fcr_n"]
    assert kw[1] == 0.0
    assert kw[0] > 0
    assert kw[2] > 0
