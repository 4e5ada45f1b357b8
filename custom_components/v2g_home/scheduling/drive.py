"""One device, one instant: ask control what to do, then write it and tell the user what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..control.decide import Action, Situation, decide
from ..control.modes import ControlMode
from ..coordinators.charger import ChargerCoordinator
from ..coordinators.pack import PackCoordinator
from .snapshot import snapshot
from .view import planned_setpoint_kw

if TYPE_CHECKING:
    from ..control.snapshot import DeviceSnapshot
    from .guard import DeviceGuard
    from .scheduler import Scheduler

EVENT_EXPORT_STARTED = f"{DOMAIN}_export_started"
EVENT_EXPORT_STOPPED = f"{DOMAIN}_export_stopped"


async def drive_device(scheduler: Scheduler, device_id: str, reason: str) -> None:
    """Write the device's setpoint now, or put a manual discharge that reached the reserve on hold."""
    if scheduler.stopped:
        return  # unloading: the coordinators hand control back, nothing may take it again
    coordinator = scheduler.devices[device_id]
    guard = scheduler.guards[device_id]
    now = dt_util.utcnow()
    device = snapshot(device_id, coordinator, reading_age_s=guard.reading_age_s(now))
    guard.check_unreachable(device, now)
    command = decide(
        Situation(
            device=device,
            now=now,
            settings=scheduler.settings,
            planned_kw=planned_setpoint_kw(scheduler.plan, device_id, now),
            force=scheduler.forces.get(device_id),
            departure=scheduler.departure_for(device_id, now)
            if device.is_car
            else None,
            prices_known=scheduler.prices_known(now),
        )
    )
    if command.force_expired:
        scheduler.forces.pop(device_id, None)
    if command.action is Action.HOLD:
        LOGGER.info("%s reached its reserve; discharging stops", device.name)
        await _hold(coordinator, device.name)
    if command.action is not Action.SETPOINT:
        guard.forget()
        _export_events(scheduler, guard, device, 0.0, "mode")
        return
    setpoint = command.setpoint_kw
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


async def _hold(coordinator: object, name: str) -> None:
    """Switch a device the user is discharging by hand to hold."""
    try:
        if isinstance(coordinator, ChargerCoordinator):
            await coordinator.async_set_control(mode=ControlMode.HOLD)
        elif isinstance(coordinator, PackCoordinator):
            await coordinator.async_set_mode(ControlMode.HOLD)
    except HomeAssistantError as err:
        LOGGER.warning("%s could not be put on hold: %s", name, err)


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
