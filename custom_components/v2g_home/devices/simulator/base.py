"""What every simulated device shares: the server-facing protocol, fault switches, the AC energy meter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ILLEGAL_FUNCTION = 0x01
ILLEGAL_ADDRESS = 0x02
ILLEGAL_VALUE = 0x03
DEVICE_FAILURE = 0x04


class ModbusExceptionReply(Exception):  # noqa: N818  # it is a reply, not an error of the simulator
    """Raised by a simulated device to answer a request with a Modbus exception code."""

    def __init__(self, exception_code: int, message: str) -> None:
        """Carry the Modbus exception code (2 illegal address, 3 illegal value, ...)."""
        super().__init__(message)
        self.exception_code = exception_code


@dataclass(kw_only=True)
class FaultSwitches:
    """Faults a test can switch on a running server; each applies to every later request."""

    drop_connection: bool = False
    exception_code: int | None = None
    delay_s: float = 0.0
    garbage: bool = False

    def clear(self) -> None:
        """Switch every fault off."""
        self.drop_connection = False
        self.exception_code = None
        self.delay_s = 0.0
        self.garbage = False


@dataclass(kw_only=True)
class EnergyMeter:
    """AC-side energy: the exact integral of power over simulated time, split by direction."""

    energy_in_kwh: float = 0.0
    energy_out_kwh: float = 0.0

    def add(self, power_kw: float, seconds: float) -> None:
        """Account `seconds` at constant `power_kw` (+ into the storage, - out of it)."""
        energy_kwh = power_kw * seconds / 3600.0
        if energy_kwh > 0:
            self.energy_in_kwh += energy_kwh
        else:
            self.energy_out_kwh -= energy_kwh

    @property
    def net_kwh(self) -> float:
        """Energy in minus energy out."""
        return self.energy_in_kwh - self.energy_out_kwh


class SimDevice(Protocol):
    """A register-level device the Modbus server can serve (holding registers only)."""

    def read_registers(self, address: int, count: int) -> list[int]:
        """Return `count` words from `address`; raise ModbusExceptionReply for bad addresses."""

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Write words from `address`; raise ModbusExceptionReply when the device refuses."""

    def garbage_registers(self) -> Mapping[int, int]:
        """Implausible raw words served instead of the real ones while the garbage fault is on."""

    def note_request(self) -> None:
        """Tell the device a Modbus request arrived (keeps its fail-safe alive)."""


def to_word(value: int) -> int:
    """Encode a signed int16 as the unsigned register word (two's complement)."""
    if not -0x8000 <= value <= 0xFFFF:
        raise ValueError(f"{value} does not fit a register")
    return value & 0xFFFF


def to_int16(word: int) -> int:
    """Decode a register word as int16."""
    return word - 0x10000 if word >= 0x8000 else word
