"""Per reserve product, the kW the site holds this hour, with the offer of the next 36 hours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfPower
from homeassistant.util import dt as dt_util

from ..planner.reserve_plan import reserved_kw_at
from .entities import SchedulerEntity
from .reserves import offer_of

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .scheduler import Scheduler


def reserve_description(product: str) -> SensorEntityDescription:
    """The sensor of one product (key and translation `reserved_<product>`)."""
    return SensorEntityDescription(
        key=f"reserved_{product}",
        translation_key=f"reserved_{product}",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=2,
    )


class ReservedPowerSensor(SchedulerEntity, SensorEntity):
    """kW of one product the plan holds now; the hourly offer is an attribute kept out of the recorder."""

    _unrecorded_attributes = frozenset({"offer"})

    def __init__(self, scheduler: Scheduler, entry: ConfigEntry, product: str) -> None:
        """One sensor per product the site offers."""
        super().__init__(scheduler, entry, reserve_description(product))
        self._product = product

    @property
    def native_value(self) -> float:
        """KW held now over every device (0 without a plan)."""
        plan = self.scheduler.plan
        if plan is None:
            return 0.0
        return round(reserved_kw_at(plan, self._product, dt_util.utcnow()), 3)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The kW per hour for the next 24-36 h (what a pool bids from), and what is committed now."""
        now = dt_util.utcnow()
        reserves = self.scheduler.reserves
        committed = 0.0
        if reserves is not None:
            committed = sum(
                reserves.book.held(device_id, self._product, now)
                for device_id in self.scheduler.devices
            )
        return {
            "offer": offer_of(self.scheduler.plan, (self._product,), now)[
                self._product
            ],
            "committed_kw": round(committed, 3),
        }


def async_add_reserve_sensors(
    entry: ConfigEntry,
    scheduler: Scheduler,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One sensor per offered product, when the site has reserves on."""
    reserves = scheduler.reserves
    if reserves is None or not reserves.settings.enabled:
        return
    async_add_entities(
        ReservedPowerSensor(scheduler, entry, product)
        for product in reserves.settings.products
    )
