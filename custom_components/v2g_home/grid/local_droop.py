"""DER devices that deliver a reserve by their own droop (SunSpec model 711): set, watched, restored.

The droop is set once per commitment (curve), checked and its reversion timer refreshed every few
seconds (the fast task is then only a watchdog), and restored when the commitment ends, when the
watchdog stops it (a floor, a stale frequency, a silent device) and when the site unloads. What the
device had before is kept in .storage until it is restored, so a restart never takes our own curve
for the device's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..control.droop_curve import DroopCurve
from ..devices.errors import DeviceError
from ..devices.sunspec_der import SunSpecDer
from ..devices.sunspec_droop import DerDroop, SavedDroop

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant

    from ..coordinators.base import DeviceCoordinator

REVERT_S = (
    30  # without Home Assistant the device runs its own curve again after this long
)
WATCH_EVERY = timedelta(seconds=5)
STORAGE_VERSION = 1


def local_droop_store_key(entry_id: str) -> str:
    """The .storage key of the DER droop settings kept for restoring."""
    return f"{DOMAIN}.local_droop.{entry_id}"


@dataclass(kw_only=True)
class Engaged:
    """A device answering by its own droop: the curve set and when it was last watched."""

    curve: DroopCurve
    watched_at: datetime


class LocalDroops:
    """The site's DER devices with model 711 and the curves set on them."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is known until async_load."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, local_droop_store_key(entry_id)
        )
        self._saved: dict[str, SavedDroop] = {}
        self._found: dict[str, DerDroop | None] = {}
        self.engaged: dict[str, Engaged] = {}

    async def async_load(self) -> None:
        """Read the settings kept from before (a restart while a curve was set)."""
        stored = await self._store.async_load() or {}
        for device_id, data in stored.get("saved", {}).items():
            try:
                self._saved[device_id] = SavedDroop.from_dict(data)
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning(
                    "Kept droop settings of %s unreadable: %s", device_id, err
                )

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"saved": {k: v.as_dict() for k, v in self._saved.items()}}
        )

    async def async_find(
        self, device_id: str, coordinator: DeviceCoordinator[Any]
    ) -> DerDroop | None:
        """The device's model 711 (looked up once per device while it answers)."""
        if device_id in self._found:
            return self._found[device_id]
        driver = coordinator.driver
        if not isinstance(driver, SunSpecDer) or not driver.models:
            return None
        try:
            found = await DerDroop.find(driver)
        except DeviceError as err:
            LOGGER.debug("%s: model 711 not readable (%s)", coordinator.name, err)
            return None
        self._found[device_id] = found
        return found

    async def async_engage(
        self,
        device_id: str,
        coordinator: DeviceCoordinator[Any],
        curve: DroopCurve,
        now: datetime,
    ) -> bool:
        """Set the curve (or check it and refresh its timer); False when the device did not take it."""
        droop = self._found.get(device_id)
        if droop is None:
            return False
        engaged = self.engaged.get(device_id)
        try:
            if engaged is not None and engaged.curve == curve:
                if now - engaged.watched_at < WATCH_EVERY:
                    return True
                saved = self._saved[device_id]
                applied = await _run(
                    coordinator, lambda: droop.is_applied(curve, saved.active["PMin"])
                )
                if applied:
                    await _run(coordinator, lambda: droop.refresh(REVERT_S))
                    engaged.watched_at = now
                    return True
                LOGGER.warning(
                    "%s left the reserve's droop; setting it again", coordinator.name
                )
            saved = await _run(
                coordinator,
                lambda: droop.apply(
                    curve, revert_s=REVERT_S, saved=self._saved.get(device_id)
                ),
            )
        except (DeviceError, HomeAssistantError) as err:
            LOGGER.warning(
                "%s did not take the reserve's droop: %s", coordinator.name, err
            )
            self.engaged.pop(device_id, None)
            return False
        if self._saved.get(device_id) != saved:
            self._saved[device_id] = saved
            await self._async_save()
        self.engaged[device_id] = Engaged(curve=curve, watched_at=now)
        return True

    async def async_release(
        self, device_id: str, coordinator: DeviceCoordinator[Any]
    ) -> None:
        """Restore the device's own droop settings (kept for later when it does not answer)."""
        self.engaged.pop(device_id, None)
        saved = self._saved.get(device_id)
        droop = self._found.get(device_id)
        if saved is None or droop is None:
            return
        try:
            await _run(coordinator, lambda: droop.restore(saved))
        except (DeviceError, HomeAssistantError) as err:
            # Its reversion timer brings its own curve back by itself; restored properly later.
            LOGGER.warning(
                "%s: droop settings not restored yet: %s", coordinator.name, err
            )
            return
        del self._saved[device_id]
        await self._async_save()

    def found(self, device_id: str) -> DerDroop | None:
        """The device's model 711 when it was found."""
        return self._found.get(device_id)

    def pending_restore(self) -> set[str]:
        """Devices whose own settings are still to be put back."""
        return set(self._saved)

    async def async_remove(self) -> None:
        """Delete what is kept (the site is being deleted)."""
        await self._store.async_remove()


async def _run[T](
    coordinator: DeviceCoordinator[Any], command: Callable[[], Awaitable[T]]
) -> T:
    """Run a device command under the coordinator's lock and return its result."""
    result: list[T] = []

    async def call() -> None:
        result.append(await command())

    await coordinator.async_run_command(call)
    return result[0]
