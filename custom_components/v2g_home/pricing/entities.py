"""Price entities on the site device: buy and sell price now (with forecast and next update), tomorrow known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..coordinators.entity import site_device_info
from ..prices.models import BuyAndSell
from .coordinator import PriceCoordinator

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity_platform import AddEntitiesCallback

    from ..prices.models import PriceForecast

# The longest real horizon is 36 h of quarter hours (13:00 on the day before a 25-hour day): 144 slots.
# At about 59 bytes per item 150 slots stay under 9 KB, well below HA's 16 KB attribute warning.
MAX_FORECAST_SLOTS = 150
ATTR_FORECAST = "forecast"
ATTR_NEXT_UPDATE = "next_update"


@dataclass(frozen=True, kw_only=True)
class PriceSensorDescription(SensorEntityDescription):
    """A price sensor: which price of a slot it shows."""

    price_fn: Callable[[BuyAndSell], float]


PRICE_SENSORS: tuple[PriceSensorDescription, ...] = (
    PriceSensorDescription(
        key="buy_price",
        translation_key="buy_price",
        suggested_display_precision=3,
        price_fn=lambda slot: slot.buy_per_kwh,
    ),
    PriceSensorDescription(
        key="sell_price",
        translation_key="sell_price",
        suggested_display_precision=3,
        price_fn=lambda slot: slot.sell_per_kwh,
    ),
)
TOMORROW_KNOWN_SENSOR = BinarySensorEntityDescription(
    key="tomorrow_prices_known",
    translation_key="tomorrow_prices_known",
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)


class PriceEntity(CoordinatorEntity[PriceCoordinator]):
    """Common base: the site device, a unique id per entry and key, a staleness attribute."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: PriceCoordinator, entry: ConfigEntry, key: str
    ) -> None:
        """Attach the entity to the site device."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = site_device_info(entry)

    @property
    def forecast(self) -> PriceForecast:
        """The coordinator's current buy and sell prices."""
        return self.coordinator.data


class PriceSensor(PriceEntity, SensorEntity):
    """The buy or sell price of the current slot, with the prices ahead as an attribute list."""

    entity_description: PriceSensorDescription
    _attr_device_class = SensorDeviceClass.MONETARY
    # The next fetch moves every few minutes while an entity source is polled: no history, no logbook.
    _unrecorded_attributes = frozenset({ATTR_FORECAST, ATTR_NEXT_UPDATE})

    def __init__(
        self,
        coordinator: PriceCoordinator,
        entry: ConfigEntry,
        description: PriceSensorDescription,
    ) -> None:
        """Show one of the slot's prices in the forecast currency per kWh."""
        super().__init__(coordinator, entry, description.key)
        self.entity_description = description
        self._attr_native_unit_of_measurement = f"{coordinator.currency}/kWh"

    @property
    def available(self) -> bool:
        """Available while the current slot has a price (stale prices still count)."""
        return self.forecast.slot_at(dt_util.utcnow()) is not None

    @property
    def native_value(self) -> float | None:
        """The price of the current slot."""
        slot = self.forecast.slot_at(dt_util.utcnow())
        return (
            None if slot is None else round(self.entity_description.price_fn(slot), 5)
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Forecast for chart cards ({start, price}), staleness, source, next fetch, tomorrow known."""
        forecast = self.forecast
        slots = forecast.slots_from(dt_util.utcnow())[:MAX_FORECAST_SLOTS]
        return {
            ATTR_FORECAST: [
                {
                    "start": slot.start.isoformat(),
                    "price": round(self.entity_description.price_fn(slot), 4),
                }
                for slot in slots
            ],
            "stale": forecast.stale,
            "source": forecast.source,
            "tomorrow_known": forecast.tomorrow_known,
            ATTR_NEXT_UPDATE: forecast.next_update,
        }


class TomorrowKnownSensor(PriceEntity, BinarySensorEntity):
    """On once every slot of tomorrow (Danish day) has a price."""

    def __init__(self, coordinator: PriceCoordinator, entry: ConfigEntry) -> None:
        """Describe the binary sensor."""
        super().__init__(coordinator, entry, TOMORROW_KNOWN_SENSOR.key)
        self.entity_description = TOMORROW_KNOWN_SENSOR

    @property
    def is_on(self) -> bool:
        """Whether tomorrow's prices are known."""
        return self.forecast.tomorrow_known


@callback
def async_add_price_sensors(
    coordinator: PriceCoordinator,
    entry: ConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the price sensors (called from the integration's sensor platform)."""
    async_add_entities(
        PriceSensor(coordinator, entry, description) for description in PRICE_SENSORS
    )


@callback
def async_add_price_binary_sensors(
    coordinator: PriceCoordinator,
    entry: ConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the "tomorrow's prices known" binary sensor (called from the binary_sensor platform)."""
    async_add_entities([TomorrowKnownSensor(coordinator, entry)])
