"""Energy charged into and discharged from a pack, for the Energy dashboard's battery storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import callback

from ..coordinators.entity import V2GEntity
from ..coordinators.pack import PackCoordinator, PackData
from ..devices.models import PackReading

# Power is not integrated across a longer gap (the pack was unreachable; the energy is unknown).
MAX_INTEGRATION_GAP = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True)
class EnergyCounterDescription(SensorEntityDescription):
    """A lifetime counter: the pack's own where it has one, else integrated from power."""

    device_counter_fn: Callable[[PackReading], float | None]
    direction: int  # +1 counts charging, -1 counts discharging


ENERGY_COUNTERS: tuple[EnergyCounterDescription, ...] = tuple(
    EnergyCounterDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        device_counter_fn=counter_fn,
        direction=direction,
    )
    for key, counter_fn, direction in (
        ("energy_charged", lambda reading: reading.energy_charged_kwh, 1),
        ("energy_discharged", lambda reading: reading.energy_discharged_kwh, -1),
    )
)


def integrate_kwh(
    previous: tuple[datetime, float], current: tuple[datetime, float], direction: int
) -> float:
    """Energy (kWh) flowing one way between two power samples (kW), by the trapezoid rule."""
    (start, start_kw), (end, end_kw) = previous, current
    elapsed = end - start
    if elapsed <= timedelta(0) or elapsed > MAX_INTEGRATION_GAP:
        return 0.0
    start_kw, end_kw = max(direction * start_kw, 0.0), max(direction * end_kw, 0.0)
    return (start_kw + end_kw) / 2 * elapsed.total_seconds() / 3600


class PackEnergySensor(V2GEntity[PackCoordinator], RestoreSensor):
    """Counts kWh in one direction and keeps the total across restarts."""

    entity_description: EnergyCounterDescription

    def __init__(
        self, coordinator: PackCoordinator, description: EnergyCounterDescription
    ) -> None:
        """Start from nothing; the restored total arrives when added to Home Assistant."""
        super().__init__(coordinator, description)
        self._total_kwh: float | None = None
        self._last_sample: tuple[datetime, float] | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the total, then take the current poll."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, int | float | Decimal):
            self._total_kwh = float(last.native_value)
        self._count(self.coordinator.data)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Count the energy since the previous poll."""
        self._count(self.coordinator.data)
        super()._handle_coordinator_update()

    def _count(self, data: PackData) -> None:
        reading = data.reading
        counter = self.entity_description.device_counter_fn(reading)
        if counter is not None:
            self._total_kwh = counter
            return
        if reading.power_kw is None:
            return
        sample = (data.measured_at, reading.power_kw)
        total = self._total_kwh or 0.0
        if self._last_sample is not None:
            total += integrate_kwh(
                self._last_sample, sample, self.entity_description.direction
            )
        self._total_kwh = total
        self._last_sample = sample

    @property
    def native_value(self) -> float | None:
        """Total kWh so far."""
        return None if self._total_kwh is None else round(self._total_kwh, 4)
