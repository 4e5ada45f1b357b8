"""What a loaded site config entry carries at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .accounting.ledger import Ledger
from .accounting.reserve_income import ReserveIncome
from .coordinators.base import DeviceCoordinator
from .grid.responder import FrequencyResponder
from .pricing.coordinator import PriceCoordinator
from .scheduling.scheduler import Scheduler


@dataclass(kw_only=True)
class RuntimeData:
    """The site's coordinators (keyed by subentry id), prices, scheduler, ledger and frequency response."""

    devices: dict[str, DeviceCoordinator[Any]]
    prices: PriceCoordinator | None
    scheduler: Scheduler
    ledger: Ledger
    responder: FrequencyResponder
    reserve_income: ReserveIncome | None = None  # expected income of reserves held


type V2GConfigEntry = ConfigEntry[RuntimeData]
