"""The site's plan sensors: next action, expected export revenue today and tomorrow, estimated profit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .blocks import NextAction
from .entities import SchedulerEntity
from .plan_reading import PLANNING_MODES, PlanReading

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .scheduler import Scheduler

# Attributes that change with every plan (or every poll of the ledger): kept out of the recorder.
UNRECORDED = frozenset(
    {
        "starts_at",
        "ends_at",
        "duration_minutes",
        "power_kw",
        "energy_kwh",
        "money",
        "planned_at",
        "trigger",
        "plan",
        "earned",
        "planned",
        "export_revenue",
        "wear_cost",
        "until",
    }
)


@dataclass(frozen=True, kw_only=True)
class LedgerFeed:
    """The export revenue the ledger booked today, and how to hear when it changes."""

    revenue_today: Callable[[], float]
    subscribe: Callable[[CALLBACK_TYPE], Callable[[], None]]


@dataclass(frozen=True, kw_only=True)
class PlanSensorDescription(SensorEntityDescription):
    """A sensor that reads the plan; money sensors are in the prices' currency."""

    value_fn: Callable[[PlanReading], StateType]
    attributes_fn: Callable[[PlanReading], dict[str, Any] | None] = lambda _: None
    money: bool = False


def _profit_attributes(reading: PlanReading) -> dict[str, Any] | None:
    plan = reading.plan
    if plan is None or not plan.slots:
        return None
    return {
        "export_revenue": round(plan.totals.export_revenue, 2),
        "wear_cost": round(plan.totals.wear_cost, 2),
        "until": plan.slots[-1].end,
    }


NEXT_ACTION = PlanSensorDescription(
    key="next_action",
    translation_key="next_action",
    device_class=SensorDeviceClass.ENUM,
    options=[action.value for action in NextAction],
    value_fn=lambda reading: reading.next_action.value,
    attributes_fn=lambda reading: reading.next_action_attributes(),
)
PLANNING_MODE = PlanSensorDescription(
    key="planning_mode",
    translation_key="planning_mode",
    device_class=SensorDeviceClass.ENUM,
    options=PLANNING_MODES,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=lambda reading: reading.planning_mode,
)
REVENUE_SENSORS: tuple[PlanSensorDescription, ...] = (
    PlanSensorDescription(
        key="expected_revenue_today",
        translation_key="expected_revenue_today",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        money=True,
        value_fn=lambda reading: reading.revenue_today,
        attributes_fn=lambda reading: {
            "earned": round(reading.earned_today, 2),
            "planned": reading.planned_today,
        },
    ),
    PlanSensorDescription(
        key="expected_revenue_tomorrow",
        translation_key="expected_revenue_tomorrow",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        money=True,
        value_fn=lambda reading: reading.revenue_tomorrow,
    ),
)
ESTIMATED_PROFIT = PlanSensorDescription(
    key="estimated_profit",
    translation_key="estimated_profit",
    device_class=SensorDeviceClass.MONETARY,
    suggested_display_precision=2,
    money=True,
    value_fn=lambda reading: reading.profit,
    attributes_fn=_profit_attributes,
)
PLAN_SENSORS: tuple[PlanSensorDescription, ...] = (
    NEXT_ACTION,
    *REVENUE_SENSORS,
    ESTIMATED_PROFIT,
    PLANNING_MODE,
)


class PlanSensor(SchedulerEntity, SensorEntity):
    """A sensor of the site's plan; it follows the scheduler (and, for today's revenue, the ledger)."""

    entity_description: PlanSensorDescription
    _unrecorded_attributes = UNRECORDED

    def __init__(
        self,
        scheduler: Scheduler,
        entry: ConfigEntry,
        description: PlanSensorDescription,
        ledger: LedgerFeed,
    ) -> None:
        """Money sensors take the prices' currency."""
        super().__init__(scheduler, entry, description)
        self._ledger = ledger
        if description.money:
            self._attr_native_unit_of_measurement = scheduler.currency

    async def async_added_to_hass(self) -> None:
        """Today's revenue follows the ledger too (what was booked plus what is still planned).

        The next action does not: its card figure moves little between plans, as what is sold comes off what
        is planned, and writing the plan at every poll would only fill the recorder.
        """
        await super().async_added_to_hass()
        if self.entity_description.key == "expected_revenue_today":
            self.async_on_remove(self._ledger.subscribe(self.async_write_ha_state))

    def _reading(self) -> PlanReading:
        return PlanReading(
            scheduler=self.scheduler,
            now=dt_util.utcnow(),
            earned_today=self._ledger.revenue_today(),
        )

    @property
    def native_value(self) -> StateType:
        """The value read from the plan now."""
        return self.entity_description.value_fn(self._reading())

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details of the value (and, on the next action, the plan for the card)."""
        return self.entity_description.attributes_fn(self._reading())


def async_add_scheduler_sensors(
    entry: ConfigEntry,
    scheduler: Scheduler,
    async_add_entities: AddConfigEntryEntitiesCallback,
    ledger: LedgerFeed,
) -> None:
    """Add the plan sensors to the site (called from the sensor platform)."""
    async_add_entities(
        PlanSensor(scheduler, entry, description, ledger)
        for description in PLAN_SENSORS
    )
