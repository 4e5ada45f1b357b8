"""One poll of a BiDiPro 10 connector: its own states and windows, and the shared charger status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import TYPE_CHECKING

from .bidipro_map import DISCHARGE_SESSION_TYPES, NOMINAL_POWER_W
from .charger import ChargerCapabilities, ChargerStatus, ConnectorType, SessionState
from .errors import DeviceProtocolError

if TYPE_CHECKING:
    from .registers import Value


class BiDiProState(StrEnum):
    """Connector state (register X+0), as a stable string for the UI."""

    STARTING_UP = "starting_up"
    NO_CAR = "no_car"
    UNAVAILABLE = "unavailable"
    RESERVED = "reserved"
    AUTHORISING = "authorising"
    PREPARING = "preparing"
    INITIALISING = "initialising"
    CHARGING = "charging"
    DISCHARGING = "discharging"
    SESSION_STOPPED = "session_stopped"
    IDLE = "idle"
    CHARGING_ENDED = "charging_ended"
    ERROR = "error"
    UNKNOWN = "unknown"


STATES = dict(enumerate(list(BiDiProState)[:-1]))
CONNECTOR_TYPES = {
    0: ConnectorType.TYPE2,
    1: ConnectorType.CCS,
    2: ConnectorType.CHADEMO,
    3: ConnectorType.GBT,
}
# States 4-6: a car is there but its session is not up, so it is treated as not controllable yet.
_SHARED: dict[BiDiProState, tuple[SessionState, bool | None]] = {
    BiDiProState.STARTING_UP: (SessionState.UNAVAILABLE, None),
    BiDiProState.NO_CAR: (SessionState.NO_CAR, False),
    BiDiProState.UNAVAILABLE: (SessionState.ERROR, None),
    BiDiProState.RESERVED: (SessionState.UNAVAILABLE, None),
    BiDiProState.AUTHORISING: (SessionState.CONNECTING, True),
    BiDiProState.PREPARING: (SessionState.CONNECTING, True),
    BiDiProState.INITIALISING: (SessionState.CONNECTING, True),
    BiDiProState.CHARGING: (SessionState.CHARGING, True),
    BiDiProState.DISCHARGING: (SessionState.DISCHARGING, True),
    BiDiProState.SESSION_STOPPED: (SessionState.READY, True),
    BiDiProState.IDLE: (SessionState.READY, True),
    BiDiProState.CHARGING_ENDED: (SessionState.READY, True),
    BiDiProState.ERROR: (SessionState.ERROR, None),
    BiDiProState.UNKNOWN: (SessionState.UNKNOWN, None),
}
_SESSION_UP = frozenset(
    {
        BiDiProState.CHARGING,
        BiDiProState.DISCHARGING,
        BiDiProState.SESSION_STOPPED,
        BiDiProState.IDLE,
        BiDiProState.CHARGING_ENDED,
    }
)


@dataclass(frozen=True, kw_only=True)
class BiDiProReading:
    """One poll of the connector in use; powers in W as the charger reports them (+ charging)."""

    connector: int
    state: BiDiProState
    raw_state: int
    session_state: int
    session_type: int
    connector_type: ConnectorType
    power_w: float
    soc_per_mille: int
    discharge_floor_w: float
    charge_ceiling_w: float
    charge_floor_w: float
    error_bits: int
    car_id: str | None
    setpoint_w: int
    lagging_polls: int = 0

    @property
    def v2g_offered(self) -> bool:
        """Discharge is allowed now: a bidirectional session type (3 or 5) and X+22 below 0."""
        return (
            self.session_type in DISCHARGE_SESSION_TYPES and self.discharge_floor_w < 0
        )

    @property
    def active_errors(self) -> tuple[int, ...]:
        """The bit numbers set in the error bitmask (the vendor has not published their meaning)."""
        return tuple(bit for bit in range(64) if self.error_bits >> bit & 1)

    @property
    def car_soc_pct(self) -> float | None:
        """The car's SoC (0.1 % steps) while a session runs; None otherwise or when it reads 0."""
        if self.state not in _SESSION_UP or self.soc_per_mille <= 0:
            return None
        return self.soc_per_mille / 10

    @property
    def capabilities(self) -> ChargerCapabilities:
        """The station's windows now; an unset charge ceiling (0) means its nominal 10 kW."""
        ceiling_w = (
            self.charge_ceiling_w if self.charge_ceiling_w > 0 else NOMINAL_POWER_W
        )
        offered = self.v2g_offered
        return ChargerCapabilities(
            max_charge_kw=ceiling_w / 1000,
            max_discharge_kw=-self.discharge_floor_w / 1000 if offered else 0.0,
            min_charge_kw=max(0.0, self.charge_floor_w) / 1000,
            discharge_offered=offered,
            limits_vary=True,
            soc_in_session_only=True,
        )

    @property
    def status(self) -> ChargerStatus:
        """The shared charger view of this poll."""
        state, plugged_in = _SHARED[self.state]
        return ChargerStatus(
            state=state,
            plugged_in=plugged_in,
            car_soc_pct=self.car_soc_pct,
            power_kw=self.power_w / 1000,
            capabilities=self.capabilities,
            error_code=self.error_bits,
        )


def _int(values: dict[str, Value], name: str) -> int:
    value = values[name]
    if not isinstance(value, int):
        raise DeviceProtocolError(f"{name} reads {value!r}")
    return value


def _watts(values: dict[str, Value], name: str) -> float:
    value = values[name]
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DeviceProtocolError(f"{name} reads {value!r}")
    return float(value)


def bidipro_reading(
    values: dict[str, Value], connector: int, lagging_polls: int = 0
) -> BiDiProReading:
    """Turn decoded connector registers into a reading (a missing number is a protocol error)."""
    raw_state = _int(values, "state")
    car_id = values["car_id"]
    return BiDiProReading(
        connector=connector,
        state=STATES.get(raw_state, BiDiProState.UNKNOWN),
        raw_state=raw_state,
        session_state=_int(values, "session_state"),
        session_type=_int(values, "session_type"),
        connector_type=CONNECTOR_TYPES.get(
            _int(values, "connector_type"), ConnectorType.UNKNOWN
        ),
        power_w=_watts(values, "power"),
        soc_per_mille=_int(values, "soc"),
        discharge_floor_w=min(0.0, _watts(values, "discharge_floor")),
        charge_ceiling_w=max(0.0, _watts(values, "charge_ceiling")),
        charge_floor_w=max(0.0, _watts(values, "charge_floor")),
        error_bits=_int(values, "errors"),
        car_id=car_id if isinstance(car_id, str) else None,
        setpoint_w=_int(values, "setpoint"),
        lagging_polls=lagging_polls,
    )
