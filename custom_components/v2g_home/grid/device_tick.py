"""One device at one tick of the fast response: read it, ask control, write, log and book."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..control.capability import DeviceSpeed
from ..control.decide import Action
from ..control.droop_curve import curve_for
from ..control.reserve import NOTHING_RESERVED, ReservedPower, droop_export_kw
from ..control.response import ResponseInputs, ResponseState, respond
from ..control.safety import floor_for
from ..control.watchdog import local_droop_state
from ..coordinators.charger import ChargerCoordinator
from ..coordinators.pack import PackCoordinator
from ..devices.errors import DeviceError
from ..devices.fast_read import FastReader
from ..scheduling.drive import situation_for
from .audit_log import LogRow

if TYPE_CHECKING:
    from ..control.frequency import FrequencyVerdict
    from ..coordinators.base import DeviceCoordinator
    from .responder import FrequencyResponder


@dataclass(kw_only=True)
class DeviceTrack:
    """One device in the fast response: how it is read, how fast it is, and its latest tick."""

    reader: FastReader | None
    speed: DeviceSpeed | None
    state: ResponseState = ResponseState.NOT_COMMITTED
    reserved: ReservedPower = NOTHING_RESERVED
    inputs: ResponseInputs | None = None
    ticked_at: datetime | None = None
    setpoint_kw: float | None = None
    power_kw: float | None = None
    requested_kw: float = 0.0
    engaged: bool = (
        False  # committed at the last tick, or still to be put back to the plan
    )


def written_kw(coordinator: DeviceCoordinator[Any]) -> float | None:
    """The auto setpoint the device was last given (None: not in auto)."""
    if isinstance(coordinator, ChargerCoordinator):
        return coordinator.control.setpoint_kw
    if isinstance(coordinator, PackCoordinator):
        return coordinator.setpoint_kw
    return None


async def _write(coordinator: DeviceCoordinator[Any], power_kw: float) -> bool:
    if not isinstance(coordinator, ChargerCoordinator | PackCoordinator):
        return False
    try:
        return await coordinator.async_write_response_kw(power_kw)
    except HomeAssistantError as err:
        LOGGER.debug("%s did not take %.2f kW: %s", coordinator.name, power_kw, err)
        return False


async def _power_kw(
    reader: FastReader | None, coordinator: DeviceCoordinator[Any]
) -> float | None:
    if reader is None or not coordinator.last_update_success:
        return None
    try:
        return await reader.power_kw()
    except DeviceError as err:
        LOGGER.debug("%s: no fast power reading (%s)", coordinator.name, err)
        return None


async def tick_device(
    responder: FrequencyResponder,
    device_id: str,
    hz: float | None,
    verdict: FrequencyVerdict,
) -> None:
    """Respond for one device now, then log the second and book the power."""
    scheduler = responder.scheduler
    coordinator = scheduler.devices[device_id]
    track = responder.tracks[device_id]
    now = dt_util.utcnow()
    reserved = responder.book.reserved(device_id, now)
    power = await _power_kw(track.reader, coordinator)
    measured_at = dt_util.utcnow()
    situation = situation_for(
        scheduler, device_id, measured_at, force=scheduler.forces.get(device_id)
    )
    command = scheduler.guards[device_id].last_command
    base = (
        command.setpoint_kw
        if command is not None and command.action is Action.SETPOINT
        else None
    )
    device = (
        situation.device if power is None else replace(situation.device, power_kw=power)
    )
    inputs = ResponseInputs(
        base_kw=base,
        reserved=reserved,
        hz=hz,
        frequency=verdict,
        device=device,
        power_fresh=power is not None,
        floor=floor_for(device, scheduler.settings, situation.departure),
        last_written_kw=written_kw(coordinator),
        step_kw=0.0 if track.speed is None else track.speed.step_kw,
    )
    if scheduler.stopped:
        return
    if not await _respond_locally(
        responder, device_id, coordinator, inputs, measured_at
    ):
        step = respond(inputs)
        track.state = step.state
        track.requested_kw = step.requested_kw
        if step.write and await _write(coordinator, step.setpoint_kw):
            scheduler.guards[device_id].commanded(step.setpoint_kw, measured_at)
    track.reserved = reserved
    track.inputs = inputs
    track.ticked_at = measured_at
    track.setpoint_kw = written_kw(coordinator)
    track.power_kw = power
    track.engaged = reserved.committed
    if power is not None:
        responder.book_power(device_id, measured_at, power)
    responder.trail.add(
        device_id,
        LogRow(
            at=measured_at,
            hz=hz,
            setpoint_kw=track.setpoint_kw,
            power_kw=power,
            fcr_n_kw=reserved.fcr_n_kw,
            fcr_d_up_kw=reserved.fcr_d_up_kw,
            fcr_d_down_kw=reserved.fcr_d_down_kw,
            fcr_dk1_kw=reserved.fcr_dk1_kw,
            soc_pct=device.known_soc_pct,
            state=track.state,
        ),
    )


async def _respond_locally(
    responder: FrequencyResponder,
    device_id: str,
    coordinator: DeviceCoordinator[Any],
    inputs: ResponseInputs,
    now: datetime,
) -> bool:
    """Let a DER device's own droop answer when it can; True when it does (or was just stopped)."""
    local = responder.local
    droop = (
        await local.async_find(device_id, coordinator)
        if inputs.reserved.committed
        else None
    )
    curve = None if droop is None else curve_for(inputs.reserved, droop.rated_kw)
    track = responder.tracks[device_id]
    engaged = device_id in local.engaged
    if droop is None or curve is None:
        if engaged:
            await local.async_release(device_id, coordinator)
        return False
    state = local_droop_state(inputs, droop.rated_kw, engaged=engaged)
    if state is not ResponseState.DEVICE_LOCAL:
        if engaged:
            LOGGER.info("%s: its own droop stops (%s)", coordinator.name, state)
            await local.async_release(device_id, coordinator)
        track.state, track.requested_kw = state, 0.0
        return True
    if not await local.async_engage(device_id, coordinator, curve, now):
        return False  # the fast task answers instead
    track.state = ResponseState.DEVICE_LOCAL
    track.requested_kw = droop_export_kw(inputs.reserved, inputs.hz or 50.0)
    return True
