"""A grid meter on Modbus that reports the grid frequency of a trace (the frequency source of tests).

Holding registers (big-endian words): 0..7 the serial number (ASCII, 2 characters a word),
100-101 the frequency as float32 Hz, 102 the frequency in 0.01 Hz (uint16). Other addresses
below 200 read 0; beyond, exception 2; every write is exception 2 (a meter takes no commands).
The garbage fault serves NaN and 0xFFFF.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from .base import ILLEGAL_ADDRESS, ModbusExceptionReply

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .grid_frequency import FrequencyTrace

SERIAL_ADDRESS = 0
FREQUENCY_FLOAT_ADDRESS = 100
FREQUENCY_CENTI_ADDRESS = 102
ADDRESS_SPACE = range(200)
_NAN_WORDS = (0x7FC0, 0x0000)


def _float_words(value: float) -> tuple[int, int]:
    high, low = struct.unpack(">HH", struct.pack(">f", value))
    return high, low


class SimulatedGridMeter:
    """A meter whose frequency registers read the trace at the moment of the request."""

    def __init__(self, grid: FrequencyTrace, *, serial: str = "SIMGRID0001") -> None:
        """Report `grid`'s frequency."""
        self.grid = grid
        self.serial = serial
        self.requests = 0

    def _words(self) -> dict[int, int]:
        hz = self.grid.hz()
        raw = self.serial.encode("ascii")[:16].ljust(16, b"\0")
        words = {
            SERIAL_ADDRESS + i // 2: raw[i] << 8 | raw[i + 1] for i in range(0, 16, 2)
        }
        high, low = _float_words(hz)
        words |= {
            FREQUENCY_FLOAT_ADDRESS: high,
            FREQUENCY_FLOAT_ADDRESS + 1: low,
            FREQUENCY_CENTI_ADDRESS: min(max(round(hz * 100), 0), 0xFFFF),
        }
        return words

    def read_registers(self, address: int, count: int) -> list[int]:
        """Serve a read inside 0..199."""
        if address not in ADDRESS_SPACE or address + count - 1 not in ADDRESS_SPACE:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"no registers {address}..{address + count - 1}"
            )
        words = self._words()
        return [words.get(address + i, 0) for i in range(count)]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """A meter takes no writes."""
        del values
        raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"register {address} is read-only")

    def garbage_registers(self) -> Mapping[int, int]:
        """NaN as float32 and 0xFFFF as centi-hertz."""
        return {
            FREQUENCY_FLOAT_ADDRESS: _NAN_WORDS[0],
            FREQUENCY_FLOAT_ADDRESS + 1: _NAN_WORDS[1],
            FREQUENCY_CENTI_ADDRESS: 0xFFFF,
        }

    def note_request(self) -> None:
        """Count requests (a meter has no fail-safe)."""
        self.requests += 1
