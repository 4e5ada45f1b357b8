"""V2G Home: vehicle-to-grid and home batteries that earn from spot prices."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.storage import Store

from .accounting.ledger import Ledger, ledger_store_key
from .accounting.reserve_income import ReserveIncome, reserve_income_store_key
from .const import DOMAIN
from .coordinators.charger import ChargerCoordinator
from .coordinators.entity import device_info, leaf_device_info, site_device_info
from .coordinators.factory import async_create_coordinators
from .grid.setup import (
    async_remove_response_data,
    async_setup_responder,
    response_store_keys,
)
from .pricing.coordinator import PriceCoordinator
from .pricing.kept import kept_prices_store_key
from .runtime import RuntimeData, V2GConfigEntry
from .scheduling.house_forecast import house_forecast_provider
from .scheduling.overrides import overrides_store_key
from .scheduling.plan_card import async_register_card
from .scheduling.reserves import site_reserves
from .scheduling.scheduler import Scheduler
from .scheduling.settings_store import settings_store_key
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

    from .coordinators.base import DeviceCoordinator

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
# Entities of earlier versions, by platform and key: removed from the registry when the site loads.
RETIRED_ENTITIES = (("sensor", "next_price_update"),)
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]


async def _async_first_refresh(coordinator: DeviceCoordinator[Any]) -> None:
    """First poll; a device that does not answer keeps the site from loading (HA retries)."""
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="device_not_ready",
            translation_placeholders={
                "device": coordinator.name,
                "error": str(err.__cause__ or err),
            },
        ) from err


def _remove_retired_entities(hass: HomeAssistant, entry: V2GConfigEntry) -> None:
    """Next price update moved into the buy price's attributes (it changed every few minutes)."""
    registry = er.async_get(hass)
    for platform, key in RETIRED_ENTITIES:
        entity_id = registry.async_get_entity_id(
            platform, DOMAIN, f"{entry.entry_id}_{key}"
        )
        if entity_id is not None:
            registry.async_remove(entity_id)


def _register_devices(hass: HomeAssistant, entry: V2GConfigEntry) -> None:
    """Create the site first, then chargers, their Leafs and packs, each linked to the device it hangs under."""
    registry = dr.async_get(hass)
    site = registry.async_get_or_create(
        config_entry_id=entry.entry_id, **site_device_info(entry)
    )
    for subentry_id, coordinator in entry.runtime_data.devices.items():
        device = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=subentry_id,
            **device_info(coordinator),
        )
        # Linked by registry id: the `via_device` identifier form is deprecated (HA 2026.8).
        registry.async_update_device(device.id, via_device_id=site.id)
        if isinstance(coordinator, ChargerCoordinator):
            leaf = registry.async_get_or_create(
                config_entry_id=entry.entry_id,
                config_subentry_id=subentry_id,
                **leaf_device_info(coordinator),
            )
            registry.async_update_device(leaf.id, via_device_id=device.id)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001 (HA's signature)
    """Register the actions once (each call names the site or device it is for), and the plan card."""
    async_setup_services(hass)
    await async_register_card(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: V2GConfigEntry) -> bool:
    """Connect every device of the site, start the price feed, set up the platforms."""
    devices = await async_create_coordinators(hass, entry)
    results = await asyncio.gather(
        *(_async_first_refresh(coordinator) for coordinator in devices.values()),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    prices = PriceCoordinator(hass, entry)
    await prices.async_config_entry_first_refresh()
    scheduler = Scheduler(hass, entry, devices, prices)
    scheduler.house_forecast_provider = house_forecast_provider(entry)
    scheduler.reserves = site_reserves(hass, entry, prices.currency)
    await scheduler.async_load()
    ledger = Ledger(
        hass,
        entry,
        devices,
        prices,
        wear_per_kwh=lambda: scheduler.settings.wear_per_kwh,
    )
    responder = await async_setup_responder(
        hass, entry, scheduler, ledger.book_power, book=scheduler.reserves.book
    )
    scheduler.setpoint_hook = responder
    scheduler.reserves.deliverable = responder.deliverable
    reserve_income = ReserveIncome(hass, entry.entry_id, prices.currency)
    await reserve_income.async_load()
    scheduler.reserves.book_income = reserve_income.book
    entry.async_on_unload(reserve_income.async_flush)
    entry.runtime_data = RuntimeData(
        devices=devices,
        prices=prices,
        scheduler=scheduler,
        ledger=ledger,
        responder=responder,
        reserve_income=reserve_income,
    )
    await ledger.async_load()
    ledger.async_start()
    entry.async_on_unload(ledger.async_stop)
    _register_devices(hass, entry)
    _remove_retired_entities(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # After the platforms: the modes restored by the selects are in place for the first plan.
    await scheduler.async_start()
    entry.async_on_unload(scheduler.async_shutdown)
    await responder.async_start()
    entry.async_on_unload(responder.async_stop)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return True


async def _async_reload_on_change(hass: HomeAssistant, entry: V2GConfigEntry) -> None:
    """Devices added, removed or reconfigured, or price options changed: start afresh."""
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: V2GConfigEntry) -> bool:
    """Stop the frequency response first (DER devices get their own droop back), then the platforms.

    The coordinators then hand control back and disconnect.
    """
    await entry.runtime_data.responder.async_stop()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: V2GConfigEntry) -> None:
    """Delete the site's stored settings, overrides, kept prices, ledger and reserve commitments."""
    for key in (
        settings_store_key(entry.entry_id),
        overrides_store_key(entry.entry_id),
        kept_prices_store_key(entry.entry_id),
        ledger_store_key(entry.entry_id),
        *response_store_keys(entry.entry_id),
        reserve_income_store_key(entry.entry_id),
    ):
        await Store[dict[str, Any]](hass, 1, key).async_remove()
    await async_remove_response_data(hass, entry.entry_id)
