"""Polling one device subentry: connect, identify, read, reconnect with backoff, release on unload."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..const import DOMAIN, LOGGER, MAX_RECONNECT_INTERVAL
from ..devices.errors import DeviceConnectionError, DeviceError
from .keys import device_key

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import timedelta

    from homeassistant.config_entries import ConfigEntry, ConfigSubentry
    from homeassistant.core import HomeAssistant

    from ..devices.models import DeviceIdentity, StorageDriver


def _error_key(err: DeviceError) -> str:
    """Translation key for a device error: unreachable, or answering wrongly."""
    return (
        "device_unreachable"
        if isinstance(err, DeviceConnectionError)
        else "device_error"
    )


class DeviceCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one charger or pack; unavailable while it does not answer, retried with backoff."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        subentry: ConfigSubentry,
        driver: StorageDriver,
        *,
        update_interval: timedelta,
    ) -> None:
        """Prepare polling; nothing is opened before the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=subentry.title,
            update_interval=update_interval,
        )
        self.subentry = subentry
        self.driver = driver
        self.identity: DeviceIdentity | None = None
        self.failed_polls = 0
        self.base_interval = update_interval
        self._lock = asyncio.Lock()
        self._reconnect_needed = False

    @property
    def serial(self) -> str:
        """Serial number the subentry was created for (its unique id)."""
        return device_key(self.subentry)

    @property
    def under_control(self) -> bool:
        """Whether V2G Home drives the device now (a mode other than off, and the device follows it)."""
        return False

    @property
    def fail_safe_s(self) -> float | None:
        """How long the device keeps a command nobody refreshes (its fail-safe or revert timer)."""
        for name in ("failsafe_timeout_s", "revert_timeout_s"):
            value = getattr(self.driver, name, None)
            if isinstance(value, int | float) and value > 0:
                return float(value)
        return None

    async def _async_setup(self) -> None:
        """Connect and check that the device is still the one configured."""
        try:
            async with self._lock:
                await self.driver.connect()
                identity = await self.driver.identify()
        except DeviceError as err:
            await self.driver.close()
            raise self._update_failed(err) from err
        issue_id = f"wrong_device_{self.subentry.subentry_id}"
        if identity.serial != self.serial:
            await self.driver.close()
            placeholders = {
                "device": self.name,
                "expected": self.serial,
                "found": identity.serial,
            }
            # Retrying cannot fix this (an address now used by another device): the user must act.
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="wrong_device",
                translation_placeholders=placeholders,
            )
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="wrong_device",
                translation_placeholders=placeholders,
            )
        ir.async_delete_issue(self.hass, DOMAIN, issue_id)
        self.identity = identity

    async def _async_update_data(self) -> DataT:
        """Read the device; on failure close, back off and report it unavailable."""
        try:
            async with self._lock:
                if self._reconnect_needed:
                    await self.driver.connect()
                    self._reconnect_needed = False
                    self._on_reconnected()
                data = await self._async_read()
        except DeviceError as err:
            await self.driver.close()
            self._reconnect_needed = True
            self.failed_polls += 1
            self.update_interval = min(
                self.base_interval * 2**self.failed_polls, MAX_RECONNECT_INTERVAL
            )
            raise self._update_failed(err) from err
        if self.failed_polls:
            self.failed_polls = 0
            self.update_interval = self.base_interval
        return data

    async def _async_read(self) -> DataT:
        """Read one full poll from the driver (subclasses)."""
        raise NotImplementedError

    def _on_reconnected(self) -> None:
        """React to a connection that came back (subclasses re-apply their commands)."""

    async def async_run_command(self, command: Callable[[], Awaitable[object]]) -> None:
        """Run a device command for an entity; device errors become translated HA errors."""
        if not self.last_update_success:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="device_unavailable",
                translation_placeholders={"device": self.name},
            )
        try:
            async with self._lock:
                await command()
        except DeviceError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={"device": self.name, "error": str(err)},
            ) from err

    async def async_shutdown(self) -> None:
        """Stop polling, hand control back to the device and close the connection."""
        await super().async_shutdown()
        async with self._lock:
            # A poll cancelled by the unload may leave a reply in flight: start on a fresh connection.
            await self.driver.close()
            try:
                await self._async_release()
            except DeviceError as err:
                LOGGER.warning(
                    "Could not hand %s back to its own control: %s", self.name, err
                )
            await self.driver.close()

    async def _async_release(self) -> None:
        """Hand control back if this integration holds it (subclasses)."""

    def _update_failed(self, err: DeviceError) -> UpdateFailed:
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=_error_key(err),
            translation_placeholders={"device": self.name, "error": str(err)},
        )
