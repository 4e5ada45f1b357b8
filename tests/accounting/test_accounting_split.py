"""Where discharged energy went: measured by a grid meter, or derived from the house load."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.const import (
    CONF_GRID_METER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    CONF_SOLAR_POWER_ENTITY,
)
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.coordinators.charger import ChargerCoordinator
from tests.helpers.accounting import (
    PACK_LEDGER,
    SITE,
    FrozenClock,
    run,
    v2g_drives_pack,
    value,
    with_options,
)
from tests.helpers.ha import setup

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

pytestmark = pytest.mark.freeze_time(
    datetime(2026, 1, 14, 16, 40, tzinfo=UTC), tick=True
)
CHARGER_LEDGER = "sensor.wallbox_quasar_1"
GRID = "sensor.grid_export"
HOUSE = "sensor.house_consumption"
SOLAR = "sensor.solar_production"


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


async def discharge_pack(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
) -> tuple[float, float]:
    """Set up, discharge the pack at 2 kW, let a poll see it; return (sold, to home) so far."""
    await setup(hass, entry)
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 15)
    return value(hass, f"{SITE}_energy_sold"), value(hass, f"{SITE}_energy_to_home")


async def test_grid_meter_power_decides_the_export(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """The meter sees 500 W going out while the pack gives 2 kW: a quarter is sold, the rest served the home."""
    hass.states.async_set(GRID, "500", {"unit_of_measurement": "W"})
    hass.states.async_set(HOUSE, "5.0", {"unit_of_measurement": "kW"})  # ignored
    site = with_options(
        entry, **{CONF_GRID_METER_ENTITY: GRID, CONF_HOUSE_POWER_ENTITY: HOUSE}
    )
    sold_before, home_before = await discharge_pack(hass, site, freezer, pack_server)
    out_before = pack.meter.energy_out_kwh
    await run(hass, freezer, 10 * 60)
    out = pack.meter.energy_out_kwh - out_before
    sold = value(hass, f"{SITE}_energy_sold") - sold_before
    home = value(hass, f"{SITE}_energy_to_home") - home_before
    assert sold == pytest.approx(out * 0.25, rel=1e-3)
    assert home == pytest.approx(out * 0.75, rel=1e-3)
    shown = hass.states.get(f"{SITE}_energy_sold")
    assert shown is not None
    assert shown.attributes["export_measured_by"] == "grid_meter"
    avoided = value(hass, f"{SITE}_avoided_import_cost")
    assert avoided > value(
        hass, f"{SITE}_export_revenue"
    )  # buying costs more than selling earns


async def test_grid_meter_energy_counter(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """A kWh counter for the export works as well as a power sensor: 1 kW of the pack's 2 kW sold."""
    counter = {"kwh": 100.0}
    hass.states.async_set(GRID, "100.0", {"unit_of_measurement": "kWh"})

    def meter_moves() -> None:
        counter["kwh"] += 1.0 * 5 / 3600  # 1 kW over each 5 s step
        hass.states.async_set(GRID, str(counter["kwh"]), {"unit_of_measurement": "kWh"})

    site = with_options(entry, **{CONF_GRID_METER_ENTITY: GRID})
    await setup(hass, site)
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 30, on_step=meter_moves)
    sold_before = value(hass, f"{SITE}_energy_sold")
    out_before = pack.meter.energy_out_kwh
    await run(hass, freezer, 10 * 60, on_step=meter_moves)
    out = pack.meter.energy_out_kwh - out_before
    sold = value(hass, f"{SITE}_energy_sold") - sold_before
    assert sold == pytest.approx(out * 0.5, rel=5e-3)


async def test_derived_from_house_and_solar(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Without a grid meter the home's need (load minus solar: 0.5 kW) is served first, the rest sold."""
    hass.states.async_set(HOUSE, "1200", {"unit_of_measurement": "W"})
    hass.states.async_set(SOLAR, "0.7", {"unit_of_measurement": "kW"})
    site = with_options(
        entry, **{CONF_HOUSE_POWER_ENTITY: HOUSE, CONF_SOLAR_POWER_ENTITY: SOLAR}
    )
    sold_before, home_before = await discharge_pack(hass, site, freezer, pack_server)
    out_before = pack.meter.energy_out_kwh
    await run(hass, freezer, 10 * 60)
    out = pack.meter.energy_out_kwh - out_before
    assert value(hass, f"{SITE}_energy_sold") - sold_before == pytest.approx(
        out * 0.75, rel=1e-3
    )
    assert value(hass, f"{PACK_LEDGER}_energy_to_home") - home_before == pytest.approx(
        out * 0.25, rel=1e-3
    )
    shown = hass.states.get(f"{SITE}_energy_sold")
    assert shown is not None
    assert shown.attributes["export_measured_by"] == "house"


async def test_unavailable_grid_meter_falls_back_to_the_house_load(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """A grid meter that stops reporting does not stop the accounting: the house load splits instead."""
    hass.states.async_set(GRID, "unavailable", {"unit_of_measurement": "W"})
    hass.states.async_set(HOUSE, "1.0", {"unit_of_measurement": "kW"})
    site = with_options(
        entry, **{CONF_GRID_METER_ENTITY: GRID, CONF_HOUSE_POWER_ENTITY: HOUSE}
    )
    sold_before, home_before = await discharge_pack(hass, site, freezer, pack_server)
    out_before = pack.meter.energy_out_kwh
    await run(hass, freezer, 5 * 60)
    out = pack.meter.energy_out_kwh - out_before
    assert value(hass, f"{SITE}_energy_to_home") - home_before == pytest.approx(
        out * 0.5, rel=1e-3
    )
    assert value(hass, f"{SITE}_energy_sold") - sold_before == pytest.approx(
        out * 0.5, rel=1e-3
    )


async def test_two_devices_share_the_house_load(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
    quasar: SimulatedQuasar,
) -> None:
    """Car and pack discharge together: each serves the home in proportion to its power; the site adds up."""
    hass.states.async_set(HOUSE, "1.0", {"unit_of_measurement": "kW"})
    site = with_options(entry, **{CONF_HOUSE_POWER_ENTITY: HOUSE})
    await setup(hass, site)
    await v2g_drives_pack(hass, -2.0)
    charger = next(
        c
        for c in site.runtime_data.devices.values()
        if isinstance(c, ChargerCoordinator)
    )
    await charger.async_set_control(mode=ControlMode.DISCHARGE, discharge_power_kw=3.0)
    await run(hass, freezer, 30)
    before = {
        name: value(hass, name)
        for name in (
            f"{SITE}_energy_sold",
            f"{SITE}_energy_to_home",
            f"{CHARGER_LEDGER}_energy_to_home",
            f"{PACK_LEDGER}_energy_to_home",
        )
    }
    out_before = pack.meter.energy_out_kwh + quasar.meter.energy_out_kwh
    await run(hass, freezer, 5 * 60)
    out = pack.meter.energy_out_kwh + quasar.meter.energy_out_kwh - out_before
    delta = {name: value(hass, name) - was for name, was in before.items()}
    home = 1.0 * 5 / 60
    assert delta[f"{SITE}_energy_to_home"] == pytest.approx(home, rel=2e-3)
    assert delta[f"{SITE}_energy_sold"] == pytest.approx(out - home, rel=2e-3)
    pack_home = delta[f"{PACK_LEDGER}_energy_to_home"]
    car_home = delta[f"{CHARGER_LEDGER}_energy_to_home"]
    assert pack_home + car_home == pytest.approx(home, rel=2e-3)
    assert car_home > pack_home > 0
