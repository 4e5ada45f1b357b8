"""The ledger against the simulator: kWh sold and revenue as metered, kept across restarts and days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.v2g_home.accounting.entities import LEDGER_SENSORS
from custom_components.v2g_home.const import DOMAIN
from tests.helpers.accounting import (
    PACK_LEDGER,
    SITE,
    FrozenClock,
    Metered,
    run,
    v2g_drives_pack,
    value,
)
from tests.helpers.ha import setup

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
# Ticking: the event loop and the Modbus client need time that moves.
pytestmark = pytest.mark.freeze_time(START, tick=True)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


def wear_per_kwh(entry: MockConfigEntry) -> float:
    """The wear cost the ledger uses: the scheduler's setting, else nothing."""
    scheduler = getattr(entry.runtime_data, "scheduler", None)
    return 0.0 if scheduler is None else float(scheduler.settings.wear_per_kwh)


async def start_discharging(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
) -> None:
    """Set the site up at START, discharge the pack at 2 kW, and let one poll see it."""
    await setup(hass, entry)
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 15)


async def test_sold_energy_and_revenue_equal_the_metered_export(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Without house sensors every discharged kWh is sold, at the sell price of its own slot."""
    await start_discharging(hass, entry, freezer, pack_server)
    sold_before = value(hass, f"{SITE}_energy_sold")
    revenue_before = value(hass, f"{SITE}_export_revenue")
    prices = entry.runtime_data.prices.data
    metered = Metered()
    await run(hass, freezer, 45 * 60, pack=pack, prices=prices, metered=metered)
    assert len(metered.by_slot) == 4  # 16:40-17:25 spans four quarter-hour slots
    assert metered.exported_kwh == pytest.approx(2.0 * 0.75, rel=1e-3)
    sold = value(hass, f"{SITE}_energy_sold") - sold_before
    revenue = value(hass, f"{SITE}_export_revenue") - revenue_before
    assert sold == pytest.approx(metered.exported_kwh, rel=1e-3)
    assert revenue == pytest.approx(metered.revenue, rel=1e-3)
    assert value(hass, f"{PACK_LEDGER}_energy_sold") == value(
        hass, f"{SITE}_energy_sold"
    )
    assert value(hass, f"{SITE}_energy_to_home") == 0.0
    wear = wear_per_kwh(entry) * value(hass, f"{SITE}_energy_sold")
    assert value(hass, f"{SITE}_wear_cost") == pytest.approx(wear, abs=1e-6)
    assert value(hass, f"{SITE}_net_profit") == pytest.approx(
        value(hass, f"{SITE}_export_revenue")
        - value(hass, f"{SITE}_charging_cost")
        - wear,
        abs=1e-5,
    )
    assert value(hass, f"{SITE}_energy_sold_today") == value(
        hass, f"{SITE}_energy_sold"
    )
    assert value(hass, f"{SITE}_energy_sold_this_month") == value(
        hass, f"{SITE}_energy_sold"
    )
    ledger = entry.runtime_data.ledger
    assert ledger.totals(None, "lifetime").energy_sold_kwh == pytest.approx(
        value(hass, f"{SITE}_energy_sold"), abs=1e-6
    )


async def test_charging_is_costed_at_the_buy_price(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Charging the pack adds charged kWh and their cost; nothing is sold."""
    await setup(hass, entry)
    await v2g_drives_pack(hass, 3.0)
    await run(hass, freezer, 15)
    charged_before = value(hass, f"{SITE}_charging_energy")
    cost_before = value(hass, f"{SITE}_charging_cost")
    sold_before = value(hass, f"{PACK_LEDGER}_energy_sold")
    before = pack.meter.energy_in_kwh
    await run(hass, freezer, 10 * 60)
    charged = pack.meter.energy_in_kwh - before
    assert value(hass, f"{SITE}_charging_energy") - charged_before == pytest.approx(
        charged, rel=1e-3
    )
    buy = entry.runtime_data.prices.data.slot_at(START).buy_per_kwh
    assert value(hass, f"{SITE}_charging_cost") - cost_before == pytest.approx(
        charged * buy, rel=1e-3
    )
    assert value(hass, f"{PACK_LEDGER}_energy_sold") == sold_before


async def test_sensors_are_fit_for_the_energy_dashboard(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Energy sold can be the grid return, revenue its compensation; daily values reset at midnight."""
    sold = hass.states.get(f"{SITE}_energy_sold")
    assert sold is not None
    assert sold.attributes["device_class"] == "energy"
    assert sold.attributes["state_class"] == "total_increasing"
    assert sold.attributes["unit_of_measurement"] == "kWh"
    assert sold.attributes["export_measured_by"] == "none"
    revenue = hass.states.get(f"{SITE}_export_revenue")
    assert revenue is not None
    assert revenue.attributes["device_class"] == "monetary"
    assert revenue.attributes["state_class"] == "total"
    assert revenue.attributes["unit_of_measurement"] == "DKK"
    assert "last_reset" not in revenue.attributes
    today = hass.states.get(f"{SITE}_export_revenue_today")
    assert today is not None
    assert today.attributes["state_class"] == "total"
    local_midnight = datetime.fromisoformat(today.attributes["last_reset"])
    assert (local_midnight.hour, local_midnight.minute) in {(23, 0), (22, 0)}
    registry = er.async_get(hass)
    for description in LEDGER_SENSORS:
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, f"{loaded_entry.entry_id}_{description.key}"
        )
        assert entity_id is not None, description.key
        shown = hass.states.get(entity_id)
        assert shown is not None
        assert float(shown.state) == 0.0
