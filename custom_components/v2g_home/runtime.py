"""What a loaded site config entry carries at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .coordinator import DeviceCoordinator
from .price_coordinator import PriceCoordinator


@dataclass(kw_only=True)
class RuntimeData:
    """The site's coordinators: one per device subentry (keyed by subentry id) and the prices."""

    devices: dict[str, DeviceCoordinator[Any]]
    prices: PriceCoordinator | None


type V2GConfigEntry = ConfigEntry[RuntimeData]
