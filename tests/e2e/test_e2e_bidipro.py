"""End to end with the chargers on sale: a BiDiPro 10 with its Leaf and a SunSpec DER battery over a recorded day."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.helpers.ha import state
from tests.helpers.site import bidipro_subentry, der_pack_subentry, site_entry

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    Day,
    connect_without_settle,
    price_at,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedBiDiPro,
    )
    from custom_components.v2g_home.devices.simulator.sunspec_der import (
        SimulatedDerStorage,
    )
    from custom_components.v2g_home.prices.models import PriceForecast

RUN_S = 9 * 3600  # 04:00 to 13:00 Danish time


async def test_bidipro_day_sells_at_the_peak_and_books_what_was_metered(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    bidipro: SimulatedBiDiPro,
    bidipro_server: ModbusSimulator,
    der: SimulatedDerStorage,
    der_server: ModbusSimulator,
) -> None:
    """Charge in the cheap night, export at the peak, keep the floors; bookings within 0.1 % of the meters."""
    entry = site_entry(
        [bidipro_subentry(bidipro_server.port), der_pack_subentry(der_server.port)]
    )
    day = Day(
        hass,
        freezer,
        clock,
        bidipro,
        der,
        charger_mode="select.evtec_bidipro_10_control_mode",
        pack_mode="select.v2g_home_simulated_der_storage_control_mode",
    )
    await day.start(entry)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.home_departure_target_state_of_charge", "value": 40},
        blocking=True,
    )
    await day.run(RUN_S)
    prices: PriceForecast = entry.runtime_data.prices.data

    exporting = day.car_meter.slots_where(lambda kw: kw < 0)
    charging = day.car_meter.slots_where(lambda kw: kw > 0)
    assert exporting, "the car never exported"
    assert charging, "the car never charged"
    assert max(price_at(prices, s).buy_per_kwh for s in charging) < min(
        price_at(prices, s).sell_per_kwh for s in exporting
    )
    assert day.pack_meter.slots_where(lambda kw: kw < 0), "the DER battery never sold"
    # Floors: the car keeps its 40 % trip target while exporting, the battery its 20 % reserve.
    assert day.car_meter.lowest_soc_discharging_pct >= 39.5
    assert day.pack_meter.lowest_soc_discharging_pct >= 19.5

    ledger = entry.runtime_data.ledger
    car_id, pack_id = entry.runtime_data.devices
    for device_id, meter in ((car_id, day.car_meter), (pack_id, day.pack_meter)):
        booked = ledger.totals(device_id, "today")
        assert booked.energy_sold_kwh == pytest.approx(
            sum(meter.exported_kwh.values()), rel=1e-3
        )
        assert booked.export_revenue == pytest.approx(meter.revenue(prices), rel=1e-3)
    metered_kwh = sum(day.car_meter.exported_kwh.values()) + sum(
        day.pack_meter.exported_kwh.values()
    )
    assert metered_kwh > 10
    assert float(state(hass, "sensor.home_energy_sold")) == pytest.approx(
        metered_kwh, rel=1e-3
    )
    await hass.config_entries.async_unload(entry.entry_id)
