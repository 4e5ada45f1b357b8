"""Plain dataclasses the device layer hands to its callers (the contract with the HA glue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from .charger import ChargerCapabilities, ChargerStatus, SessionState
from .quasar_map import MAX_POWER_KW, MIN_POWER_KW


class ChargerState(StrEnum):
    """Quasar 1 charger state (register 537), as a stable string for the UI."""

    NO_CAR = "no_car"
    CHARGING = "charging"
    WAITING_FOR_CAR = "waiting_for_car"
    CONTROLLED_BY_SCHEDULE = "controlled_by_schedule"
    PAUSED = "paused"
    END_OF_SCHEDULE = "end_of_schedule"
    NO_CAR_LOCKED = "no_car_locked"
    ERROR = "error"
    QUEUE_POWER_SHARING = "queue_power_sharing"
    POWER_SHARING_UNCONFIGURED = "power_sharing_unconfigured"
    QUEUE_POWER_BOOST = "queue_power_boost"
    DISCHARGING = "discharging"
    UNKNOWN = "unknown"


class PackState(StrEnum):
    """Stationary pack state, normalised across SunSpec and profile packs."""

    IDLE = "idle"
    CHARGING = "charging"
    DISCHARGING = "discharging"
    HOLDING = "holding"
    STANDBY = "standby"
    FAULT = "fault"
    OFF = "off"
    UNKNOWN = "unknown"


@dataclass(frozen=True, kw_only=True)
class DeviceIdentity:
    """What the device registry shows."""

    manufacturer: str
    model: str
    serial: str
    firmware: str | None = None


@dataclass(frozen=True, kw_only=True)
class SocReading:
    """A filtered state of charge: the last good value and when it was read."""

    soc_pct: float | None
    measured_at: datetime | None
    rejected_last: bool = False


@dataclass(frozen=True, kw_only=True)
class ChargerReading:
    """One full poll of a Quasar 1 and the car behind it. Power: + charges the car, - discharges."""

    state: ChargerState
    raw_state: int
    car_soc_raw_pct: int
    power_kw: float
    max_power_kw: float
    ac_current_a: float
    ac_voltage_v: float
    dc_voltage_v: float
    dc_current_a: float
    unrecoverable_error: int
    recoverable_error: int
    remote_control: bool
    setpoint_a: int | None
    setpoint_w: int | None
    failsafe_timeout_s: int | None = None
    auto_start: bool | None = None
    locked: bool | None = None

    @property
    def status(self) -> ChargerStatus:
        """The shared charger view: the Quasar refuses < 1.38 kW and reports SoC only in a session."""
        state, plugged_in = _QUASAR_STATES[self.state]
        max_kw = (
            min(MAX_POWER_KW, self.max_power_kw)
            if self.max_power_kw >= MIN_POWER_KW
            else MAX_POWER_KW
        )
        return ChargerStatus(
            state=state,
            plugged_in=plugged_in,
            car_soc_pct=float(self.car_soc_raw_pct)
            if 0 < self.car_soc_raw_pct <= 100
            else None,
            power_kw=self.power_kw,
            capabilities=ChargerCapabilities(
                max_charge_kw=max_kw,
                max_discharge_kw=max_kw,
                min_charge_kw=MIN_POWER_KW,
                min_discharge_kw=MIN_POWER_KW,
                soc_in_session_only=True,
            ),
            error_code=self.unrecoverable_error or self.recoverable_error,
        )


_QUASAR_STATES: dict[ChargerState, tuple[SessionState, bool | None]] = {
    ChargerState.NO_CAR: (SessionState.NO_CAR, False),
    ChargerState.NO_CAR_LOCKED: (SessionState.NO_CAR, False),
    ChargerState.CHARGING: (SessionState.CHARGING, True),
    ChargerState.DISCHARGING: (SessionState.DISCHARGING, True),
    ChargerState.WAITING_FOR_CAR: (SessionState.READY, True),
    ChargerState.CONTROLLED_BY_SCHEDULE: (SessionState.READY, True),
    ChargerState.PAUSED: (SessionState.READY, True),
    ChargerState.END_OF_SCHEDULE: (SessionState.READY, True),
    ChargerState.QUEUE_POWER_SHARING: (SessionState.READY, True),
    ChargerState.QUEUE_POWER_BOOST: (SessionState.READY, True),
    ChargerState.POWER_SHARING_UNCONFIGURED: (SessionState.ERROR, True),
    ChargerState.ERROR: (SessionState.ERROR, None),
    ChargerState.UNKNOWN: (SessionState.UNKNOWN, None),
}


@dataclass(frozen=True, kw_only=True)
class PackReading:
    """One full poll of a stationary pack. Power: + charges the pack, - discharges."""

    soc_pct: float | None
    soh_pct: float | None
    power_kw: float | None
    capacity_kwh: float | None
    state: PackState
    energy_charged_kwh: float | None = None
    energy_discharged_kwh: float | None = None
    max_charge_kw: float | None = None
    max_discharge_kw: float | None = None
    reserve_pct: float | None = None  # the pack's own reserve setting, where it has one


class StorageDriver(Protocol):
    """What the glue needs from any driver (charger or pack)."""

    async def connect(self) -> None:
        """Open the connection (raises DeviceConnectionError)."""

    async def close(self) -> None:
        """Close the connection; never raises."""

    async def identify(self) -> DeviceIdentity:
        """Read manufacturer, model, serial and firmware."""

    async def set_power_kw(self, power_kw: float) -> float:
        """Command a signed power (+ charge, - discharge); return what was actually set."""

    async def release(self) -> None:
        """Hand control back to the device's own logic."""
