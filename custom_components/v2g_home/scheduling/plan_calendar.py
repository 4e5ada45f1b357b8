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


class PlanCalendar(SchedulerEntity, CalendarEntity):
    """The plan's windows per device: kWh, money and reason in each event; on while one is under way."""

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

    @property
    def event(self) -> CalendarEvent | None:
        """The window under way, else the next one."""
        now = dt_util.utcnow()
        following = next((b for b in self._blocks() if b.end > now), None)
        return None if following is None else self._event(following)

    async def async_get_events(
        self,
        hass: HomeAssistant,  # noqa: ARG002 (Home Assistant's signature)
        start_date: datetime,
        end_date: datetime,
    ) -> list[CalendarEvent]:
        """The planned windows that overlap the range asked for."""
        return [
            self._event(block)
            for block in self._blocks()
            if block.start < end_date and block.end > start_date
        ]
