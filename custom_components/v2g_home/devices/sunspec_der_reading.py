"""One poll of a SunSpec DER storage device: a pack reading plus the DER's own states and frequency."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .charger import ChargerCapabilities, ChargerStatus, SessionState
from .errors import DeviceProtocolError
from .models import PackReading, PackState

if TYPE_CHECKING:
    from .registers import Value


class InverterState(StrEnum):
    """Model 701 `InvSt`, as a stable string for the UI."""

    OFF = "off"
    SLEEPING = "sleeping"
    STARTING = "starting"
    RUNNING = "running"
    THROTTLED = "throttled"
    SHUTTING_DOWN = "shutting_down"
    FAULT = "fault"
    STANDBY = "standby"
    UNKNOWN = "unknown"


INVERTER_STATES = dict(enumerate(list(InverterState)[:-1]))
# Model 701 `Alrm` bits, in the order of the SunSpec model's symbols.
ALARMS = (
    "ground_fault",
    "dc_over_volt",
    "ac_disconnect",
    "dc_disconnect",
    "grid_disconnect",
    "cabinet_open",
    "manual_shutdown",
    "over_temp",
    "over_frequency",
    "under_frequency",
    "ac_over_volt",
    "ac_under_volt",
    "blown_string_fuse",
    "under_temp",
    "memory_loss",
    "hw_test_failure",
    "manufacturer_alrm",
)
STORAGE_ERROR = 2
_PACK_STATES = {
    InverterState.OFF: PackState.OFF,
    InverterState.SLEEPING: PackState.STANDBY,
    InverterState.STARTING: PackState.STANDBY,
    InverterState.SHUTTING_DOWN: PackState.STANDBY,
    InverterState.STANDBY: PackState.STANDBY,
    InverterState.FAULT: PackState.FAULT,
}
_IDLE_KW = 0.05
PLAUSIBLE_HZ = (40.0, 70.0)


@dataclass(frozen=True, kw_only=True)
class DerReading(PackReading):
    """A DER poll: usable wherever a pack reading is, with 701's frequency and the DER states."""

    inverter_state: InverterState = InverterState.UNKNOWN
    connected: bool | None = None
    alarm_bits: int = 0
    storage_status: int | None = None
    available_kwh: float | None = None
    frequency_hz: float | None = None
    power_control_enabled: bool = False
    revert_remaining_s: int | None = None

    @property
    def active_alarms(self) -> tuple[str, ...]:
        """Names of the 701 alarm bits that are set (`bit_<n>` for bits the model leaves unnamed)."""
        return tuple(
            ALARMS[bit] if bit < len(ALARMS) else f"bit_{bit}"
            for bit in range(32)
            if self.alarm_bits >> bit & 1
        )

    @property
    def capabilities(self) -> ChargerCapabilities:
        """The rated (or set) charge and discharge rates; any power down to 0 is accepted."""
        discharge_kw = self.max_discharge_kw or 0.0
        return ChargerCapabilities(
            max_charge_kw=self.max_charge_kw or 0.0,
            max_discharge_kw=discharge_kw,
            discharge_offered=discharge_kw > 0,
        )

    @property
    def status(self) -> ChargerStatus:
        """The shared charger view: a storage device is always there, its SoC always valid."""
        return ChargerStatus(
            state=_session_state(self.state),
            plugged_in=True,
            car_soc_pct=self.soc_pct,
            power_kw=self.power_kw,
            capabilities=self.capabilities,
            error_code=self.alarm_bits,
        )


def _session_state(state: PackState) -> SessionState:
    return {
        PackState.CHARGING: SessionState.CHARGING,
        PackState.DISCHARGING: SessionState.DISCHARGING,
        PackState.IDLE: SessionState.READY,
        PackState.HOLDING: SessionState.READY,
        PackState.STANDBY: SessionState.READY,
        PackState.FAULT: SessionState.ERROR,
        PackState.OFF: SessionState.UNAVAILABLE,
    }.get(state, SessionState.UNKNOWN)


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _first(*values: Value) -> float | None:
    """The first implemented, non-zero value: a setting before its rating."""
    for value in values:
        number = _number(value)
        if number:
            return number
    return None


