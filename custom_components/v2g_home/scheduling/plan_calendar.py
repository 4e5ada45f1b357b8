"""The site's plan as a calendar: every planned charge, export and home-serving window is an event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .blocks import PlanBlock, device_blocks
from .entities import SchedulerEntity
from .reserves import ReserveRun, reserve_runs

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .scheduler import Scheduler

PLAN_CALENDAR = CalendarEntityDescription(key="plan", translation_key="plan")
_ACTION_KEY = f"component.{DOMAIN}.entity.sensor.next_action.state.{{}}"
_REASON_KEY = (
    f"component.{DOMAIN}.entity.sensor.next_action.state_attributes.reason.state.{{}}"
)
_PRODUCT_KEY = f"component.{DOMAIN}.entity.sensor.reserved_{{}}.name"


class PlanCalendar(SchedulerEntity, CalendarEntity):
    """The plan's windows per device (kWh, money, reason) and its reserve hours; on while one is under way."""

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: CalendarEntityDescription,
    ) -> None:
        """Names are read in Home Assistant's language once the entity is added."""
        super().__init__(scheduler, entry, description)
        self._strings: dict[str, str] = {}

    async def async_added_to_hass(self) -> None:
        """Read the action and reason names in Home Assistant's language, then follow the plan."""
        self._strings = await async_get_translations(
            self.hass, self.hass.config.language, "entity", {DOMAIN}
        )
        await super().async_added_to_hass()

    def _text(self, template: str, key: str) -> str:
        return self._strings.get(template.format(key), key)

    def _event(self, block: PlanBlock) -> CalendarEvent:
        scheduler = self.scheduler
        device = scheduler.names().get(block.device_id or "", block.device_id or "")
        action = self._text(_ACTION_KEY, block.action.value)
        reason = self._text(_REASON_KEY, block.reason.value)
        return CalendarEvent(
            start=dt_util.as_local(block.start),
            end=dt_util.as_local(block.end),
            summary=f"{action} {block.power_kw:.1f} kW · {device}",
            description=(
                f"{block.energy_kwh:.1f} kWh · {block.money:+.2f} {scheduler.currency}"
                f" · {reason}"
            ),
            uid=f"{block.device_id}_{block.action.value}_{block.start.isoformat()}",
        )

    def _blocks(self) -> list[PlanBlock]:
        return device_blocks(self.scheduler.plan)

    def _reserve_event(self, run: ReserveRun) -> CalendarEvent:
        scheduler = self.scheduler
        device = scheduler.names().get(run.device_id, run.device_id)
        product = self._text(_PRODUCT_KEY, run.product)
        return CalendarEvent(
            start=dt_util.as_local(run.start),
            end=dt_util.as_local(run.end),
            summary=f"{product} {run.mean_kw:.1f} kW · {device}",
            description=f"{run.income:+.2f} {scheduler.currency}",
            uid=f"{run.device_id}_{run.product}_{run.start.isoformat()}",
        )

    def _events(self) -> list[tuple[datetime, datetime, CalendarEvent]]:
        """Energy windows and reserve hours, in time order."""
        events = [(b.start, b.end, self._event(b)) for b in self._blocks()]
        events += [
            (run.start, run.end, self._reserve_event(run))
            for run in reserve_runs(self.scheduler.plan)
        ]
        return sorted(events, key=lambda item: item[0])

    @property
    def event(self) -> CalendarEvent | None:
        """The window under way, else the next one."""
        now = dt_util.utcnow()
        return next((e for _, end, e in self._events() if end > now), None)

    async def async_get_events(
        self,
        hass: HomeAssistant,  # noqa: ARG002 (Home Assistant's signature)
        start_date: datetime,
        end_date: datetime,
    ) -> list[CalendarEvent]:
        """The planned windows (and reserve hours) that overlap the range asked for."""
        return [
            event
            for start, end, event in self._events()
            if start < end_date and end > start_date
        ]
