"""The fast frequency response: a task apart from the polling coordinators, at 2 Hz while a reserve is held.

A timer ticks twice a second (a tick still running is not started again). Each tick reads the grid
frequency and, for every device holding a reserve (or still to be put back to its plan), runs
`response_device.tick_device` in its own lane, so a slow device delays nobody else. The plan's setpoints keep coming from the scheduler's drive, which asks
`adjusted_setpoint` for the plan's setpoint with the droop in force. Rows go to the audit trail,
flushed off the event loop; measured power goes to the ledger (`book_power`).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..control.capability import (
    CHARGER_SPEEDS,
    TICK_S,
    DeviceSpeed,
    Offer,
    local_droop_speed,
    offers,
)
from ..control.decide import Action
from ..control.frequency import FrequencyReading, FrequencyVerdict, judge
from ..control.reserve import ReserveProduct
from ..control.response import ResponseState, respond
from ..devices.fast_read import fast_reader
from .device_tick import DeviceTrack, tick_device

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from ..control.decide import Command
    from ..scheduling.reservations import ReservationBook
    from ..scheduling.scheduler import Scheduler
    from .audit_trail import AuditTrail
    from .frequency_source import FrequencyReader
    from .local_droop import LocalDroops

FREQUENCY_WAIT_S = 0.4  # a slower source is read on, and judged by its age
FRESH_TICK = timedelta(seconds=1)
NOTIFY_EVERY = timedelta(seconds=5)

type PowerBooker = Callable[[str, datetime, float], None]


class FrequencyResponder:
    """Delivers the site's committed reserves (see the module text)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        scheduler: Scheduler,
        *,
        book: ReservationBook,
        source: FrequencyReader,
        local: LocalDroops,
        trail: AuditTrail,
        book_power: PowerBooker,
    ) -> None:
        """Nothing runs before async_start."""
        self.hass = hass
        self.entry = entry
        self.scheduler = scheduler
        self.book = book
        self.source = source
        self.local = local
        self.trail = trail
        self.book_power = book_power
        self.tracks = {
            key: DeviceTrack(reader=None, speed=None) for key in scheduler.devices
        }
        self.reading: FrequencyReading | None = None
        self.verdict = FrequencyVerdict.NO_SOURCE
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._frequency_lane: asyncio.Task[FrequencyReading | None] | None = None
        self._tick_task: asyncio.Task[bool] | None = None
        self._timer: CALLBACK_TYPE | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._notified_at = dt_util.utcnow()
        self._notified: tuple[Any, ...] = ()

    async def async_start(self) -> None:
        """Learn how each device is read, and start the task."""
        for device_id, coordinator in self.scheduler.devices.items():
            reader = fast_reader(coordinator.driver)
            speed = None if reader is None else CHARGER_SPEEDS.get(reader.speed_key)
            self.tracks[device_id] = DeviceTrack(reader=reader, speed=speed)
            if coordinator.last_update_success:
                await self.local.async_find(device_id, coordinator)
        committed = self.book.devices(dt_util.utcnow())
        for device_id in self.local.pending_restore() - committed:
            # Set before a crash and never restored: the device gets its own settings back.
            if (known := self.scheduler.devices.get(device_id)) is not None:
                await self.local.async_release(device_id, known)
        self._timer = async_track_time_interval(
            self.hass,
            self._on_timer,
            timedelta(seconds=TICK_S),
            name="v2g_home frequency response",
        )

    async def async_stop(self) -> None:
        """Stop the task, give DER devices their own droop back, write the log."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        tasks = [
            t
            for t in (self._tick_task, self._frequency_lane, *self._lanes.values())
            if t is not None
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for device_id in list(self.local.engaged) + list(self.local.pending_restore()):
            coordinator = self.scheduler.devices.get(device_id)
            if coordinator is not None:
                await self.local.async_release(device_id, coordinator)
        await self.trail.async_flush()
        await self.source.async_close()

    def active_devices(self, now: datetime) -> set[str]:
        """Devices holding a reserve now, or still to be put back to their plan."""
        engaged = {key for key, track in self.tracks.items() if track.engaged}
        return (self.book.devices(now) | engaged) & set(self.scheduler.devices)

    @callback
    def _on_timer(self, _now: datetime) -> None:
        if self._tick_task is not None and not self._tick_task.done():
            return  # the last tick is still waiting for the frequency
        self._tick_task = self.entry.async_create_background_task(
            self.hass, self._safe_tick(), "v2g_home frequency response tick"
        )

    async def _safe_tick(self) -> bool:
        try:
            return await self._tick()
        except Exception:  # noqa: BLE001 - the next tick must come whatever broke this one
            LOGGER.exception("The frequency response tick failed")
            return True

    async def _tick(self) -> bool:
        """One tick; False when nothing is held."""
        now = dt_util.utcnow()
        if self.trail.due(now):
            await self.trail.async_flush()
        active = self.active_devices(now)
        if not active or self.scheduler.stopped:
            self._notify_if_changed(now)
            return False
        await self._read_frequency()
        hz, self.verdict = judge(self.reading, dt_util.utcnow())
        if self.reading is None and self.source.kind is not None:
            self.verdict = (
                FrequencyVerdict.STALE
            )  # the first read has not come back yet
        for device_id in active:
            lane = self._lanes.get(device_id)
            if lane is not None and not lane.done():
                self.tracks[device_id].state = ResponseState.DEVICE_SILENT
                continue
            self._lanes[device_id] = self.entry.async_create_background_task(
                self.hass,
                tick_device(self, device_id, hz, self.verdict),
                f"v2g_home frequency response {device_id}",
            )
        self._notify_if_changed(now)
        return True

    async def _read_frequency(self) -> None:
        lane = self._frequency_lane
        if lane is None or lane.done():
            lane = self._frequency_lane = asyncio.ensure_future(
                self.source.async_read()
            )
        done, _ = await asyncio.wait({lane}, timeout=FREQUENCY_WAIT_S)
        if lane in done and not lane.cancelled() and lane.exception() is None:
            self.reading = lane.result()

    def adjusted_setpoint(self, device_id: str, command: Command) -> float:
        """The plan's new setpoint with the droop in force (drive writes it), inside the same rules."""
        track = self.tracks.get(device_id)
        now = dt_util.utcnow()
        if (
            command.action is not Action.SETPOINT
            or track is None
            or track.inputs is None
            or track.ticked_at is None
            or now - track.ticked_at > FRESH_TICK
            or track.state is ResponseState.DEVICE_LOCAL
            or not track.reserved.committed
        ):
            return command.setpoint_kw
        step = respond(
            replace(track.inputs, base_kw=command.setpoint_kw, last_written_kw=None)
        )
        return step.setpoint_kw

    def offers(self, device_id: str) -> tuple[Offer, ...]:
        """Which products the device can deliver in time from here (shown; issue 19 bids on it)."""
        track = self.tracks.get(device_id)
        speed: DeviceSpeed | None = None if track is None else track.speed
        droop = self.local.found(device_id)
        if droop is not None:
            speed = local_droop_speed()
        return offers(speed, self.source.kind)

    def deliverable(self, device_id: str) -> frozenset[str]:
        """The product keys the device can be sold in: the FCR it delivers in time, and mFRR up.

        mFRR up is activated by the aggregator's dispatch (minutes, not seconds), which any device
        in auto follows.
        """
        able = {offer.product.value for offer in self.offers(device_id) if offer.able}
        return frozenset({*able, ReserveProduct.MFRR_UP.value})

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` when a state changes, at most every few seconds otherwise."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify_if_changed(self, now: datetime) -> None:
        seen = (self.verdict, *(t.state for t in self.tracks.values()))
        if seen == self._notified and now - self._notified_at < NOTIFY_EVERY:
            return
        self._notified, self._notified_at = seen, now
        for listener in list(self._listeners):
            listener()
