"""The expected income of the reserves a site held, booked apart from the energy ledger.

The pool pays for capacity held, after its share; the energy that activations move goes through the
meters and into the energy ledger like any other. Today's and the lifetime income per device and
for the site are kept in .storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from .periods import danish_date

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.core import HomeAssistant

STORAGE_VERSION = 1
SAVE_DELAY_S = 10
SITE = "site"


def reserve_income_store_key(entry_id: str) -> str:
    """The .storage key of a site's reserve income."""
    return f"{DOMAIN}.reserve_income.{entry_id}"


class ReserveIncome:
    """Lifetime and today's reserve income per device (subentry id) and for the site."""

    def __init__(self, hass: HomeAssistant, entry_id: str, currency: str) -> None:
        """Empty until async_load."""
        self.currency = currency
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, reserve_income_store_key(entry_id)
        )
        self._lifetime: dict[str, float] = {}
        self._today: dict[str, float] = {}
        self._day: str | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    def lifetime(self, device_id: str | None = None) -> float:
        """All income so far (of a device, or the site)."""
        return self._lifetime.get(device_id or SITE, 0.0)

    def today(self, device_id: str | None, now: datetime) -> float:
        """Income since Danish midnight (of a device, or the site)."""
        if self._day != danish_date(now).isoformat():
            return 0.0
        return self._today.get(device_id or SITE, 0.0)

    async def async_load(self) -> None:
        """Restore the kept amounts (another currency starts them over: amounts cannot mix)."""
        stored = await self._store.async_load()
        if not stored or stored.get("currency") != self.currency:
            return
        try:
            self._lifetime = {k: float(v) for k, v in stored["lifetime"].items()}
            self._today = {k: float(v) for k, v in stored["today"].items()}
            self._day = str(stored["day"]) if stored.get("day") else None
        except (KeyError, TypeError, ValueError, AttributeError):
            self._lifetime, self._today, self._day = {}, {}, None

    @callback
    def book(self, device_id: str, when: datetime, amount: float) -> None:
        """Book income earned by a device at `when` (after the aggregator's share)."""
        if not amount:
            return
        day = danish_date(when).isoformat()
        if day != self._day:
            self._day, self._today = day, {}
        for key in (device_id, SITE):
            self._lifetime[key] = self._lifetime.get(key, 0.0) + amount
            self._today[key] = self._today.get(key, 0.0) + amount
        self._store.async_delay_save(self._to_store, SAVE_DELAY_S)
        for listener in list(self._listeners):
            listener()

    def _to_store(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "lifetime": self._lifetime,
            "today": self._today,
            "day": self._day,
        }

    async def async_flush(self) -> None:
        """Write the amounts now (unload)."""
        await self._store.async_save(self._to_store())

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` whenever an amount changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)
