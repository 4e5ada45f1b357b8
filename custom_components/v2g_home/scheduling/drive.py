"""One device, one instant: ask control what to do, then write it and tell the user what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..control.decide import Action, Force, Situation, decide, force_refusal
from ..control.dispatch import Dispatch, dispatch_refusal
from ..control.modes import ControlMode
from ..coordinators.charger import ChargerCoordinator
from ..coordinators.pack import PackCoordinator
from .planning import devices_in_auto
from .snapshot import snapshot
from .view import planned_setpoint_kw

if TYPE_CHECKING:
    from datetime import datetime

    from ..control.decide import Command
    from ..control.snapshot import DeviceSnapshot
    from .guard import DeviceGuard
    from .scheduler import Scheduler

EVENT_EXPORT_STARTED = f"{DOMAIN}_export_started"
EVENT_EXPORT_STOPPED = f"{DOMAIN}_export_stopped"


class SetpointHook(Protocol):
    """What rides on the plan's setpoint before drive writes it (the frequency response, grid/)."""

    def adjusted_setpoint(self, device_id: str, command: Command) -> float:
        """The setpoint to write for the plan's command to this device."""


def situation_for(
    scheduler: Scheduler,
    device_id: str,
    now: datetime,
    *,
    force: Force | None,
    planned_kw: float | None = None,
) -> Situation:
    """What control needs to decide for one device now (the plan's setpoint unless given)."""
    guard = scheduler.guards[device_id]
    device = snapshot(
        device_id, scheduler.devices[device_id], reading_age_s=guard.reading_age_s(now)
    )
    dispatch = scheduler.overrides.dispatches.get(device_id)
    return Situation(
        offset_kw=dispatch.offset_kw if dispatch and dispatch.active(now) else 0.0,
        device=device,
        now=now,
        settings=scheduler.settings,
        planned_kw=planned_setpoint_kw(scheduler.plan, device_id, now)
        if planned_kw is None
        else planned_kw,
        force=force,
        departure=scheduler.departure_for(device_id, now) if device.is_car else None,
        prices_known=scheduler.prices_known(now),
        may_probe_soc=guard.may_probe_soc(device, now),
    )


async def async_apply_force(
    scheduler: Scheduler, device_id: str | None, force: Force
) -> None:
    """Apply a user's override to the devices in auto it names; a translated error when none can act."""
    in_auto = devices_in_auto(scheduler.devices, device_id)
    now = dt_util.utcnow()
    refusals = {
        key: force_refusal(
            situation_for(scheduler, key, now, force=force, planned_kw=0.0)
        )
        for key in in_auto
    }
    able = [key for key, refusal in refusals.items() if refusal is None]
    if not able:
        # Nothing would act on it: say why rather than succeed without effect.
        key, refusal = next(iter(refusals.items()))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=f"force_{refusal}",
            translation_placeholders={"device": scheduler.devices[key].name},
        )
    for key in able:
        scheduler.forces[key] = force
    scheduler.overrides.changed()
    await drive_all(scheduler, "force")


async def async_apply_dispatch(
    scheduler: Scheduler, device_id: str, dispatch: Dispatch
) -> None:
    """Put an aggregator's offset on top of the plan now; a translated error when it cannot act."""
    if device_id not in scheduler.devices:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="dispatch_unknown_device"
        )
    now = dt_util.utcnow()
    situation = situation_for(
        scheduler, device_id, now, force=scheduler.forces.get(device_id)
    )
    refusal = dispatch_refusal(situation, dispatch)
    if refusal is not None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=f"dispatch_{refusal}",
            translation_placeholders={"device": scheduler.devices[device_id].name},
        )
    scheduler.overrides.dispatches[device_id] = dispatch
    scheduler.overrides.changed()
    await drive_device(scheduler, device_id, "dispatch")


async def drive_all(scheduler: Scheduler, reason: str) -> None:
    """Drive every device of the site now, one after the other."""
    for device_id in list(scheduler.devices):
        await drive_device(scheduler, device_id, reason)


def _drop_ended_dispatch(scheduler: Scheduler, device_id: str, now: datetime) -> None:
    dispatch = scheduler.overrides.dispatches.get(device_id)
    if dispatch is not None and not dispatch.active(now):
        del scheduler.overrides.dispatches[device_id]
        scheduler.overrides.changed()


async def drive_device(scheduler: Scheduler, device_id: str, reason: str) -> None:
    """Write the device's setpoint now, or put a manual discharge that reached the reserve on hold."""
    if scheduler.stopped:
        return  # unloading: the coordinators hand control back, nothing may take it again
    coordinator = scheduler.devices[device_id]
    guard = scheduler.guards[device_id]
    if isinstance(coordinator, PackCoordinator):
        # The pack's own firmware holds the reserve too, whatever happens between two checks.
        await coordinator.async_keep_reserve(scheduler.settings.reserve_soc_pct)
    now = dt_util.utcnow()
    _drop_ended_dispatch(scheduler, device_id, now)
    situation = situation_for(
        scheduler, device_id, now, force=scheduler.forces.get(device_id)
    )
    device = situation.device
    guard.check_unreachable(device, now)
    command = decide(situation)
    guard.last_command = command
    if command.force_expired:
        scheduler.forces.pop(device_id, None)
        scheduler.overrides.changed()
    if command.action is Action.HOLD:
        LOGGER.info("%s reached its reserve; discharging stops", device.name)
        await _hold(coordinator, device.name)
    if command.action is not Action.SETPOINT:
        guard.forget()
        _export_events(scheduler, guard, device, 0.0, "mode")
        return
    setpoint = command.setpoint_kw
    if scheduler.setpoint_hook is not None:
        # A committed reserve's droop rides on the plan's setpoint, inside the same rules.
        setpoint = scheduler.setpoint_hook.adjusted_setpoint(device_id, command)
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
