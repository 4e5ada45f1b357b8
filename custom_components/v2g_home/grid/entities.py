"""Frequency response entities: what the site does now and why, the grid frequency, what each device can offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfFrequency
from homeassistant.helpers.typing import StateType

from ..common.site import price_area
from ..control.capability import OfferSummary, summary
from ..control.response import ResponseState
from ..coordinators.base import DeviceCoordinator
from ..coordinators.entity import SiteEntity, V2GEntity
from .responder import FrequencyResponder
from .view import site_state, status

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

SITE_STATES = ["idle", *(state.value for state in ResponseState)]


@dataclass(frozen=True, kw_only=True)
class ResponseSensorDescription(SensorEntityDescription):
    """A site sensor of the frequency response, its value and attributes taken from the responder."""

    value_fn: Callable[[FrequencyResponder], StateType]
    attributes_fn: Callable[[FrequencyResponder], dict[str, Any] | None] = (
        lambda _: None
    )


def _hz(responder: FrequencyResponder) -> float | None:
    reading = responder.reading
    return None if reading is None or reading.hz is None else round(reading.hz, 3)


RESPONSE_SENSORS = (
    ResponseSensorDescription(
        key="frequency_response",
        translation_key="frequency_response",
        device_class=SensorDeviceClass.ENUM,
        options=SITE_STATES,
        # Only a site that holds reserves needs it: enabled on demand (the site page stays short).
        entity_registry_enabled_default=False,
        value_fn=site_state,
        attributes_fn=status,
    ),
    ResponseSensorDescription(
        key="grid_frequency",
        translation_key="grid_frequency",
        device_class=SensorDeviceClass.FREQUENCY,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=3,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_hz,
    ),
)


class ResponseSensor(SiteEntity, SensorEntity):
    """A sensor of the site's frequency response (updated on changes, at most every few seconds)."""

    # Per-device detail changes every tick of an activation: kept out of the recorder.
    _unrecorded_attributes = frozenset({"devices", "frequency_hz"})
    entity_description: ResponseSensorDescription

    def __init__(
        self,
        responder: FrequencyResponder,
        entry: ConfigEntry,
        description: ResponseSensorDescription,
    ) -> None:
        """Attach to the site device."""
        super().__init__(responder, entry, description)
        self.responder = responder

    @property
    def native_value(self) -> StateType:
        """The value now."""
        return self.entity_description.value_fn(self.responder)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details for the frequency response sensor."""
        return self.entity_description.attributes_fn(self.responder)


OFFER_SENSOR = SensorEntityDescription(
    key="reserve_offer",
    translation_key="reserve_offer",
    device_class=SensorDeviceClass.ENUM,
    options=[item.value for item in OfferSummary],
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)


class ReserveOfferSensor(V2GEntity[DeviceCoordinator[Any]], SensorEntity):
    """Which reserves a device can deliver at their speed, or why none (no bid is made for the others)."""

    def __init__(self, responder: FrequencyResponder, device_id: str) -> None:
        """Attach to the device."""
        super().__init__(responder.scheduler.devices[device_id], OFFER_SENSOR)
        self.responder = responder
        self.device_id = device_id

    async def async_added_to_hass(self) -> None:
        """Follow the responder too (a DER device's own droop is found after the start)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.responder.async_add_listener(self.async_write_ha_state)
        )

    @property
    def native_value(self) -> str:
        """The products it can offer, or why none."""
        return summary(
            self.responder.offers(self.device_id), price_area(self.responder.entry)
        ).value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Seconds each product's required shares are expected to take from a frequency step."""
        return {
            offer.product.value: [round(s, 1) for s in offer.seconds]
            for offer in self.responder.offers(self.device_id)
        }


def async_add_response_sensors(
    entry: ConfigEntry,
    responder: FrequencyResponder,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the site's frequency response sensors and each device's reserve offer."""
    async_add_entities(
        ResponseSensor(responder, entry, description)
        for description in RESPONSE_SENSORS
    )
    for device_id in responder.scheduler.devices:
        async_add_entities(
            [ReserveOfferSensor(responder, device_id)], config_subentry_id=device_id
        )
