"""The site's scheduler entities: plan sensors and the settings numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.util import dt as dt_util

from ..control.settings import SchedulerSettings
from ..coordinators.entity import site_device_info
from .view import NextAction, compact_plan, expected_revenue, next_action

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .scheduler import Scheduler

PLANNING_MODES = ["grid_only", "with_house"]


class SchedulerEntity(Entity):
    """An entity of the site that shows or sets something of its scheduler."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: EntityDescription,
    ) -> None:
        """Attach to the site device."""
        self.scheduler = scheduler
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = site_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow plan and settings changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.scheduler.async_add_listener(self.async_write_ha_state)
        )


NEXT_ACTION = SensorEntityDescription(
    key="next_action",
    translation_key="next_action",
    device_class=SensorDeviceClass.ENUM,
    options=[action.value for action in NextAction],
)
PLANNING_MODE = SensorEntityDescription(
    key="planning_mode",
    translation_key="planning_mode",
    device_class=SensorDeviceClass.ENUM,
    options=PLANNING_MODES,
    entity_category=EntityCategory.DIAGNOSTIC,
)
REVENUE_SENSORS = tuple(
    SensorEntityDescription(
        key=key, translation_key=key, device_class=SensorDeviceClass.MONETARY
    )
    for key in ("expected_revenue_today", "expected_revenue_tomorrow")
)


class NextActionSensor(SchedulerEntity, SensorEntity):
    """What the site does now and why; the plan is an attribute kept out of the recorder."""

    _unrecorded_attributes = frozenset({"plan"})

    @property
    def native_value(self) -> str:
        """The action in the current slot."""
        if not self.scheduler.settings.enabled:
            return NextAction.DISABLED.value
        return next_action(self.scheduler.plan, dt_util.utcnow())[0].value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Reason, planning mode, when and why it was planned, and the plan per slot."""
        scheduler = self.scheduler
        planned_at = scheduler.planned_at
        return {
            "reason": next_action(scheduler.plan, dt_util.utcnow())[1],
            "planning_mode": _planning_mode(scheduler),
            "planned_at": None if planned_at is None else planned_at.isoformat(),
            "trigger": scheduler.last_reason,
            "plan": compact_plan(scheduler.plan, scheduler.names()),
        }


class PlanningModeSensor(SchedulerEntity, SensorEntity):
    """Grid-only (no house sensor) or with the house load forecast."""

    @property
    def native_value(self) -> str:
        """The planning mode of the latest plan."""
        return _planning_mode(self.scheduler)


class ExpectedRevenueSensor(SchedulerEntity, SensorEntity):
    """Export revenue the plan expects today (from now on) or tomorrow."""

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: SensorEntityDescription,
    ) -> None:
        """In the prices' currency."""
        super().__init__(scheduler, entry, description)
        self._attr_native_unit_of_measurement = scheduler.currency
        self._days_ahead = 1 if description.key.endswith("tomorrow") else 0

    @property
    def native_value(self) -> StateType:
        """The money the plan expects from export on that day."""
        day = dt_util.now().date() + timedelta(days=self._days_ahead)
        return expected_revenue(self.scheduler.plan, day)


def _planning_mode(scheduler: Scheduler) -> str:
    return PLANNING_MODES[0] if scheduler.grid_only else PLANNING_MODES[1]


def async_add_scheduler_sensors(
    entry: ConfigEntry,
    scheduler: Scheduler,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the plan sensors to the site (called from the sensor platform)."""
    async_add_entities(
        [
            NextActionSensor(scheduler, entry, NEXT_ACTION),
            PlanningModeSensor(scheduler, entry, PLANNING_MODE),
            *(ExpectedRevenueSensor(scheduler, entry, d) for d in REVENUE_SENSORS),
        ]
    )


@dataclass(frozen=True, kw_only=True)
class SettingNumberDescription(NumberEntityDescription):
    """A number setting of the scheduler, read from and written to its settings."""

    setting: str
    value_fn: Callable[[SchedulerSettings], float]


def _percent(key: str, setting: str) -> SettingNumberDescription:
    return SettingNumberDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.BOX,
        setting=setting,
        value_fn=lambda settings: float(getattr(settings, setting)),
    )


SETTING_NUMBERS: tuple[SettingNumberDescription, ...] = (
    _percent("reserve_soc", "reserve_soc_pct"),
    _percent("departure_target_soc", "departure_target_soc_pct"),
    SettingNumberDescription(
        key="max_export_power",
        translation_key="max_export_power",
        entity_category=EntityCategory.CONFIG,
        device_class=None,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        native_min_value=0,
        native_max_value=50,
        native_step=0.1,
        mode=NumberMode.BOX,
        setting="max_export_kw",
        value_fn=lambda settings: settings.max_export_kw,
    ),
    SettingNumberDescription(
        key="wear_cost",
        translation_key="wear_cost",
        entity_category=EntityCategory.CONFIG,
        native_min_value=0,
        native_max_value=5,
        native_step=0.01,
        mode=NumberMode.BOX,
        setting="wear_per_kwh",
        value_fn=lambda settings: settings.wear_per_kwh,
    ),
)


class SettingNumber(SchedulerEntity, NumberEntity):
    """A scheduler setting; changing it stores it and plans again."""

    entity_description: SettingNumberDescription

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: SettingNumberDescription,
    ) -> None:
        """Wear is in the prices' currency per kWh."""
        super().__init__(scheduler, entry, description)
        if description.setting == "wear_per_kwh":
            self._attr_native_unit_of_measurement = f"{scheduler.currency}/kWh"

    @property
    def native_value(self) -> float:
        """The current setting."""
        return self.entity_description.value_fn(self.scheduler.settings)

    async def async_set_native_value(self, value: float) -> None:
        """Store the setting and plan again."""
        await self.scheduler.async_update_settings(
            **{self.entity_description.setting: value}
        )


def async_add_setting_numbers(
    entry: ConfigEntry,
    scheduler: Scheduler,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the settings numbers to the site (called from the number platform)."""
    async_add_entities(
        SettingNumber(scheduler, entry, description) for description in SETTING_NUMBERS
    )
