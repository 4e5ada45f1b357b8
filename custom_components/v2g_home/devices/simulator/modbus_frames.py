"""Modbus TCP framing (MBAP header + PDU) and the holding-register functions the simulated devices serve."""

from __future__ import annotations

from dataclasses import dataclass
import struct
from typing import TYPE_CHECKING, Final

from .base import ILLEGAL_ADDRESS, ILLEGAL_FUNCTION, ILLEGAL_VALUE, ModbusExceptionReply

if TYPE_CHECKING:
    from .base import SimDevice

MBAP_LENGTH: Final = 7
"""Transaction id, protocol id, length (all uint16) and the unit id byte."""
GATEWAY_NO_RESPONSE: Final = 0x0B
READ_HOLDING: Final = 3
WRITE_SINGLE: Final = 6
WRITE_MULTIPLE: Final = 16
# Coils, discrete inputs and input registers: valid Modbus functions, but no such table on these devices.
_OTHER_TABLES: Final = frozenset({1, 2, 4, 5, 15})
_MAX_READ: Final = 125
_MAX_WRITE: Final = 123
_MAX_PDU: Final = 253


class FrameError(Exception):
    """The bytes on the wire are not Modbus TCP; the connection is closed."""


def parse_header(header: bytes) -> tuple[int, int, int]:
    """Transaction id, unit id and the PDU's length from a 7-byte MBAP header."""
    transaction_id, protocol_id, length, unit_id = struct.unpack(">HHHB", header)
    if protocol_id != 0 or not 2 <= length <= _MAX_PDU + 1:
        raise FrameError(f"not a Modbus TCP header: {header.hex()}")
    return transaction_id, unit_id, length - 1


@dataclass(frozen=True, kw_only=True)
class Request:
    """One request PDU with the MBAP fields its reply must echo."""

    transaction_id: int
    unit_id: int
    function_code: int
    data: bytes

    @classmethod
    def parse(cls, transaction_id: int, unit_id: int, pdu: bytes) -> Request:
        """Split a PDU into its function code and data."""
        return cls(
            transaction_id=transaction_id,
            unit_id=unit_id,
            function_code=pdu[0],
            data=pdu[1:],
        )

    def frame(self, reply_pdu: bytes) -> bytes:
        """The reply PDU behind an MBAP header that echoes this request's ids."""
        header = struct.pack(
            ">HHHB", self.transaction_id, 0, len(reply_pdu) + 1, self.unit_id
        )
        return header + reply_pdu


def exception_pdu(function_code: int, exception_code: int) -> bytes:
    """An exception reply: the function code with its high bit set, then the code."""
    return bytes([(function_code | 0x80) & 0xFF, exception_code & 0xFF])


def answer(request: Request, device: SimDevice, *, garbage: bool) -> bytes:
    """Serve one request from `device`; ModbusExceptionReply for what the device or the protocol refuses."""
    code, data = request.function_code, request.data
    if code == READ_HOLDING:
        address, count = _unpack(">HH", data)
        if not 1 <= count <= _MAX_READ:
            raise ModbusExceptionReply(ILLEGAL_VALUE, f"cannot read {count} registers")
        words = device.read_registers(address, count)
        if garbage:
            overlay = device.garbage_registers()
            words = [overlay.get(address + i, word) for i, word in enumerate(words)]
        return struct.pack(f">BB{count}H", code, 2 * count, *words)
    if code == WRITE_SINGLE:
        address, value = _unpack(">HH", data)
        device.write_registers(address, [value])
        return bytes([code]) + data[:4]
    if code == WRITE_MULTIPLE:
        address, count, byte_count = _unpack(">HHB", data[:5])
        if not 1 <= count <= _MAX_WRITE or byte_count != 2 * count:
            raise ModbusExceptionReply(ILLEGAL_VALUE, f"bad write of {count} registers")
        values = list(_unpack(f">{count}H", data[5:]))
        device.write_registers(address, values)
        return struct.pack(">BHH", code, address, count)
    if code in _OTHER_TABLES:
        raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"function {code}: no such table")
    raise ModbusExceptionReply(ILLEGAL_FUNCTION, f"function {code} not supported")


def _unpack(layout: str, data: bytes) -> tuple[int, ...]:
    if len(data) != struct.calcsize(layout):
        raise ModbusExceptionReply(ILLEGAL_VALUE, "request of the wrong length")
    return struct.unpack(layout, data)
