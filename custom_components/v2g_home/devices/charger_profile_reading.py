"""What one poll of a profile charger means: its state, the car's SoC, power and the limits now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .charger import (
    CONTROLLABLE_STATES,
    ChargerCapabilities,
    ChargerStatus,
    SessionState,
)
from .errors import DeviceProtocolError
from .profile_fields import POWER_UNITS
from .registers import Value

if TYPE_CHECKING:
    from .charger_profile_schema import ChargerProfile

_IDLE_KW = 0.05
_NO_PLUG_KNOWLEDGE = {
    SessionState.ERROR,
    SessionState.UNKNOWN,
    SessionState.UNAVAILABLE,
}


@dataclass(frozen=True, kw_only=True)
class ProfileChargerReading:
    """One poll of a profile charger: every mapped value, and the shared status."""

    profile_id: str
    raw_state: int | None
    values: dict[str, Value]
    status: ChargerStatus


def raw_state(values: dict[str, Value], profile: ChargerProfile) -> int | None:
    """The state register's raw value, when the profile maps one."""
    spec = profile.values.get("state")
    raw = None if spec is None else values[spec["register"]]
    return raw if isinstance(raw, int) else None


def profile_status(values: dict[str, Value], profile: ChargerProfile) -> ChargerStatus:
    """The shared charger status from a poll of the profile's registers."""
    power_kw = _kw(values, profile, profile.values["power"])
    if power_kw is not None and profile.values["power_sign"] == "positive_discharge":
        power_kw = -power_kw
    spec = profile.values.get("state")
    if spec is not None:
        raw = values[spec["register"]]
        state = (
            SessionState(spec["map"][raw])
            if raw in spec["map"]
            else SessionState.UNKNOWN
        )
    elif power_kw is None:
        state = SessionState.UNKNOWN
    elif abs(power_kw) < _IDLE_KW:
        state = SessionState.READY
    else:
        state = SessionState.CHARGING if power_kw > 0 else SessionState.DISCHARGING
    soc_spec = profile.values.get("soc")
    soc = None
    if soc_spec is not None:
        soc = _number(values[soc_spec["register"]])
        if soc is not None and not 0 <= soc <= 100:
            raise DeviceProtocolError(f"{soc_spec['register']} reads {soc} %")
        in_session = soc_spec["valid"] == "in_session"
        if not soc or (in_session and state not in CONTROLLABLE_STATES):
            soc = None
    error = profile.values.get("error")
    return ChargerStatus(
        state=state,
        plugged_in=None
        if state in _NO_PLUG_KNOWLEDGE
        else state is not SessionState.NO_CAR,
        car_soc_pct=soc,
        power_kw=power_kw,
        capabilities=_capabilities(values, profile),
        error_code=int(_number(values[error]) or 0) if error else 0,
    )


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _kw(values: dict[str, Value], profile: ChargerProfile, name: str) -> float | None:
    value = _number(values[name])
    factor = POWER_UNITS[str(profile.registers[name].unit)]
    return None if value is None else round(value * factor, 6)


def _capabilities(
    values: dict[str, Value], profile: ChargerProfile
) -> ChargerCapabilities:
    limits = profile.limits
    maxima = {}
    for direction in ("charge", "discharge"):
        fixed = limits[f"max_{direction}_kw"]
        name = limits.get(f"max_{direction}")
        now = None if name is None else _kw(values, profile, name)
        maxima[direction] = fixed if now is None else min(fixed, max(0.0, now))
    return ChargerCapabilities(
        max_charge_kw=maxima["charge"],
        max_discharge_kw=maxima["discharge"],
        min_charge_kw=limits["min_charge_kw"],
        min_discharge_kw=limits["min_discharge_kw"],
        discharge_offered=maxima["discharge"] > 0,
        bidirectional=limits["max_discharge_kw"] > 0,
        limits_vary="max_charge" in limits or "max_discharge" in limits,
        soc_in_session_only=profile.values.get("soc", {}).get("valid") == "in_session",
    )
