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

GARBAGE_REGISTERS: dict[int, int] = {
    QuasarRegister.STATE: 99,
    QuasarRegister.SOC: 250,
    QuasarRegister.AC_POWER: 0x7FFF,
    QuasarRegister.AC_CURRENT: 300,
    QuasarRegister.AC_VOLTAGE: 9999,
    QuasarRegister.DC_VOLTAGE: 60000,
    QuasarRegister.DC_CURRENT: 0x10000 - 30000,
}


def charger_state(
    *, plugged_in: bool, flow_w: int, unrecoverable_error: int
) -> QuasarState:
    """Register 537 for the situation."""
    if unrecoverable_error:
        return QuasarState.ERROR
    if not plugged_in:
        return QuasarState.NO_CAR
    if flow_w > 0:
        return QuasarState.CHARGING
    if flow_w < 0:
        return QuasarState.DISCHARGING
    return QuasarState.PAUSED


def live_registers(
    *,
    flow_w: int,
    dc_power_w: float,
    soc_pct: float,
    state: QuasarState,
    firmware: int,
    serial: int,
    unrecoverable_error: int,
    recoverable_error: int,
) -> dict[int, int]:
    """The read-only registers as signed values; the DC side reads 0 while nothing flows."""
    # A Leaf pack runs from about 350 V empty to 400 V full.
    dc_voltage_v = 350.0 + 0.5 * soc_pct if flow_w else 0.0
    return {
        QuasarRegister.FIRMWARE: firmware,
        QuasarRegister.SERIAL_HIGH: serial >> 16,
        QuasarRegister.SERIAL_LOW: serial & 0xFFFF,
        QuasarRegister.AC_CURRENT: round(flow_w / GRID_VOLTAGE_V),
        QuasarRegister.AC_VOLTAGE: GRID_VOLTAGE_V,
        QuasarRegister.AC_POWER: flow_w,
        QuasarRegister.STATE: state,
        QuasarRegister.UNRECOVERABLE_ERROR_HIGH: unrecoverable_error >> 16,
        QuasarRegister.UNRECOVERABLE_ERROR_LOW: unrecoverable_error & 0xFFFF,
        QuasarRegister.RECOVERABLE_ERROR_HIGH: recoverable_error >> 16,
        QuasarRegister.RECOVERABLE_ERROR_LOW: recoverable_error & 0xFFFF,
        QuasarRegister.DC_VOLTAGE: round(dc_voltage_v * 10),
        QuasarRegister.DC_CURRENT: round(dc_power_w / dc_voltage_v * 10)
        if flow_w
        else 0,
    }
