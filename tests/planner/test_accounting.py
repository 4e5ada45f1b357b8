"""Accounting from metered energy: revenue, charge cost, V2H savings, wear, profit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2g_home.planner.accounting import (
    Earnings,
    MeteredSlot,
    earnings,
    slot_earnings,
)

START = datetime(2024, 11, 5, tzinfo=UTC)
HOUR = timedelta(hours=1)


def metered(hour: int, **values: float) -> MeteredSlot:
    defaults = {
        "charged_kwh": 0.0,
        "discharged_kwh": 0.0,
        "buy_price_per_kwh": 2.0,
        "sell_price_per_kwh": 1.0,
    }
    defaults.update(values)
    return MeteredSlot(start=START + hour * HOUR, duration=HOUR, **defaults)  # type: ignore[arg-type]


def test_a_night_charge_and_an_evening_discharge() -> None:
    slots = [
        metered(2, charged_kwh=7.4, buy_price_per_kwh=0.8),
        metered(
            18,
            discharged_kwh=6.0,
            house_load_kwh=1.5,
            sell_price_per_kwh=1.5,
            buy_price_per_kwh=3.0,
        ),
    ]
    result = earnings(slots, wear_per_kwh=0.1, currency="DKK")
    assert result.energy_charged_kwh == pytest.approx(7.4)
    assert result.energy_to_home_kwh == pytest.approx(1.5)
    assert result.energy_sold_kwh == pytest.approx(4.5)
    assert result.charge_cost == pytest.approx(7.4 * 0.8)
    assert result.avoided_import_cost == pytest.approx(1.5 * 3.0)
    assert result.export_revenue == pytest.approx(4.5 * 1.5)
    assert result.wear_cost == pytest.approx(0.6)
    assert result.net_profit == pytest.approx(4.5 + 6.75 - 5.92 - 0.6)


def test_solar_surplus_charging_costs_the_forgone_export() -> None:
    sunny = metered(12, charged_kwh=3.0, house_load_kwh=0.5, solar_kwh=2.5)
    result = slot_earnings(sunny, wear_per_kwh=0.0, currency="DKK")
    assert result.charge_cost == pytest.approx(
        2.0 * 1.0 + 1.0 * 2.0
    )  # 2 kWh surplus, 1 from grid
    negative = metered(12, charged_kwh=2.0, solar_kwh=4.0, sell_price_per_kwh=-0.3)
    assert slot_earnings(negative, wear_per_kwh=0.0, currency="DKK").charge_cost == 0.0


def test_discharge_under_solar_is_all_export() -> None:
    result = slot_earnings(
        metered(13, discharged_kwh=2.0, house_load_kwh=1.0, solar_kwh=3.0),
        wear_per_kwh=0.0,
        currency="DKK",
    )
    assert result.energy_to_home_kwh == 0.0
    assert result.export_revenue == pytest.approx(2.0)


def test_nothing_metered_earns_nothing_and_bad_meters_are_refused() -> None:
    assert earnings([], wear_per_kwh=0.1, currency="EUR") == Earnings(currency="EUR")
    with pytest.raises(ValueError, match="negative"):
        slot_earnings(metered(0, charged_kwh=-1.0), wear_per_kwh=0.0, currency="DKK")


def test_currencies_never_mix() -> None:
    with pytest.raises(ValueError, match="EUR"):
        Earnings(currency="DKK") + Earnings(currency="EUR")
