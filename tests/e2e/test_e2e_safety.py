"""End to end: implausible readings and a dropped charger stop exporting; the rest of the site carries on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.coordinators.factory import PACK_REVERT_TIMEOUT_S
from tests.helpers.scheduling import CHARGER_MODE, capture, select

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    Day,
    connect_without_settle,
    prices_api,
    recorder_config,
)

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

BEFORE_PEAK = datetime(
    2026, 1, 15, 7, 55, tzinfo=UTC
)  # the 2.3 DKK/kWh peak starts at 08:00 UTC
FAILSAFE_S = (
    600  # the charger subentry's fail-safe timeout (tests/integration/conftest.py)
)


async def _selling_at_the_peak(
    day: Day, entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Both devices in auto and selling; the Leaf charged briefly first so its SoC is known."""
    quasar.soc_pct = 95.0
    await day.start(entry, at=BEFORE_PEAK)
    await select(day.hass, CHARGER_MODE, "charge")
    await day.run(20)
    await select(day.hass, CHARGER_MODE, "auto")
    await day.run(5 * 60 + 30)
    assert quasar.power_kw < -1, "the car should be selling at the peak"
    assert day.pack is not None
    assert day.pack.power_kw < -1, "the pack should be selling at the peak"


async def test_implausible_charger_readings_stop_its_export(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
    quasar_server: ModbusSimulator,
) -> None:
    """Readings the integration cannot trust end the car's export within two polls; the pack sells on."""
    day = Day(hass, freezer, clock, quasar, pack)
    await _selling_at_the_peak(day, entry, quasar)
    stopped = capture(hass, "v2g_home_export_stopped")
    car_id = next(iter(entry.runtime_data.devices))

    quasar_server.faults.garbage = True
    await day.run(30)
    assert quasar.power_kw == 0
    assert [event["device_ids"] for event in stopped] == [[car_id]]
    assert pack.power_kw < -1

    quasar_server.faults.clear()
    await day.run(60)
    assert quasar.power_kw < -1, "trusted readings again: selling resumes"


async def test_dropped_charger_stops_by_its_fail_safe(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
    quasar_server: ModbusSimulator,
) -> None:
    """Home Assistant cannot reach the charger: the armed fail-safe stops it, and a repair issue follows."""
    day = Day(hass, freezer, clock, quasar, pack)
    await _selling_at_the_peak(day, entry, quasar)
    stopped = capture(hass, "v2g_home_export_stopped")
    car_id = next(iter(entry.runtime_data.devices))

    quasar_server.faults.drop_connection = True
    quasar_server.drop_connections()
    await day.run(60)
    assert [event["device_ids"] for event in stopped] == [[car_id]]
    await day.run(FAILSAFE_S - 70)
    assert quasar.power_kw < -1, "out of reach, the charger runs on until its fail-safe"
    await day.run(20)
    assert quasar.power_kw == 0, "the charger's own fail-safe ended the export"
    assert pack.power_kw < -1

    issues = ir.async_get(hass)
    issue_id = f"device_unreachable_{entry.entry_id}_{car_id}"
    await day.run(15 * 60 - FAILSAFE_S + 30)
    assert issues.async_get_issue(DOMAIN, issue_id) is not None
    assert day.car_meter.lowest_soc_discharging_pct >= 79.5, (
        "never below the 80 % trip target"
    )


async def test_dropped_pack_stops_exporting(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
    pack_server: ModbusSimulator,
) -> None:
    """A pack Home Assistant can no longer reach stops selling by itself: its revert timer ends the command."""
    day = Day(hass, freezer, clock, quasar, pack)
    await _selling_at_the_peak(day, entry, quasar)
    pack_server.faults.drop_connection = True
    pack_server.drop_connections()
    await day.run(PACK_REVERT_TIMEOUT_S - 30)
    assert pack.power_kw < -1, "out of reach, the pack runs on until its revert timer"
    await day.run(60)
    assert pack.power_kw == 0, "the revert timer handed the pack back to its own logic"
    assert quasar.power_kw < -1, "the car sells on"
