"""EVtec BiDiPro 10 register layout as the simulator serves it (from the public ECP4 "Modbus 2.0" facts).

One unit, objects of 100 registers: the ChargePoint at 0..99, connector X at X*100 (X = 1..10).
Big-endian words: int32 and float32 take two registers, uint64 four, strings two characters each.
"""

from __future__ import annotations

from enum import IntEnum
import struct

OBJECT_SIZE = 100
CONNECTORS = range(1, 11)
ADDRESS_SPACE = range(OBJECT_SIZE * (CONNECTORS[-1] + 1))
MAX_POWER_W = 10_000
MAX_COMM_TIMEOUT_S = 600
DISCHARGE_SESSION_TYPES = frozenset({3, 5})


class ChargePoint(IntEnum):
    """Absolute addresses in the ChargePoint object."""

    FIRMWARE = 0  # string, 16 registers
    SERIAL = 16  # string, 10 registers
    MODEL = 26  # string, 10 registers
    COMM_TIMEOUT = 42  # int32, s


class Connector(IntEnum):
    """Offsets inside a connector object (add X*100)."""

    STATE = 0  # int32
    SESSION_STATE = 2  # int32
    SESSION_TYPE = 4  # int32
    POWER = 10  # float32 W, + charging
    SOC = 12  # int32, per mille
    CONNECTOR_TYPE = 14  # int32
    DISCHARGE_FLOOR = 22  # float32 W, < 0 while V2G is offered
    CHARGE_CEILING = 30  # float32 W, 0 while the car is not charge-ready
    CHARGE_FLOOR = 38  # float32 W
    ERRORS = 54  # uint64 bitmask
    CAR_ID = 76  # string, 10 registers
    SETPOINT = 86  # int32 W, written
    SUSPEND = 88  # int32, written, no effect


class ConnectorState(IntEnum):
    """Values of connector register X+0."""

    STARTING_UP = 0
    NO_CAR = 1
    UNAVAILABLE = 2
    RESERVED = 3
    AUTHORISING = 4
    PREPARING = 5
    INITIALISING = 6
    CHARGING = 7
    DISCHARGING = 8
    SESSION_STOPPED = 9
    IDLE = 10
    CHARGING_ENDED = 11
    ERROR = 12


class ConnectorKind(IntEnum):
    """Values of connector register X+14."""

    TYPE2 = 0
    CCS = 1
    CHADEMO = 2
    GBT = 3


# Plugging in walks through these states, this many simulated seconds each, before the session is up.
SESSION_START_STATES = (
    ConnectorState.AUTHORISING,
    ConnectorState.PREPARING,
    ConnectorState.INITIALISING,
)
SESSION_START_STEP_S = 5.0
SESSION_UP_STATES = frozenset(
    {
        ConnectorState.CHARGING,
        ConnectorState.DISCHARGING,
        ConnectorState.SESSION_STOPPED,
        ConnectorState.IDLE,
        ConnectorState.CHARGING_ENDED,
    }
)
# Two-word registers that are written: both words must arrive in one request.
WRITABLE_INT32 = frozenset({Connector.SETPOINT, Connector.SUSPEND})


def int32_words(value: int) -> list[int]:
    """Two big-endian words of a signed 32-bit value."""
    return list(struct.unpack(">HH", struct.pack(">i", value)))


def words_int32(words: list[int]) -> int:
    """The signed 32-bit value of two big-endian words."""
    (value,) = struct.unpack(">i", struct.pack(">HH", *words))
    return int(value)


def float32_words(value: float) -> list[int]:
    """Two big-endian words of an IEEE 754 single."""
    return list(struct.unpack(">HH", struct.pack(">f", value)))


def uint64_words(value: int) -> list[int]:
    """Four big-endian words of an unsigned 64-bit value."""
    return [(value >> shift) & 0xFFFF for shift in (48, 32, 16, 0)]


def string_words(text: str, count: int) -> list[int]:
    """`count` registers of ASCII, two characters each, NUL padded."""
    raw = text.encode("ascii")[: count * 2].ljust(count * 2, b"\0")
    return [raw[i] << 8 | raw[i + 1] for i in range(0, count * 2, 2)]


def car_windows_w(stored_kwh: float, capacity_kwh: float) -> tuple[float, float]:
    """(discharge floor <= 0, charge ceiling >= 0) in W that the car accepts at this energy.

    A DC car tapers its charge above 80 % and 90 % and limits its discharge below 20 %; the
    breaks sit at SOC_BREAKPOINTS_PCT so that stepping stays exact.
    """
    if stored_kwh >= breakpoint_kwh(capacity_kwh, 90):
        ceiling = 0.3 * MAX_POWER_W
    elif stored_kwh >= breakpoint_kwh(capacity_kwh, 80):
        ceiling = 0.6 * MAX_POWER_W
    else:
        ceiling = float(MAX_POWER_W)
    floor = (
        -0.5 * MAX_POWER_W
        if stored_kwh <= breakpoint_kwh(capacity_kwh, 20)
        else -float(MAX_POWER_W)
    )
    return floor, ceiling


SOC_BREAKPOINTS_PCT = (20.0, 80.0, 90.0)


def breakpoint_kwh(capacity_kwh: float, pct: float) -> float:
    """Stored energy at a breakpoint, computed the same way everywhere (exact comparisons)."""
    return capacity_kwh * pct / 100.0
