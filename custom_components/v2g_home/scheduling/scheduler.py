"""The site's scheduling loop: plan in the executor, drive devices in auto, keep them safe."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import (
    async_track_time_interval,
    async_track_utc_time_change,
)
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..control.decide import Force
from ..control.settings import OneOffDeparture, SchedulerSettings, next_departure
from .drive import SetpointHook, async_apply_force, drive_all, drive_device
from .guard import DeviceGuard
from .overrides import Overrides
from .planning import (
    HouseForecastProvider,
    async_plan_site,
    update_departure_issue,
)
from .settings_store import SettingsStore
from .snapshot import snapshot
from .view import commands_as_dict, plan_as_dict, replan_reason

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.config_entries import ConfigEntry

    from ..control.modes import ControlMode
    from ..control.snapshot import DeviceSnapshot
    from ..coordinators.base import DeviceCoordinator
    from ..planner.model import Plan
    from ..pricing.coordinator import PriceCoordinator
    from .reserves import SiteReserves

EVENT_PLAN_UPDATED = f"{DOMAIN}_plan_updated"
WATCHDOG_INTERVAL = timedelta(seconds=30)


class Scheduler:
    """Plans one site and commands its devices that are in auto mode."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        devices: Mapping[str, DeviceCoordinator[Any]],
        prices: PriceCoordinator | None,
    ) -> None:
        """Nothing runs before async_start."""
        self.hass = hass
        self.entry = entry
        self.devices = dict(devices)
        self.prices = prices
        self.settings = SchedulerSettings()
        self.plan: Plan | None = None
        self.planned_at: datetime | None = None
        self.last_reason: str | None = None
        self.grid_only = True
        self.house_forecast_provider: HouseForecastProvider | None = None
        self.overrides = Overrides(hass, entry.entry_id)
        self.guards: dict[str, DeviceGuard] = {}
        self.reserves: SiteReserves | None = None
        self._store = SettingsStore(hass, entry.entry_id)
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._listeners: list[CALLBACK_TYPE] = []
        self._planning = False
        self.stopped = False
        self._again: str | None = None
        self._seen: dict[str, tuple[ControlMode, bool]] = {}
        self._prices_seen: object = None
        self.setpoint_hook: SetpointHook | None = None  # the frequency response's

    @property
    def currency(self) -> str:
        """The currency of the prices (and so of every amount the plan shows)."""
        return self.prices.currency if self.prices is not None else "DKK"

    def prices_known(self, now: datetime) -> bool:
        """Whether the current slot has a price (no export on stale prices)."""
        return self.prices is not None and self.prices.data.slot_at(now) is not None

    def names(self) -> dict[str, str]:
        """Device names by id, for the UI."""
        return {key: coordinator.name for key, coordinator in self.devices.items()}

    async def async_load(self) -> None:
        """Read the stored settings (before the entities are created)."""
        self.settings = await self._store.async_load()
        await self.overrides.async_load(dt_util.utcnow())
        if self.reserves is not None:
            await self.reserves.async_load()
            self.reserves.book.async_add_listener(self._on_reserves)
            self.reserves.on_new_prices = self._on_reserves
        for device_id, coordinator in self.devices.items():
            self.guards[device_id] = DeviceGuard(
                self.hass, self.entry.entry_id, device_id, coordinator.base_interval
            )

    async def async_start(self) -> None:
        """Listen to prices, devices and the clock; make the first plan."""
        if (prices := self.prices) is not None:
            self._prices_seen = prices.data
            self._unsubscribe.append(prices.async_add_listener(self._on_prices))
        for device_id, coordinator in self.devices.items():
            self._unsubscribe.append(
                coordinator.async_add_listener(partial(self._on_device, device_id))
            )
            found = snapshot(device_id, coordinator)
            self._seen[device_id] = (found.mode, found.available)
            self.guards[device_id].seen(
                found, coordinator.last_update_success, dt_util.utcnow()
            )
        self._unsubscribe.append(
            async_track_utc_time_change(
                self.hass, self._on_slot_boundary, minute=(0, 15, 30, 45), second=0
            )
        )
        self._unsubscribe.append(
            async_track_time_interval(self.hass, self._on_watchdog, WATCHDOG_INTERVAL)
        )
        await self.async_request_replan("start")

    async def async_shutdown(self) -> None:
        """Stop listening; the device coordinators hand control back themselves."""
        self.stopped = True
        while self._unsubscribe:
            self._unsubscribe.pop()()
        for guard in self.guards.values():
            guard.remove_issues()
        await self.overrides.async_flush()

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever the plan or the settings change (for entities)."""
        self._listeners.append(update)
        return lambda: self._listeners.remove(update)

    def _notify(self) -> None:
        for update in list(self._listeners):
            update()

    async def async_update_settings(self, **changes: Any) -> None:
        """Change settings, store them and plan again."""
        self.settings = self.settings.changed(**changes)
        await self._store.async_save(self.settings)
        self._notify()
        await self.async_request_replan("settings")

    async def async_set_departure(
        self, *, device_id: str | None, when: datetime, target_soc_pct: float
    ) -> None:
        """One trip: this SoC at that time (None: every car), then plan again."""
        self.departures[device_id] = OneOffDeparture(
            when=dt_util.as_utc(when), target_soc_pct=target_soc_pct
        )
        self.overrides.changed()
        await self.async_request_replan("departure")

    async def async_force(
        self,
        *,
        device_id: str | None,
        power_kw: float,
        until: datetime,
        target_soc_pct: float | None = None,
    ) -> None:
        """Override the plan (+ charge, - export) for a device in auto, or all (None)."""
        force = Force(
            power_kw=power_kw,
            until=dt_util.as_utc(until),
            target_soc_pct=target_soc_pct,
        )
        await async_apply_force(self, device_id, force)

    @property
    def forces(self) -> dict[str | None, Force]:
        """Pending forces by device id (None: every device)."""
        return self.overrides.forces

    @property
    def departures(self) -> dict[str | None, OneOffDeparture]:
        """Pending one-off trips by device id (None: every car)."""
        return self.overrides.departures

    def departure_for(
        self, device_id: str, now: datetime
    ) -> tuple[datetime, float] | None:
        """The car's next departure and its target SoC (%): a one-off one, else the daily one."""
        return next_departure(
            self.settings,
            self.departures,
            device_id,
            now,
            dt_util.get_default_time_zone(),
        )

    async def async_request_replan(self, reason: str) -> None:
        """Plan again now (or right after the planning under way)."""
        if self.stopped:
            return
        if self._planning:
            self._again = reason
            return
        self._planning = True
        try:
            next_reason: str | None = reason
            while next_reason is not None:
                self._again = None
                await self._async_replan(next_reason)
                next_reason = self._again
        finally:
            self._planning = False

    async def _async_replan(self, reason: str) -> None:
        now = dt_util.utcnow()
        snapshots = [
            snapshot(key, coordinator) for key, coordinator in self.devices.items()
        ]
        previous = self.plan
        self.plan = (
            await self._async_plan(now, snapshots) if self.settings.enabled else None
        )
        if self.reserves is not None:
            self.reserves.after_plan(previous, self.plan, now, reason)
        self.planned_at = now
        self.last_reason = reason
        update_departure_issue(self.hass, self.entry.entry_id, self.plan, self.names())
        self.hass.bus.async_fire(
            EVENT_PLAN_UPDATED,
            {
                "entry_id": self.entry.entry_id,
                "device_ids": []
                if self.plan is None
                else [d.device_id for d in self.plan.devices],
                "reason": reason,
                "feasible": None if self.plan is None else self.plan.feasible,
            },
        )
        self._notify()
        await drive_all(self, reason)

    async def _async_plan(
        self, now: datetime, snapshots: list[DeviceSnapshot]
    ) -> Plan | None:
        plan, self.grid_only = await async_plan_site(self, now, snapshots)
        return plan

    @callback
    def _on_prices(self) -> None:
        prices = self.prices
        current = None if prices is None else prices.data
        if current is self._prices_seen:
            return
        self._prices_seen = current
        self.entry.async_create_task(self.hass, self.async_request_replan("prices"))

    @callback
    def _on_device(self, device_id: str) -> None:
        coordinator = self.devices[device_id]
        now = dt_util.utcnow()
        found = snapshot(device_id, coordinator)
        self.guards[device_id].seen(found, coordinator.last_update_success, now)
        before = self._seen.get(device_id)
        self._seen[device_id] = (found.mode, found.available)
        reason = replan_reason(before, found, self.plan, self.planned_at, now)
        if reason is not None:
            self.entry.async_create_task(self.hass, self.async_request_replan(reason))
        else:
            self.entry.async_create_task(
                self.hass, drive_device(self, device_id, "poll")
            )

    @callback
    def _on_reserves(self) -> None:
        self.entry.async_create_task(self.hass, self.async_request_replan("reserves"))

    @callback
    def _on_slot_boundary(self, _now: datetime) -> None:
        self.entry.async_create_task(self.hass, self.async_request_replan("slot"))

    @callback
    def _on_watchdog(self, _now: datetime) -> None:
        self.entry.async_create_task(self.hass, drive_all(self, "watchdog"))

    def plan_as_dict(self) -> dict[str, Any]:
        """The plan as action response data, with what each device does right now and why."""
        now = commands_as_dict({k: g.last_command for k, g in self.guards.items()})
        return plan_as_dict(self.plan, self.planned_at, self.names()) | {"now": now}
