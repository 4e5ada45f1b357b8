"""Safety: stale prices, a dropped device, long outages, setpoints not followed, unreachable trips."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.control.snapshot import DeviceSnapshot
from custom_components.v2g_home.scheduling.guard import DeviceGuard
from tests.helpers.ha import poll, state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    capture,
    first_slot,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimulatedQuasar,
    )

DEAR_NOW = first_slot((4.0, 3.0), (0.5, 0.1))


async def start_export(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Learn the Leaf's SoC, allow deep discharge, then follow a plan that exports now."""
    await scheduler_of(entry).async_update_settings(
        reserve_soc_pct=10, departure_target_soc_pct=30
    )
    await set_prices(hass, entry, DEAR_NOW)
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    await select(hass, CHARGER_MODE, "auto")


async def test_unknown_prices_stop_export(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """When no price is known for now any more, the Leaf stops exporting."""
    await start_export(hass, loaded_entry)
    assert quasar.power_kw < -7.0
    await set_prices(hass, loaded_entry, DEAR_NOW)
    prices = loaded_entry.runtime_data.prices
    prices.async_set_updated_data(
        prices.data.__class__(
            currency="DKK",
            source="test",
            slots=(),
            fetched_at=None,
            tomorrow_known=False,
            next_update=None,
            stale=True,
        )
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert quasar.power_kw == 0
    assert state(hass, "sensor.home_next_action") == "no_plan"


async def test_dropped_device_stops_export_and_resumes_safely(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
) -> None:
    """A charger that stops answering is not told to export again on return; a repair says so at once."""
    stopped = capture(hass, "v2g_home_export_stopped")
    await start_export(hass, loaded_entry)
    quasar_server.faults.drop_connection = True
    await poll(hass)
    assert stopped
    coordinator = next(iter(loaded_entry.runtime_data.devices.values()))
    assert coordinator.control.auto_power_kw == 0  # what a reconnect resumes
    device_id = next(iter(loaded_entry.subentries))
    guard = scheduler_of(loaded_entry).guards[device_id]
    issue_id = f"device_unreachable_{loaded_entry.entry_id}_{device_id}"
    registry = ir.async_get(hass)
    assert guard.unavailable_since is not None
    issue = registry.async_get_issue(
        DOMAIN, issue_id
    )  # in auto: at the first failed poll
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["device"] == "Wallbox Quasar 1"

    quasar_server.faults.drop_connection = False
    await poll(hass, 60)
    await poll(hass, 120)
    assert registry.async_get_issue(DOMAIN, issue_id) is None


async def test_stale_readings_stop_export(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
) -> None:
    """Readings older than two polls make the next check stop the Leaf's export, until a fresh poll."""
    await start_export(hass, loaded_entry)
    scheduler = scheduler_of(loaded_entry)
    device_id = next(iter(loaded_entry.subentries))
    guard = scheduler.guards[device_id]
    age = guard.reading_age_s(dt_util.utcnow())
    assert age is not None
    assert age < 20
    stopped = capture(hass, "v2g_home_export_stopped")
    guard.last_ok = dt_util.utcnow() - timedelta(seconds=25)
    await scheduler.async_request_replan("test")
    assert [event["device_ids"] for event in stopped] == [[device_id]]
    # The poll made right before that write is fresh again, and the plan still sells.
    await poll(hass)
    assert quasar.power_kw < -7.0


def _device(power_kw: float, soc_pct: float = 50.0) -> DeviceSnapshot:
    return DeviceSnapshot(
        device_id="pack1",
        name="Pack",
        is_car=False,
        mode=ControlMode.AUTO,
        available=True,
        soc_pct=soc_pct,
        capacity_kwh=10.0,
        max_charge_kw=5.0,
        max_discharge_kw=5.0,
        min_power_kw=0.0,
        efficiency=0.95,
        power_kw=power_kw,
    )


async def test_setpoint_not_applied_repair(hass: HomeAssistant) -> None:
    """Three polls and a minute off the setpoint raise a repair; following again clears it."""
    guard = DeviceGuard(hass, "entry", "pack1", timedelta(seconds=15))
    registry = ir.async_get(hass)
    now = dt_util.utcnow()
    guard.commanded(-5.0, now)
    for poll_index in range(1, 5):
        guard.seen(
            _device(0.0), answering=True, now=now + timedelta(seconds=20 * poll_index)
        )
    assert registry.async_get_issue(DOMAIN, guard.readback_issue) is not None
    guard.seen(_device(-4.9), answering=True, now=now + timedelta(seconds=100))
    assert registry.async_get_issue(DOMAIN, guard.readback_issue) is None
    # A full battery that stops charging is no fault.
    guard.commanded(5.0, now)
    for poll_index in range(1, 5):
        guard.seen(
            _device(0.0, soc_pct=99.0),
            answering=True,
            now=now + timedelta(seconds=20 * poll_index),
        )
    assert registry.async_get_issue(DOMAIN, guard.readback_issue) is None


async def test_departure_infeasible_repair(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """A trip the car cannot be charged for in time raises a repair, cleared once it can."""
    scheduler = scheduler_of(loaded_entry)
    await set_prices(hass, loaded_entry, DEAR_NOW)
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    await select(hass, CHARGER_MODE, "auto")
    issue_id = f"departure_infeasible_{loaded_entry.entry_id}"
    registry = ir.async_get(hass)
    await scheduler.async_set_departure(
        device_id=None,
        when=dt_util.utcnow() + timedelta(minutes=40),
        target_soc_pct=100,
    )
    assert registry.async_get_issue(DOMAIN, issue_id) is not None
    assert quasar.power_kw > 0  # it does the best it can
    await scheduler.async_set_departure(
        device_id=None, when=dt_util.utcnow() + timedelta(hours=12), target_soc_pct=90
    )
    assert registry.async_get_issue(DOMAIN, issue_id) is None
