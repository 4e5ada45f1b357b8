"""What model 802/124 values mean for a pack: its state, its rated power and how its W is signed."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from .models import PackState

if TYPE_CHECKING:
    from .registers import Value

_CHA_ST_DISCHARGING = 3
_CHA_ST_CHARGING = 4
_CHA_ST = {
    1: PackState.OFF,
    2: PackState.IDLE,
    3: PackState.DISCHARGING,
    4: PackState.CHARGING,
    5: PackState.IDLE,
    6: PackState.HOLDING,
    7: PackState.STANDBY,
}
_STATE = {
    1: PackState.OFF,
    2: PackState.STANDBY,
    4: PackState.STANDBY,
    5: PackState.HOLDING,
    6: PackState.STANDBY,
}
_STATE_CONNECTED = 3
_STATE_FAULT = 99
_IDLE_KW = 0.05


class PowerSign(StrEnum):
    """How model 802's W is signed (the standard leaves it open)."""

    AUTO = "auto"
    POSITIVE_CHARGE = "positive_charge"
    POSITIVE_DISCHARGE = "positive_discharge"


class SignedPower:
    """Turns model 802's W into kW + charging; in AUTO it learns the sign from ChaSt."""

    def __init__(self, power_sign: PowerSign) -> None:
        """Start with the configured convention and nothing learnt."""
        self.power_sign = power_sign
        self._learned_sign = 0

    def power_kw(self, watts: float | None, cha_st: Value) -> float | None:
        """Model 802 W as kW, + charging, by the configured or learnt convention."""
        if watts is None:
            return None
        if self.power_sign is PowerSign.POSITIVE_CHARGE:
            return watts / 1000
        if self.power_sign is PowerSign.POSITIVE_DISCHARGE:
            return -watts / 1000
        if watts and cha_st in (_CHA_ST_CHARGING, _CHA_ST_DISCHARGING):
            direction = 1 if cha_st == _CHA_ST_CHARGING else -1
            # Remember the device's convention for moments when it reports no charge status.
            self._learned_sign = direction * (1 if watts > 0 else -1)
            return direction * abs(watts) / 1000
        return (self._learned_sign or 1) * watts / 1000


def rated_kw(control_w: Value, rating_w: Value) -> float | None:
    """The model 124 limit when there is one, else the model 802 rating."""
    watts = number(control_w)
    if watts is None:
        watts = number(rating_w)
    return None if watts is None else watts / 1000


def number(value: Value) -> float | None:
    """A decoded value as a float, None when it is not a number."""
    return float(value) if isinstance(value, int | float) else None


def pack_state(state: Value, cha_st: Value, power_kw: float | None) -> PackState:
    """The pack state from 802 State, then ChaSt, then the power's sign."""
    if state == _STATE_FAULT:
        return PackState.FAULT
    if isinstance(state, int) and state in _STATE:
        return _STATE[state]
    if state not in (None, _STATE_CONNECTED):
        return PackState.UNKNOWN
    if isinstance(cha_st, int) and cha_st in _CHA_ST:
        return _CHA_ST[cha_st]
    if power_kw is None:
        return PackState.UNKNOWN
    if power_kw > _IDLE_KW:
        return PackState.CHARGING
    if power_kw < -_IDLE_KW:
        return PackState.DISCHARGING
    return PackState.IDLE
