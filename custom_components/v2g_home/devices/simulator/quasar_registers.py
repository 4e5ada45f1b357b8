"""Quasar 1 register addresses, values and write limits (from the public register map)."""

from __future__ import annotations

from enum import IntEnum

GRID_VOLTAGE_V = 230
MIN_CURRENT_A = 6
MAX_CURRENT_A = 32
MIN_POWER_W = 1380
MAX_POWER_W = 7400
ADDRESS_SPACE = range(1024)


class QuasarRegister(IntEnum):
    """Holding register addresses of the Quasar 1."""

    FIRMWARE = 1
    SERIAL_HIGH = 2
    SERIAL_LOW = 3
    CONTROL = 81
    AUTOSTART = 82
    SETPOINT_TYPE = 83
    FAILSAFE_TIMEOUT = 88
    LOCKED = 256
    ACTION = 257
    CURRENT_SETPOINT = 258
    POWER_SETPOINT = 260
    MAX_POWER = 514
    AC_CURRENT = 519
    AC_VOLTAGE = 522
    AC_POWER = 526
    STATE = 537
    SOC = 538
    UNRECOVERABLE_ERROR_HIGH = 539
    UNRECOVERABLE_ERROR_LOW = 540
    RECOVERABLE_ERROR_HIGH = 541
    RECOVERABLE_ERROR_LOW = 542
    DC_VOLTAGE = 547
    DC_CURRENT = 548


class QuasarState(IntEnum):
    """Values of register 537 the simulator produces."""

    NO_CAR = 0
    CHARGING = 1
    PAUSED = 4
    ERROR = 7
    DISCHARGING = 11


class QuasarAction(IntEnum):
    """Values of register 257."""

    START = 1
    STOP = 2
    RESTART = 3
    UPDATE_SOFTWARE = 4


REMOTE_ONLY = frozenset(
    {
        QuasarRegister.AUTOSTART,
        QuasarRegister.SETPOINT_TYPE,
        QuasarRegister.FAILSAFE_TIMEOUT,
        QuasarRegister.ACTION,
        QuasarRegister.CURRENT_SETPOINT,
        QuasarRegister.POWER_SETPOINT,
        QuasarRegister.MAX_POWER,
    }
)
ALLOWED_VALUES: dict[int, range] = {
    QuasarRegister.CONTROL: range(2),
    QuasarRegister.AUTOSTART: range(2),
    QuasarRegister.SETPOINT_TYPE: range(2),
    QuasarRegister.FAILSAFE_TIMEOUT: range(0x10000),
    QuasarRegister.LOCKED: range(2),
    QuasarRegister.ACTION: range(1, 5),
    QuasarRegister.CURRENT_SETPOINT: range(-MAX_CURRENT_A, MAX_CURRENT_A + 1),
    QuasarRegister.POWER_SETPOINT: range(-MAX_POWER_W, MAX_POWER_W + 1),
    QuasarRegister.MAX_POWER: range(MIN_POWER_W, MAX_POWER_W + 1),
}
SIGNED_REGISTERS = frozenset(
    {
        QuasarRegister.CURRENT_SETPOINT,
        QuasarRegister.POWER_SETPOINT,
        QuasarRegister.MAX_POWER,
    }
)
