"""A bidirectional charger and the car on it: polling keeps its fail-safe alive, the control mode drives it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..const import (
    CHARGER_POLL_INTERVAL,
    DEFAULT_CHARGE_POWER_KW,
    DEFAULT_DISCHARGE_POWER_KW,
    LOGGER,
)
from ..control.modes import ControlMode
from ..devices.car import CarMonitor, CarState
from ..devices.errors import DeviceConnectionError, DeviceError
from .base import DeviceCoordinator
from .control_loss import clear_control_lost, report_control_lost

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.config_entries import ConfigEntry, ConfigSubentry
    from homeassistant.core import HomeAssistant

    from ..devices.charger import Charger, ChargerPoll, ChargerStatus

# A Leaf loses or gains at most a few % in half an hour on the gun (the Quasar is the only way in
# or out), while a car that left could have been driven anywhere: older SoCs are not trusted.
MAX_RESTORED_SOC_AGE = timedelta(minutes=30)


@dataclass(frozen=True, kw_only=True)
class ControlSettings:
    """What the user asked the charger to do, and at which power (kW, magnitudes)."""

    mode: ControlMode = ControlMode.OFF
    charge_power_kw: float = DEFAULT_CHARGE_POWER_KW
    discharge_power_kw: float = DEFAULT_DISCHARGE_POWER_KW
    auto_power_kw: float = 0.0  # the scheduler's signed setpoint, used in auto mode

    @property
    def setpoint_kw(self) -> float:
        """Signed setpoint the mode means (+ charges the car, - discharges it)."""
        if self.mode is ControlMode.AUTO:
            return self.auto_power_kw
        if self.mode is ControlMode.CHARGE:
            return self.charge_power_kw
        if self.mode is ControlMode.DISCHARGE:
            return -self.discharge_power_kw
        return 0.0


@dataclass(frozen=True, kw_only=True)
class ChargerData:
    """One poll of the charger (the driver's own reading) and what it means for the car."""

    reading: Any  # the driver's own reading (QuasarReading, BiDiProReading, ...), a ChargerPoll
    car: CarState

    @property
    def status(self) -> ChargerStatus:
        """The part of the reading every charger shares (state, SoC, power, limits of the moment)."""
        poll: ChargerPoll = self.reading
        return poll.status


class ChargerCoordinator(DeviceCoordinator[ChargerData]):
    """Polls a charger every few seconds, which also keeps its own fail-safe from firing."""

    driver: Charger

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        subentry: ConfigSubentry,
        driver: Charger,
        car: CarMonitor,
    ) -> None:
        """Wrap the driver and the car monitor of one charger subentry."""
        super().__init__(
            hass, entry, subentry, driver, update_interval=CHARGER_POLL_INTERVAL
        )
        self.car = car
        self.control = ControlSettings()
        self._apply_pending = False  # a write failed: send it again after the next read
        self._resume_first = (
            False  # restarted or reconnected: command again before the next read
        )

    @property
    def under_control(self) -> bool:
        """Whether V2G Home drives the charger: a mode other than off, and the charger in remote control."""
        return self.control.mode is not ControlMode.OFF and self.driver.in_control

    async def _async_read(self) -> ChargerData:
        """Poll; around it, command again what must be, and notice a charger that left our control."""
        controlled = self.control.mode is not ControlMode.OFF
        if controlled and self._resume_first:
            # After a restart or a reconnect (the fail-safe may have fired while away) the latest,
            # safe command goes out before the read, so it goes out even if the read then fails.
            await self._async_resume()
        self._resume_first = False
        was_in_control = self.driver.in_control
        reading = await self.driver.read()
        if controlled and was_in_control and not self.driver.in_control:
            await self._async_control_lost()
        elif controlled and self._apply_pending:
            await (
                self._async_resume()
            )  # a write that failed while connected: send it again
        elif self.driver.in_control:
            # Each poll keeps the charger's fail-safe from firing and the command inside the limits
            # of the moment; if Home Assistant stops polling, the charger falls back by itself.
            try:
                await self.driver.refresh_control()
            except DeviceConnectionError:
                raise
            except DeviceError as err:
                LOGGER.warning("%s refused the control refresh (%s)", self.name, err)
        self._apply_pending = False
        status = reading.status
        return ChargerData(
            reading=reading, car=self.car.update(status, dt_util.utcnow())
        )

    async def _async_control_lost(self) -> None:
        """The charger went back to its own control: auto takes it back at once, a manual mode ends."""
        mode = self.control.mode
        if mode is ControlMode.AUTO:
            LOGGER.warning(
                "%s went back to its own control; auto takes it again", self.name
            )
            await self._async_resume()
            resumed = self.control.mode is ControlMode.AUTO
        else:
            LOGGER.warning(
                "%s went back to its own control; control mode is now off", self.name
            )
            self.control = replace(self.control, mode=ControlMode.OFF)
            resumed = False
        report_control_lost(
            self.hass, self.subentry.subentry_id, self.name, resumed=resumed, mode=mode
        )

    async def _async_resume(self) -> None:
        """Command the mode again; a refusal turns the mode off (and says so) instead of the device unavailable."""
        try:
            # The charger may have handed itself back (fail-safe) while unreachable: take it again.
            await self.driver.take_control()
            await self._async_apply(self.control)
        except DeviceConnectionError:
            raise
        except DeviceError as err:
            LOGGER.warning(
                "%s refused to resume %s (%s); control mode is now off",
                self.name,
                self.control.mode,
                err,
            )
            report_control_lost(
                self.hass,
                self.subentry.subentry_id,
                self.name,
                resumed=False,
                mode=self.control.mode,
            )
            self.control = replace(self.control, mode=ControlMode.OFF)

    def _on_reconnected(self) -> None:
        """The fail-safe may have fired while the charger was away: command it again (no loss to report)."""
        self._resume_first = self.control.mode is not ControlMode.OFF

    async def _async_apply(self, control: ControlSettings) -> None:
        """Make the charger do what the settings say (off hands it back to the user)."""
        if control.mode is ControlMode.OFF:
            if self.driver.in_control:
                await self.driver.release()
            return
        await self.driver.set_power_kw(control.setpoint_kw)

    async def async_set_control(
        self,
        *,
        mode: ControlMode | None = None,
        charge_power_kw: float | None = None,
        discharge_power_kw: float | None = None,
    ) -> None:
        """Change mode or powers; the charger is commanded when the change affects it."""
        if mode is not None:
            clear_control_lost(self.hass, self.subentry.subentry_id)
        new = self._changed(mode, charge_power_kw, discharge_power_kw)
        commanded = (
            new.mode is not self.control.mode
            or new.setpoint_kw != self.control.setpoint_kw
        )
        if commanded:
            await self.async_run_command(lambda: self._async_apply(new))
            self._apply_pending = False
        self.control = new
        self.async_update_listeners()
        if commanded:
            await self.async_request_refresh()

    async def async_apply_setpoint_kw(self, power_kw: float) -> None:
        """The scheduler's signed setpoint; it only moves the charger in auto mode.

        Kept even when the write fails, so a reconnect resumes the latest (safe) setpoint.
        """
        if self.control.mode is not ControlMode.AUTO:
            return
        new = replace(self.control, auto_power_kw=power_kw)
        if new == self.control:
            return
        self.control = new
        # A poll right before and right after the step: the ledger integrates the power between
        # polls, and without them would spread the step over a whole poll interval.
        if self.last_update_success:
            await self.async_refresh()
        self._apply_pending = True
        await self.async_run_command(lambda: self._async_apply(new))
        self._apply_pending = False
        await self.async_refresh()

    def restore_control(
        self,
        *,
        mode: ControlMode | None = None,
        charge_power_kw: float | None = None,
        discharge_power_kw: float | None = None,
    ) -> None:
        """Take settings restored after a restart; the next poll commands the charger."""
        self.control = self._changed(mode, charge_power_kw, discharge_power_kw)
        self._resume_first = self.control.mode is not ControlMode.OFF

    def restore_car_soc(
        self, soc_pct: float, measured_at: datetime, *, stayed_plugged_in: bool
    ) -> bool:
        """Take the car's SoC kept from before a restart, if the car cannot have changed since.

        The Quasar reports the SoC only while energy flows, so without this the car is unknown
        (planned at its floor) until it next charges. Returns whether the SoC was taken.
        """
        data = self.data
        now = dt_util.utcnow()
        if (
            data is None
            or not stayed_plugged_in
            or data.car.plugged_in is not True
            or data.car.soc.soc_pct is not None
            or not now - MAX_RESTORED_SOC_AGE <= measured_at <= now
        ):
            return False
        self.data = replace(data, car=self.car.seed(soc_pct, measured_at, data.status))
        return True

    def _changed(
        self,
        mode: ControlMode | None,
        charge_power_kw: float | None,
        discharge_power_kw: float | None,
    ) -> ControlSettings:
        same_mode = mode is None or mode is self.control.mode
        return ControlSettings(
            auto_power_kw=self.control.auto_power_kw if same_mode else 0.0,
            mode=self.control.mode if mode is None else mode,
            charge_power_kw=self.control.charge_power_kw
            if charge_power_kw is None
            else charge_power_kw,
            discharge_power_kw=self.control.discharge_power_kw
            if discharge_power_kw is None
            else discharge_power_kw,
        )

    async def _async_release(self) -> None:
        """On unload, give the charger back to the user and its app."""
        if self.driver.in_control:
            await self.driver.release()
