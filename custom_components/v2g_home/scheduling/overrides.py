"""The overrides: forced charges or exports, one-off trips and dispatches, kept in .storage across restarts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..control.decide import Force
from ..control.dispatch import Dispatch
from ..control.settings import OneOffDeparture

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

STORAGE_VERSION = 1
SAVE_DELAY_S = 1


def overrides_store_key(entry_id: str) -> str:
    """The .storage key of a site's pending overrides."""
    return f"{DOMAIN}.overrides.{entry_id}"


def _key(device_id: str | None) -> str:
    return "" if device_id is None else device_id


def _device(key: str) -> str | None:
    return key or None


class Overrides:
    """Forces, one-off departures (device id, None: every device) and dispatches, kept across restarts.

    A dispatch is an aggregator's activation (mFRR, say): a restart in the middle of it must not end it.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing pending until loaded."""
        self.forces: dict[str | None, Force] = {}
        self.departures: dict[str | None, OneOffDeparture] = {}
        self.dispatches: dict[str, Dispatch] = {}
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, overrides_store_key(entry_id)
        )

    async def async_load(self, now: datetime) -> None:
        """Restore what is still pending at `now`; anything unreadable is dropped with a warning."""
        data = await self._store.async_load() or {}
        try:
            forces = {
                _device(key): Force(
                    power_kw=float(item["power_kw"]),
                    until=datetime.fromisoformat(item["until"]),
                    target_soc_pct=None
                    if item.get("target_soc_pct") is None
                    else float(item["target_soc_pct"]),
                )
                for key, item in data.get("forces", {}).items()
            }
            departures = {
                _device(key): OneOffDeparture(
                    when=datetime.fromisoformat(item["when"]),
                    target_soc_pct=float(item["target_soc_pct"]),
                )
                for key, item in data.get("departures", {}).items()
            }
            dispatches = {
                str(key): Dispatch(
                    offset_kw=float(item["offset_kw"]),
                    until=datetime.fromisoformat(item["until"]),
                )
                for key, item in data.get("dispatches", {}).items()
            }
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            LOGGER.warning(
                "The stored overrides are unreadable and were dropped: %s", err
            )
            return
        self.forces = {k: v for k, v in forces.items() if v.until > now}
        self.departures = {k: v for k, v in departures.items() if v.when > now}
        self.dispatches = {k: v for k, v in dispatches.items() if v.active(now)}

    def changed(self) -> None:
        """Write the pending overrides soon (a restart right after an action still finds them)."""
        self._store.async_delay_save(self._to_json, SAVE_DELAY_S)

    async def async_flush(self) -> None:
        """Write now (on unload or stop, so a restart right after finds everything)."""
        await self._store.async_save(self._to_json())

    def _to_json(self) -> dict[str, Any]:
        return {
            "forces": {
                _key(device): {
                    "power_kw": force.power_kw,
                    "until": force.until.isoformat(),
                    "target_soc_pct": force.target_soc_pct,
                }
                for device, force in self.forces.items()
            },
            "departures": {
                _key(device): {
                    "when": departure.when.isoformat(),
                    "target_soc_pct": departure.target_soc_pct,
                }
                for device, departure in self.departures.items()
            },
            "dispatches": {
                device: {
                    "offset_kw": dispatch.offset_kw,
                    "until": dispatch.until.isoformat(),
                }
                for device, dispatch in self.dispatches.items()
            },
        }

    async def async_remove(self) -> None:
        """Delete the stored overrides (the site is being deleted)."""
        await self._store.async_remove()
