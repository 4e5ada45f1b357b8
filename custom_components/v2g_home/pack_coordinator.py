"""A stationary pack (SunSpec or profile driven), polled for SoC, power and energy counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from homeassistant.util import dt as dt_util

from .const import PACK_POLL_INTERVAL
from .coordinator import DeviceCoordinator
from .devices.models import PackReading, StorageDriver

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant

    from .runtime import V2GConfigEntry


class PackDriver(StorageDriver, Protocol):
    """What SunSpecPack and ProfilePack have in common."""

    async def read(self) -> PackReading:
        """Poll the pack."""


@dataclass(frozen=True, kw_only=True)
class PackData:
    """One poll of a pack and when it was taken (energy is integrated between polls)."""

    reading: PackReading
    measured_at: datetime

    @property
    def stored_energy_kwh(self) -> float | None:
        """Energy in the pack from SoC and rated capacity, when the pack reports both."""
        soc = self.reading.soc_pct
        capacity = self.reading.capacity_kwh
        if soc is None or capacity is None:
            return None
        return round(capacity * soc / 100, 3)


class PackCoordinator(DeviceCoordinator[PackData]):
    """Polls one pack; no commands yet (the scheduler drives packs later)."""

    driver: PackDriver

    def __init__(
        self,
        hass: HomeAssistant,
        entry: V2GConfigEntry,
        subentry: ConfigSubentry,
        driver: PackDriver,
    ) -> None:
        """Wrap the driver of one pack subentry."""
        super().__init__(
            hass, entry, subentry, driver, update_interval=PACK_POLL_INTERVAL
        )

    async def _async_read(self) -> PackData:
        """Poll the pack and stamp the reading."""
        return PackData(reading=await self.driver.read(), measured_at=dt_util.utcnow())
