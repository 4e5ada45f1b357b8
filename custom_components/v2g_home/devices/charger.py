"""The charger family: the common view of a bidirectional charger that every charger driver gives.

Each driver has its own reading (the Quasar's `ChargerReading`, `BiDiProReading`, `DerReading`, ...)
with everything worth showing; its `status` is the part every charger shares, and the
capabilities in it are what the planner may ask of the charger at this moment.
Power everywhere: + charges the car (or battery), - discharges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import DeviceIdentity


class ChargerKind(StrEnum):
    """Which driver runs a charger (the value to store in a charger's settings)."""

    QUASAR = "quasar"
    BIDIPRO = "evtec_bidipro"
    SUNSPEC_DER = "sunspec_der"
    PROFILE = "profile"


class ConnectorType(StrEnum):
    """The plug between charger and car; only CHAdeMO makes a Nissan Leaf likely."""

    TYPE2 = "type2"
    CCS = "ccs"
    CHADEMO = "chademo"
    GBT = "gbt"
    NONE = "none"
    UNKNOWN = "unknown"


class SessionState(StrEnum):
    """A charger's state in the words all drivers share (each reading also keeps the device's own)."""

    NO_CAR = "no_car"
    CONNECTING = "connecting"
    READY = "ready"
    CHARGING = "charging"
    DISCHARGING = "discharging"
    UNAVAILABLE = "unavailable"
    ERROR = "error"
    UNKNOWN = "unknown"


# CONNECTING: a car is on the plug but the session is not up yet, so commands do nothing.
CONTROLLABLE_STATES = frozenset(
    {SessionState.READY, SessionState.CHARGING, SessionState.DISCHARGING}
)


@dataclass(frozen=True, kw_only=True)
class ChargerCapabilities:
    """What the planner may ask of a charger now: kW magnitudes per direction.

    A request below a direction's minimum (its dead band) becomes 0. `max_discharge_kw` is 0
    while discharge is not offered. `limits_vary` says the limits move at run time (read them
    again for every plan); `soc_in_session_only` that the car's SoC is reported only while a
    session runs, so a missing SoC at other times is not a fault.
    """

    max_charge_kw: float
    max_discharge_kw: float
    min_charge_kw: float = 0.0
    min_discharge_kw: float = 0.0
    discharge_offered: bool = True
    bidirectional: bool = True
    limits_vary: bool = False
    soc_in_session_only: bool = False

    def __post_init__(self) -> None:
        """Refuse limits that cannot describe a charger."""
        for name in (
            "max_charge_kw",
            "max_discharge_kw",
            "min_charge_kw",
            "min_discharge_kw",
        ):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite magnitude, got {value}")
        if not self.discharge_offered and self.max_discharge_kw:
            raise ValueError(
                "max_discharge_kw must be 0 while discharge is not offered"
            )

    def clamp_kw(self, power_kw: float) -> float:
        """The power the charger will be asked for: inside the limits, 0 inside a dead band."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        if power_kw > 0:
            magnitude = min(power_kw, self.max_charge_kw)
            return magnitude if magnitude >= self.min_charge_kw else 0.0
        if power_kw < 0 and self.discharge_offered:
            magnitude = min(-power_kw, self.max_discharge_kw)
            return -magnitude if magnitude >= self.min_discharge_kw else 0.0
        return 0.0


@dataclass(frozen=True, kw_only=True)
class ChargerStatus:
    """One poll in the words all chargers share; `car_soc_pct` is raw (None: not reported now)."""

    state: SessionState
    plugged_in: bool | None
    car_soc_pct: float | None
    power_kw: float | None
    capabilities: ChargerCapabilities
    error_code: int = 0

    @property
    def controllable(self) -> bool:
        """Whether a command takes effect now (a car is there and its session is up)."""
        return self.state in CONTROLLABLE_STATES


class ChargerPoll(Protocol):
    """Any charger driver's reading: its own fields plus the shared status."""

    @property
    def status(self) -> ChargerStatus:
        """The shared view of this reading."""


class Charger(Protocol):
    """What the glue needs from every charger driver."""

    @property
    def kind(self) -> ChargerKind:
        """Which driver this is."""

    @property
    def in_control(self) -> bool:
        """Whether the charger follows this driver's commands (False once it fell back)."""

    async def connect(self) -> None:
        """Open the connection and learn the device's layout (raises DeviceError)."""

    async def close(self) -> None:
        """Close the connection; never raises."""

    async def identify(self) -> DeviceIdentity:
        """Manufacturer, model, serial number and firmware."""

    async def read(self) -> ChargerPoll:
        """One full poll."""

    async def take_control(self) -> None:
        """Arm the charger's own fail-safe and take it under remote control."""

    async def set_power_kw(self, power_kw: float) -> float:
        """Command a signed power, clamped into the current limits; return the kW set."""

    async def stop(self) -> None:
        """Stop the flow of energy and keep control."""

    async def refresh_control(self) -> None:
        """Keep the fail-safe from firing and the command inside the latest limits.

        Call it after every poll while in control: if Home Assistant stops calling, the charger
        falls back to its own logic by itself.
        """

    async def release(self) -> None:
        """Stop, disarm what take_control() armed and hand the charger back to its own logic."""
