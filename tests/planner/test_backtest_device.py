"""Tests for the simulated battery that executes the plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.backtest_device import (
    arrival_charging_cost,
    executable_power_kw,
    stored_energy_kwh,
)
from custom_components.v2g_home.planner.backtest_site import DeviceSpec
from custom_components.v2g_home.planner.model import Slot

LEAF = DeviceSpec(
    name="leaf",
    capacity_kwh=37.0,
    soc_min=0.2,
    soc_max=0.9,
    soc_start=0.5,
    charge_power_kw=7.4,
    discharge_power_kw=7.4,
    min_power_kw=1.38,
    charge_efficiency=0.92,
    discharge_efficiency=0.92,
)


def test_losses_apply_on_the_way_in_and_out() -> None:
    assert stored_energy_kwh(LEAF, 7.4, 1.0) == pytest.approx(7.4 * 0.92)
    assert stored_energy_kwh(LEAF, -7.4, 0.5) == pytest.approx(-3.7 / 0.92)


@pytest.mark.parametrize(
    ("power_kw", "soc_kwh", "plugged_in", "expected_kw"),
    [
        (5.0, 18.5, True, 5.0),  # inside every limit: followed exactly
        (5.0, 18.5, False, 0.0),  # the car is away
        (11.0, 18.5, True, 7.4),  # beyond the charger
        (-11.0, 18.5, True, -7.4),
        (7.4, 0.9 * 37 - 1.84, True, 2.0),  # only 1.84 kWh of room below 90 %
        (-7.4, 0.2 * 37 + 2.0, True, -1.84),  # only 2 kWh above 20 %
        (
            7.4,
            0.9 * 37 - 0.46,
            True,
            0.0,
        ),  # the remaining 0.5 kW lies inside the dead band
        (-3.0, 5.0, True, 0.0),  # below the window after a trip: no further down
        (3.0, 5.0, True, 3.0),  # but charging back is fine
    ],
)
def test_battery_follows_the_plan_within_its_limits(
    power_kw: float, soc_kwh: float, plugged_in: bool, expected_kw: float
) -> None:
    assert executable_power_kw(
        LEAF, power_kw, soc_kwh, 1.0, plugged_in=plugged_in
    ) == pytest.approx(expected_kw)


def _hours(*buy: float) -> list[Slot]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Slot(
            start=start + timedelta(hours=i),
            duration=timedelta(hours=1),
            buy_price_per_kwh=b,
            sell_price_per_kwh=b,
        )
        for i, b in enumerate(buy)
    ]


def test_a_plain_charger_refills_the_trip_from_arrival_at_full_power() -> None:
    slots = _hours(9.0, 1.0, 2.0, 3.0)
    # 10 kWh into the battery is 10 / 0.92 kWh from the grid: 7.4 kWh at 1.0, the rest at 2.0.
    grid_kwh = 10 / 0.92
    expected = 7.4 * 1.0 + (grid_kwh - 7.4) * 2.0
    assert arrival_charging_cost(LEAF, 10.0, slots, back=1) == pytest.approx(expected)


def test_charging_beyond_the_data_is_priced_like_the_last_slot() -> None:
    slots = _hours(1.0, 2.0)
    assert arrival_charging_cost(LEAF, 9.2, slots, back=1) == pytest.approx(
        7.4 * 2.0 + 2.6 * 2.0
    )