def der_reading(values: dict[str, Value]) -> DerReading:
    """Turn decoded points (prefixes ac., cap., ctl., st.) into a reading; nonsense raises."""
    soc = _number(values.get("st.SoC"))
    if soc is not None and not 0 <= soc <= 100:
        raise DeviceProtocolError(f"SoC reads {soc} %")
    hz = _number(values.get("ac.Hz"))
    if hz is not None and not PLAUSIBLE_HZ[0] <= hz <= PLAUSIBLE_HZ[1]:
        raise DeviceProtocolError(f"Hz reads {hz}")
    charge_w = _first(
        values.get("cap.WChaRteMax"),
        values.get("cap.WChaRteMaxRtg"),
        values.get("cap.WMax"),
        values.get("cap.WMaxRtg"),
    )
    discharge_w = _first(
        values.get("cap.WDisChaRteMax"),
        values.get("cap.WDisChaRteMaxRtg"),
        values.get("cap.WMax"),
        values.get("cap.WMaxRtg"),
    )
    generated_w = _number(values.get("ac.W"))
    rating_w = max(charge_w or 0.0, discharge_w or 0.0)
    if generated_w is not None and rating_w and abs(generated_w) > 1.5 * rating_w:
        raise DeviceProtocolError(f"W reads {generated_w} for a {rating_w} W rating")
    # 701 W is + while the DER generates, so it is - of the power into the storage.
    power_kw = None if generated_w is None else -generated_w / 1000
    raw_inverter = values.get("ac.InvSt")
    inverter = (
        INVERTER_STATES.get(raw_inverter, InverterState.UNKNOWN)
        if isinstance(raw_inverter, int)
        else InverterState.UNKNOWN
    )
    storage_status = values.get("st.Sta")
    capacity_wh = _number(values.get("st.WHRtg"))
    available_wh = _number(values.get("st.WHAvail"))
    injected_wh = _number(values.get("ac.TotWhInj"))
    absorbed_wh = _number(values.get("ac.TotWhAbs"))
    remaining = values.get("ctl.WSetRvrtRem")
    conn_st = values.get("ac.ConnSt")
    return DerReading(
        soc_pct=soc,
        soh_pct=_number(values.get("st.SoH")),
        power_kw=power_kw,
        capacity_kwh=None if capacity_wh is None else capacity_wh / 1000,
        state=_pack_state(inverter, storage_status, power_kw),
        energy_charged_kwh=None if absorbed_wh is None else absorbed_wh / 1000,
        energy_discharged_kwh=None if injected_wh is None else injected_wh / 1000,
        max_charge_kw=None if charge_w is None else charge_w / 1000,
        max_discharge_kw=None if discharge_w is None else discharge_w / 1000,
        inverter_state=inverter,
        connected=None if conn_st is None else conn_st == 1,
        alarm_bits=int(values.get("ac.Alrm") or 0),
        storage_status=storage_status if isinstance(storage_status, int) else None,
        available_kwh=None if available_wh is None else available_wh / 1000,
        frequency_hz=hz,
        power_control_enabled=values.get("ctl.WSetEna") == 1,
        revert_remaining_s=remaining if isinstance(remaining, int) else None,
    )


def _pack_state(
    inverter: InverterState, storage_status: Value, power_kw: float | None
) -> PackState:
    if storage_status == STORAGE_ERROR:
        return PackState.FAULT
    if inverter in _PACK_STATES:
        return _PACK_STATES[inverter]
    if power_kw is None:
        return PackState.UNKNOWN
    if power_kw > _IDLE_KW:
        return PackState.CHARGING
    if power_kw < -_IDLE_KW:
        return PackState.DISCHARGING
    return PackState.IDLE
