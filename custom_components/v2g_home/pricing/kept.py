"""The last prices, kept in .storage so a restart plans at once and goes on until fresh prices load."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..prices.models import BuyAndSell

if TYPE_CHECKING:
    from collections.abc import Sequence

    from homeassistant.core import HomeAssistant

    from ..prices.models import PriceForecast

STORAGE_VERSION = 1
SAVE_DELAY_S = 5


def kept_prices_store_key(entry_id: str) -> str:
    """The .storage key of a site's last prices."""
    return f"{DOMAIN}.prices.{entry_id}"


def with_kept(
    fresh: Sequence[BuyAndSell], kept: Sequence[BuyAndSell], now: datetime
) -> tuple[BuyAndSell, ...]:
    """The fresh slots, and the kept ones still to come that the fresh ones do not cover."""
    covered = [(slot.start, slot.end) for slot in fresh]
    extra = [
        slot
        for slot in kept
        if slot.end > now
        and not any(start < slot.end and slot.start < end for start, end in covered)
    ]
    return tuple(sorted((*fresh, *extra), key=lambda slot: slot.start))


class KeptPrices:
    """Reads and writes the site's last published prices (in their currency)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, currency: str) -> None:
        """Prices in another currency than the site's are never reused."""
        self.currency = currency
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, kept_prices_store_key(entry_id)
        )

    async def async_load(self, now: datetime) -> tuple[BuyAndSell, ...]:
        """The kept slots still to come; none when there are none or they cannot be read."""
        data = await self._store.async_load() or {}
        if data.get("currency") != self.currency:
            return ()
        try:
            slots = tuple(
                BuyAndSell(
                    start=datetime.fromisoformat(item["start"]),
                    duration=timedelta(seconds=float(item["duration_s"])),
                    spot_per_kwh=float(item["spot"]),
                    buy_per_kwh=float(item["buy"]),
                    sell_per_kwh=float(item["sell"]),
                )
                for item in data.get("slots", [])
            )
        except (KeyError, TypeError, ValueError) as err:
            LOGGER.warning("The kept prices are unreadable and were dropped: %s", err)
            return ()
        return tuple(slot for slot in slots if slot.end > now)

    def save(self, forecast: PriceForecast) -> None:
        """Keep what was just published (written a few seconds later, once)."""
        self._store.async_delay_save(lambda: _as_json(forecast), SAVE_DELAY_S)

    async def async_flush(self, forecast: PriceForecast) -> None:
        """Write now (on unload or stop, so a restart right after finds the prices)."""
        await self._store.async_save(_as_json(forecast))

    async def async_remove(self) -> None:
        """Delete the kept prices (the site is being deleted)."""
        await self._store.async_remove()


def _as_json(forecast: PriceForecast) -> dict[str, Any]:
    return {
        "currency": forecast.currency,
        "slots": [
            {
                "start": slot.start.isoformat(),
                "duration_s": slot.duration.total_seconds(),
                "spot": slot.spot_per_kwh,
                "buy": slot.buy_per_kwh,
                "sell": slot.sell_per_kwh,
            }
            for slot in forecast.slots
        ],
    }
