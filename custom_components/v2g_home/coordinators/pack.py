"""A stationary pack (SunSpec or profile driven), polled for SoC, power and energy counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from homeassistant.util import dt as dt_util

from ..const import (
    DEFAULT_CHARGE_POWER_KW,
    DEFAULT_DISCHARGE_POWER_KW,
    LOGGER,
    PACK_POLL_INTERVAL,
)
from ..control.modes import ControlMode
from ..devices.errors import DeviceConnectionError, DeviceError
from ..devices.models import PackReading, StorageDriver
from .base import DeviceCoordinator

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry, ConfigSubentry
    from homeassistant.core import HomeAssistant


class PackDriver(StorageDriver, Protocol):
    """What SunSpecPack and ProfilePack have in common."""

    async def read(self) -> PackReading:
        """Poll the pack."""


@runtime_checkable
class RevertTimerDriver(Protocol):
    """A pack whose control reverts to local by itself unless it is refreshed."""

    async def refresh_control(self) -> None:
        """Restart the pack's revert timer."""


@dataclass(frozen=True, kw_only=True)
class PackData:
    """One poll of a pack and when it was taken (energy is integrated between polls)."""

    reading: PackReading
    measured_at: datetime

    @property
    def stored_energy_kwh(self) -> float | None:
        """Energy in the pack from SoC and rated capacity, when the pack reports both."""
        soc = self.reading.soc_pct
        capacity = self.reading.capacity_kwh
        if soc is None or capacity is None:
            return None
        return round(capacity * soc / 100, 3)


class PackCoordinator(DeviceCoordinator[PackData]):
    """Polls one pack and drives it in the chosen mode (auto: the scheduler's setpoint)."""

    driver: PackDriver

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        subentry: ConfigSubentry,
        driver: PackDriver,
    ) -> None:
        """Wrap the driver of one pack subentry."""
        super().__init__(
            hass, entry, subentry, driver, update_interval=PACK_POLL_INTERVAL
        )
        self.mode = ControlMode.OFF
        self.auto_power_kw = 0.0
        self.in_control = False
        self._apply_pending = False

    @property
    def setpoint_kw(self) -> float:
        """Signed setpoint the mode means, at the pack's rated power for charge and discharge."""
        reading = self.data.reading if self.data else None
        if self.mode is ControlMode.AUTO:
            return self.auto_power_kw
        if self.mode is ControlMode.CHARGE:
            rated = reading.max_charge_kw if reading else None
            return rated or DEFAULT_CHARGE_POWER_KW
        if self.mode is ControlMode.DISCHARGE:
            rated = reading.max_discharge_kw if reading else None
            return -(rated or DEFAULT_DISCHARGE_POWER_KW)
        return 0.0

    async def _async_read(self) -> PackData:
        """Poll, stamp the reading, then apply a pending command or keep the current one armed."""
        reading = await self.driver.read()
        data = PackData(reading=reading, measured_at=dt_util.utcnow())
        if (
            self.in_control
            and not self._apply_pending
            and isinstance(self.driver, RevertTimerDriver)
        ):
            # Each poll restarts the pack's revert timer; if we stop polling, the pack stops by itself.
            try:
                await self.driver.refresh_control()
            except DeviceConnectionError:
                raise
            except DeviceError as err:
                LOGGER.warning("%s refused the control refresh (%s)", self.name, err)
        if self._apply_pending:
            self._apply_pending = False
            self.data = data  # the rated powers of charge and discharge come from it
            try:
                await self._async_apply()
            except DeviceConnectionError:
                raise
            except DeviceError as err:
                LOGGER.warning("%s refused %s (%s)", self.name, self.mode, err)
        return data

    def _on_reconnected(self) -> None:
        """Command the mode again once the pack answers."""
        self._apply_pending = self.mode is not ControlMode.OFF

    async def _async_apply(self) -> None:
        if self.mode is ControlMode.OFF:
            if self.in_control:
                await self.driver.release()
                self.in_control = False
            return
        await self.driver.set_power_kw(self.setpoint_kw)
        self.in_control = True

    async def async_set_mode(self, mode: ControlMode) -> None:
        """Change the control mode and command the pack at once."""
        if mode is not self.mode:
            self.auto_power_kw = 0.0
        self.mode = mode
        await self.async_run_command(self._async_apply)
        self.async_update_listeners()

    def restore_mode(self, mode: ControlMode) -> None:
        """Take the mode restored after a restart; the next poll commands the pack."""
        self.mode = mode
        self._apply_pending = mode is not ControlMode.OFF

    async def async_apply_setpoint_kw(self, power_kw: float) -> None:
        """The scheduler's signed setpoint; it only moves the pack in auto mode."""
        if self.mode is not ControlMode.AUTO or power_kw == self.auto_power_kw:
            return
        self.auto_power_kw = power_kw
        # Polls right before and right after the step, so the ledger sees it where it happened.
        if self.last_update_success:
            await self.async_refresh()
        self._apply_pending = True
        await self.async_run_command(self._async_apply)
        self._apply_pending = False
        await self.async_refresh()

    async def _async_release(self) -> None:
        """On unload, hand the pack back to its own logic."""
        if self.in_control:
            await self.driver.release()
            self.in_control = False
