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
from .control_loss import report_control_lost

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


@runtime_checkable
class ReserveDriver(Protocol):
    """A pack with a reserve setting of its own (SunSpec model 124 MinRsvPct)."""

    @property
    def has_reserve(self) -> bool:
        """Whether the pack reports the setting."""

    async def set_reserve_pct(self, reserve_pct: float) -> float:
        """Write it; returns what was set."""


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
        # The pack's own reserve setting before V2G Home wrote the site's.
        self._own_reserve_pct: float | None = None
        # V2G Home's last reserve write: asked, set (None: refused) and when.
        self._reserve_set: tuple[float, float | None, datetime] | None = None

    @property
    def under_control(self) -> bool:
        """Whether V2G Home drives the pack: a mode other than off, and the pack took the command."""
        return self.mode is not ControlMode.OFF and self.in_control

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
            and getattr(self.driver, "control_reverted", False)
        ):
            # Back in its own control while polled (a restart): taken back below, and said so.
            LOGGER.warning(
                "%s went back to its own control; taking it again", self.name
            )
            report_control_lost(
                self.hass,
                self.subentry.subentry_id,
                self.name,
                resumed=True,
                mode=self.mode,
                pack=True,
            )
            self._apply_pending = True
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
                await self._async_restore_reserve()
            return
        await self.driver.set_power_kw(self.setpoint_kw)
        self.in_control = True

    async def async_set_mode(self, mode: ControlMode) -> None:
        """Change the control mode and command the pack at once."""
        if mode is not self.mode:
            self.auto_power_kw = 0.0
        self.mode = mode
        await self.async_run_command(self._async_apply)
        # A poll right after: the ledger books the time before the change as it was controlled.
        await self.async_refresh()

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
        """On unload, hand the pack back to its own logic (and its own reserve)."""
        if self.in_control:
            await self.driver.release()
            self.in_control = False
            await self._async_restore_reserve()

    async def async_keep_reserve(self, reserve_pct: float) -> None:
        """While V2G Home drives the pack, its own reserve register holds the site's reserve too.

        So the pack's firmware stops at the reserve even when a command outlives V2G Home's checks
        (a silent Home Assistant, its revert timer, its own logic). Written when the setting changes
        or the pack reads otherwise (a reboot); a pack that refuses it is asked again only for
        another setting.
        """
        driver, data = self.driver, self.data
        if (
            not isinstance(driver, ReserveDriver)
            or not self.under_control
            or data is None
            or (current := data.reading.reserve_pct) is None
        ):
            return
        done = self._reserve_set
        if (
            done is not None
            and done[0] == reserve_pct
            # Refused, read back as set, or not read since it was written.
            and (done[1] in (current, None) or data.measured_at <= done[2])
        ):
            return
        if self._own_reserve_pct is None:
            self._own_reserve_pct = current
        try:
            async with self._lock:
                written = await driver.set_reserve_pct(reserve_pct)
        except DeviceError as err:
            LOGGER.warning(
                "%s did not take the reserve %s %%: %s", self.name, reserve_pct, err
            )
            self._reserve_set = (reserve_pct, None, dt_util.utcnow())
            return
        self._reserve_set = (reserve_pct, written, dt_util.utcnow())

    async def _async_restore_reserve(self) -> None:
        """Handing the pack back: its own reserve setting again, as V2G Home found it."""
        own, self._own_reserve_pct, self._reserve_set = (
            self._own_reserve_pct,
            None,
            None,
        )
        if own is None or not isinstance(self.driver, ReserveDriver):
            return
        try:
            await self.driver.set_reserve_pct(own)
        except DeviceError as err:
            LOGGER.warning("%s kept V2G Home's reserve: %s", self.name, err)
