"""Sensors: the charger, its Leaf, the packs, and the site's prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import SensorEntity
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.util import dt as dt_util

from .accounting.entities import async_add_accounting_sensors
from .accounting.pack_energy import (
    ENERGY_COUNTERS,
    ChargerEnergySensor,
    PackEnergySensor,
)
from .accounting.reserve_entities import async_add_reserve_income_sensors
from .coordinators.charger import ChargerCoordinator
from .coordinators.charger_sensors import CHARGER_STATUS_SENSORS
from .coordinators.entity import V2GEntity
from .coordinators.pack import PackCoordinator
from .coordinators.sensor_descriptions import (
    CHARGER_SENSORS,
    PACK_SENSORS,
    ChargerSensorDescription,
    PackSensorDescription,
)
from .grid.entities import async_add_response_sensors
from .pricing.entities import async_add_price_sensors
from .scheduling.plan_entities import LedgerFeed, async_add_scheduler_sensors
from .scheduling.reserve_entities import async_add_reserve_sensors

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .runtime import V2GConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 (Home Assistant's platform signature)
    entry: V2GConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each device's sensors to its subentry, and the price and plan sensors to the site."""
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        if isinstance(coordinator, ChargerCoordinator):
            async_add_entities(
                [
                    *(
                        (LeafSocSensor if _is_leaf_soc(description) else ChargerSensor)(
                            coordinator, description
                        )
                        for description in (*CHARGER_SENSORS, *CHARGER_STATUS_SENSORS)
                        if coordinator.driver.kind in description.kinds
                    ),
                    *(
                        ChargerEnergySensor(coordinator, description)
                        for description in ENERGY_COUNTERS
                    ),
                ],
                config_subentry_id=subentry_id,
            )
        elif isinstance(coordinator, PackCoordinator):
            async_add_entities(
                [
                    *(
                        PackSensor(coordinator, description)
                        for description in PACK_SENSORS
                        if description.exists_fn(coordinator.data)
                    ),
                    *(
                        PackEnergySensor(coordinator, description)
                        for description in ENERGY_COUNTERS
                    ),
                ],
                config_subentry_id=subentry_id,
            )
    if entry.runtime_data.prices is not None:
        async_add_price_sensors(entry.runtime_data.prices, entry, async_add_entities)
    runtime = entry.runtime_data
    ledger = runtime.ledger
    async_add_scheduler_sensors(
        entry,
        runtime.scheduler,
        async_add_entities,
        LedgerFeed(
            revenue_today=lambda: ledger.totals(None, "today").export_revenue,
            subscribe=ledger.async_add_listener,
        ),
    )
    async_add_response_sensors(entry, runtime.responder, async_add_entities)
    async_add_accounting_sensors(
        entry, runtime.ledger, runtime.devices, async_add_entities
    )
    async_add_reserve_sensors(entry, runtime.scheduler, async_add_entities)
    reserves = runtime.scheduler.reserves
    if runtime.reserve_income is not None and reserves and reserves.settings.enabled:
        async_add_reserve_income_sensors(
            entry, runtime.reserve_income, runtime.devices, async_add_entities
        )


class ChargerSensor(V2GEntity[ChargerCoordinator], SensorEntity):
    """A sensor of the charger or its Leaf."""

    entity_description: ChargerSensorDescription

    def __init__(
        self, coordinator: ChargerCoordinator, description: ChargerSensorDescription
    ) -> None:
        """Attach to the charger, or to the Leaf for car values."""
        super().__init__(coordinator, description, on_leaf=description.on_leaf)

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the latest poll."""
        return self.entity_description.value_fn(self.coordinator.data)


def _is_leaf_soc(description: ChargerSensorDescription) -> bool:
    return description.on_leaf and description.key == "soc"


@dataclass(frozen=True, kw_only=True)
class LeafSocMemory(ExtraStoredData):
    """The Leaf's last good SoC, when it was measured, and whether the car stayed on the gun since."""

    soc_pct: float
    measured_at: datetime
    stayed_plugged_in: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for Home Assistant's restore cache."""
        return {
            "soc_pct": self.soc_pct,
            "measured_at": self.measured_at.isoformat(),
            "stayed_plugged_in": self.stayed_plugged_in,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeafSocMemory | None:
        """Read it back; anything malformed (an older or damaged cache) is ignored."""
        try:
            measured_at = dt_util.parse_datetime(str(data["measured_at"]))
            soc_pct = float(data["soc_pct"])
            stayed = data["stayed_plugged_in"]
        except (KeyError, TypeError, ValueError):
            return None
        if (
            measured_at is None
            or measured_at.tzinfo is None
            or not isinstance(stayed, bool)
        ):
            return None
        return cls(soc_pct=soc_pct, measured_at=measured_at, stayed_plugged_in=stayed)


class LeafSocSensor(ChargerSensor, RestoreEntity):
    """The car's SoC, kept across restarts: chargers such as the Quasar report it only while energy flows."""

    # Renewed at every poll while energy flows: kept out of the recorder (and so out of the history).
    _unrecorded_attributes = frozenset({"measured_at"})

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """When the SoC shown was measured."""
        return {"measured_at": self.coordinator.data.car.soc.measured_at}

    @property
    def extra_restore_state_data(self) -> LeafSocMemory | None:
        """The last good SoC and whether the car has stayed plugged in since it was measured."""
        data = self.coordinator.data
        soc = self.coordinator.car.soc_filter.last_good
        if data is None or soc.soc_pct is None or soc.measured_at is None:
            return None
        return LeafSocMemory(
            soc_pct=soc.soc_pct,
            measured_at=soc.measured_at,
            stayed_plugged_in=data.car.plugged_in is True
            and not self.coordinator.car.soc_filter.unplugged_since_good,
        )

    async def async_added_to_hass(self) -> None:
        """Seed the car's SoC from before the restart when the coordinator finds it still valid."""
        await super().async_added_to_hass()
        stored = await self.async_get_last_extra_data()
        memory = None if stored is None else LeafSocMemory.from_dict(stored.as_dict())
        if memory is not None and self.coordinator.restore_car_soc(
            memory.soc_pct,
            memory.measured_at,
            stayed_plugged_in=memory.stayed_plugged_in,
        ):
            self.coordinator.async_update_listeners()


class PackSensor(V2GEntity[PackCoordinator], SensorEntity):
    """A sensor of a stationary pack."""

    entity_description: PackSensorDescription

    @property
    def native_value(self) -> StateType:
        """The value from the latest poll."""
        return self.entity_description.value_fn(self.coordinator.data)
