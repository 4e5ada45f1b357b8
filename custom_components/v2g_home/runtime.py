"""What a loaded site config entry carries at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .accounting.ledger import Ledger
from .accounting.reserve_income import ReserveIncome
from .coordinators.base import DeviceCoordinator
from .pricing.coordinator import PriceCoordinator
from .scheduling.scheduler import Scheduler


@dataclass(kw_only=True)
class RuntimeData:
    """The site's coordinators (one per device subentry, keyed by subentry id), prices, scheduler, ledger."""

    devices: dict[str, DeviceCoordinator[Any]]
    prices: PriceCoordinator | None
    scheduler: Scheduler
    ledger: Ledger
    reserve_income: ReserveIncome | None = None  # expected income of reserves held


type V2GConfigEntry = ConfigEntry[RuntimeData]
