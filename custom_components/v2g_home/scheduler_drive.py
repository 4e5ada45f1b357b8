"""One device, one instant: what to write (plan, override, safety), then write it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .charger_coordinator import ChargerCoordinator
from .const import DOMAIN, LOGGER, ControlMode
from .pack_coordinator import PackCoordinator
from .scheduler_guard import SafetyInputs, safe_setpoint_kw
from .scheduler_problem import DeviceSnapshot, floor_pct, snapshot
from .scheduler_view import planned_setpoint_kw

if TYPE_CHECKING:
    from datetime import datetime

    from .scheduler import Scheduler
    from .scheduler_guard import DeviceGuard

EVENT_EXPORT_STARTED = f"{DOMAIN}_export_started"
EVENT_EXPORT_STOPPED = f"{DOMAIN}_export_stopped"


def wanted_setpoint_kw(
    scheduler: Scheduler, device: DeviceSnapshot, now: datetime
) -> float:
    """What the user's override or the plan asks of a device in auto, before the safety check."""
    if not scheduler.settings.enabled or not device.available:
        return 0.0
    force = scheduler.forces.get(device.device_id)
    if force is not None and _force_done(
        force.until, force.target_soc_pct, force.power_kw, device, now
    ):
        del scheduler.forces[device.device_id]
        force = None
    if force is not None:
        return force.power_kw
    return planned_setpoint_kw(scheduler.plan, device.device_id, now)


def _force_done(
    until: datetime,
    target_soc_pct: float | None,
    power_kw: float,
    device: DeviceSnapshot,
    now: datetime,
) -> bool:
    if now >= until:
        return True
    soc = device.soc_pct
    if target_soc_pct is None or soc is None:
        return False
    return soc >= target_soc_pct if power_kw > 0 else soc <= target_soc_pct


async def drive_device(scheduler: Scheduler, device_id: str, reason: str) -> None:
    """Write the device's setpoint now; stop a manual discharge that reached the floor."""
    if scheduler.stopped:
        return  # unloading: the coordinators hand control back, nothing may take it again
    coordinator = scheduler.devices[device_id]
    guard = scheduler.guards[device_id]
    now = dt_util.utcnow()
    device = snapshot(device_id, coordinator)
    guard.check_unreachable(device, now)
    departure = scheduler.departure_for(device_id, now) if device.is_car else None
    floor = floor_pct(device, scheduler.settings, departure)
    if device.mode is ControlMode.DISCHARGE:
        # The user asked for this discharge now: only the reserve stops it, not the trip target.
        await _stop_manual_discharge_at_floor(
            coordinator, device, scheduler.settings.reserve_soc_pct
        )
    if device.mode is not ControlMode.AUTO:
        guard.forget()
        _export_events(scheduler, guard, device, 0.0, "mode")
        return
    prices = scheduler.entry.runtime_data.prices
    safety = SafetyInputs(
        fresh=guard.fresh(now),
        prices_known=prices is not None and prices.data.slot_at(now) is not None,
        floor_pct=floor,
    )
    setpoint = safe_setpoint_kw(
        wanted_setpoint_kw(scheduler, device, now), device, safety
    )
    if not isinstance(
        coordinator, ChargerCoordinator | PackCoordinator
    ):  # pragma: no cover
        return
    try:
        await coordinator.async_apply_setpoint_kw(setpoint)
    except HomeAssistantError as err:
        LOGGER.debug("%s did not take %.2f kW: %s", device.name, setpoint, err)
    else:
        guard.commanded(setpoint, now)
    _export_events(scheduler, guard, device, setpoint, reason)


async def _stop_manual_discharge_at_floor(
    coordinator: object, device: DeviceSnapshot, floor: float
) -> None:
    """A manual discharge holds once the SoC reaches the reserve."""
    if device.soc_pct is None or device.soc_pct > floor:
        return
    LOGGER.info("%s reached %.0f %%; discharging stops", device.name, floor)
    try:
        if isinstance(coordinator, ChargerCoordinator):
            await coordinator.async_set_control(mode=ControlMode.HOLD)
        elif isinstance(coordinator, PackCoordinator):
            await coordinator.async_set_mode(ControlMode.HOLD)
    except HomeAssistantError as err:
        LOGGER.warning("%s could not be put on hold: %s", device.name, err)


def _export_events(
    scheduler: Scheduler,
    guard: DeviceGuard,
    device: DeviceSnapshot,
    setpoint_kw: float,
    reason: str,
) -> None:
    exporting = setpoint_kw < 0
    if exporting == guard.exporting:
        return
    guard.exporting = exporting
    scheduler.hass.bus.async_fire(
        EVENT_EXPORT_STARTED if exporting else EVENT_EXPORT_STOPPED,
        {
            "entry_id": scheduler.entry.entry_id,
            "device_ids": [device.device_id],
            "power_kw": setpoint_kw,
            "reason": reason,
        },
    )
