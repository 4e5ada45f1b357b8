"""Helpers that set up only the price coordinator and entities (no devices) for the glue tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.const import (
    CONF_CURRENCY,
    CONF_PRICE_AREA,
    CONF_PRICE_SOURCE,
    CONF_SUPPLIER_MARKUP,
    CONF_TARIFF_PRESET,
    DOMAIN,
    SOURCE_ENERGIDATASERVICE,
)
from custom_components.v2g_home.pricing.coordinator import PriceCoordinator

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.prices.models import PriceForecast

EDS_URL = "https://api.energidataservice.dk/dataset/DayAheadPrices"
SITE = {
    CONF_PRICE_SOURCE: SOURCE_ENERGIDATASERVICE,
    CONF_PRICE_AREA: "DK1",
    CONF_CURRENCY: "DKK",
    CONF_TARIFF_PRESET: "radius",
    CONF_SUPPLIER_MARKUP: 0.05,
}


class InstantSleep:
    """Records the client's polite waits instead of sleeping through them."""

    def __init__(self) -> None:
        """Start with no waits."""
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        """Record a wait."""
        self.waits.append(seconds)


async def start_coordinator(
    hass: HomeAssistant,
    data: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> PriceCoordinator:
    """Create a site entry with price settings and run the coordinator's first refresh."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=data if data is not None else SITE,
        options=options or {},
    )
    entry.add_to_hass(hass)
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    coordinator = PriceCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.mock_state(hass, ConfigEntryState.LOADED)
    return coordinator


def forecast(coordinator: PriceCoordinator) -> PriceForecast:
    """Return the coordinator's data (typed)."""
    return coordinator.data
