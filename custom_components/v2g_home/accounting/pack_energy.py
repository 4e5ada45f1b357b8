"""Energy charged into and discharged from a pack, or a car through its charger: the Energy dashboard's batteries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from ..coordinators.base import DeviceCoordinator
from ..coordinators.charger import ChargerCoordinator, ChargerData
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


class EnergyCounterSensor[CoordinatorT: DeviceCoordinator[Any]](
    V2GEntity[CoordinatorT], RestoreSensor
):
    """Counts kWh in one direction and keeps the total across restarts."""

    entity_description: EnergyCounterDescription

    def __init__(
        self, coordinator: CoordinatorT, description: EnergyCounterDescription
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
        self._count()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Count the energy since the previous poll."""
        self._count()
        super()._handle_coordinator_update()

    def _sample(self) -> tuple[datetime, float | None, float | None] | None:
        """The latest poll: when, power (kW, + charging), the device's own counter; None breaks the chain."""
        raise NotImplementedError

    def _count(self) -> None:
        sample = self._sample()
        if sample is None:
            self._last_sample = None
            return
        at, power_kw, counter = sample
        if counter is not None:
            self._total_kwh = counter
            return
        if power_kw is None:
            return
        total = self._total_kwh or 0.0
        if self._last_sample is not None:
            total += integrate_kwh(
                self._last_sample, (at, power_kw), self.entity_description.direction
            )
        self._total_kwh = total
        self._last_sample = (at, power_kw)

    @property
    def native_value(self) -> float | None:
        """Total kWh so far."""
        return None if self._total_kwh is None else round(self._total_kwh, 4)


class PackEnergySensor(EnergyCounterSensor[PackCoordinator]):
    """A pack's own counter where it has one, else its power integrated (stamped with the poll's time)."""

    def _sample(self) -> tuple[datetime, float | None, float | None]:
        data: PackData = self.coordinator.data
        reading = data.reading
        return (
            data.measured_at,
            reading.power_kw,
            self.entity_description.device_counter_fn(reading),
        )


class ChargerEnergySensor(EnergyCounterSensor[ChargerCoordinator]):
    """The car's energy through its charger: the charger's counter where it has one, else its power integrated."""

    def __init__(
        self, coordinator: ChargerCoordinator, description: EnergyCounterDescription
    ) -> None:
        """Remember which poll was counted (listeners may hear of one poll twice)."""
        super().__init__(coordinator, description)
        self._counted: ChargerData | None = None

    def _sample(self) -> tuple[datetime, float | None, float | None] | None:
        data = self.coordinator.data
        if not self.coordinator.last_update_success or data is None:
            return None
        if data is self._counted and self._last_sample is not None:
            return self._last_sample[0], self._last_sample[1], None
        self._counted = data
        # The charger's poll carries no timestamp: it is stamped when it arrives. Chargers with lifetime
        # counters (SunSpec DER) give them; others are integrated from power.
        counter = getattr(data.reading, f"{self.entity_description.key}_kwh", None)
        return dt_util.utcnow(), data.status.power_kw, counter
