"""What a loaded site config entry carries at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .coordinator import DeviceCoordinator
from .ledger import Ledger
from .price_coordinator import PriceCoordinator
from .scheduler import Scheduler


@dataclass(kw_only=True)
class RuntimeData:
    """The site's coordinators: one per device subentry (keyed by subentry id) and the prices."""

    devices: dict[str, DeviceCoordinator[Any]]
    prices: PriceCoordinator | None
    scheduler: Scheduler | None = None
    ledger: Ledger | None = None


type V2GConfigEntry = ConfigEntry[RuntimeData]
