"""Declarative Modbus register maps: types, contiguous read blocks and decoding."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math
import struct
from typing import TYPE_CHECKING

from .errors import DeviceProtocolError
from .register_blocks import MODBUS_MAX_READ, Block, plan_blocks, words_by_address

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "MODBUS_MAX_READ",
    "Block",
    "Register",
    "RegisterType",
    "Value",
    "WordOrder",
    "decode",
    "encode",
    "plan_blocks",
    "words_by_address",
]

type Value = int | float | str | None


class RegisterType(StrEnum):
    """How the words of a register are interpreted."""

    UINT16 = "uint16"
    INT16 = "int16"
    UINT32 = "uint32"
    INT32 = "int32"
    ACC32 = "acc32"
    ACC64 = "acc64"
    UINT64 = "uint64"
    FLOAT32 = "float32"
    ENUM16 = "enum16"
    BITFIELD16 = "bitfield16"
    BITFIELD32 = "bitfield32"
    SUNSSF = "sunssf"
    STRING = "string"


class WordOrder(StrEnum):
    """Order of the 16-bit words of a 32/64-bit value (bytes inside a word are always big-endian)."""

    BIG = "big"
    LITTLE = "little"


_WORDS = {
    RegisterType.UINT32: 2,
    RegisterType.INT32: 2,
    RegisterType.ACC32: 2,
    RegisterType.BITFIELD32: 2,
    RegisterType.ACC64: 4,
    RegisterType.UINT64: 4,
    RegisterType.FLOAT32: 2,
}
_SIGNED = {RegisterType.INT16, RegisterType.INT32, RegisterType.SUNSSF}
_UNSCALED = {
    RegisterType.ENUM16,
    RegisterType.BITFIELD16,
    RegisterType.BITFIELD32,
    RegisterType.SUNSSF,
}
# SunSpec "not implemented" marks, by type (accumulators use 0, strings all-NUL).
_SUNSPEC_NOT_IMPLEMENTED = {
    RegisterType.UINT16: 0xFFFF,
    RegisterType.ENUM16: 0xFFFF,
    RegisterType.BITFIELD16: 0xFFFF,
    RegisterType.INT16: 0x8000,
    RegisterType.SUNSSF: 0x8000,
    RegisterType.UINT32: 0xFFFFFFFF,
    RegisterType.BITFIELD32: 0xFFFFFFFF,
    RegisterType.INT32: 0x80000000,
    RegisterType.ACC32: 0,
    RegisterType.ACC64: 0,
    RegisterType.UINT64: 0xFFFFFFFFFFFFFFFF,
    RegisterType.FLOAT32: 0x7FC00000,
}
_SUNSSF_RANGE = range(-10, 11)


@dataclass(frozen=True, kw_only=True)
class Register:
    """One value in a device's register map; `sf` names a SunSpec scale-factor register."""

    address: int
    type: RegisterType
    scale: float = 1.0
    unit: str | None = None
    count: int = 1
    sf: str | None = None
    plausible: tuple[float, float] | None = None

    @property
    def words(self) -> int:
        """Number of 16-bit words the register occupies."""
        if self.type is RegisterType.STRING:
            return self.count
        return _WORDS.get(self.type, 1)


def _raw(
    register: Register, words: Mapping[int, int], word_order: WordOrder
) -> list[int]:
    try:
        raw = [words[register.address + i] for i in range(register.words)]
    except KeyError as err:
        raise ValueError(f"register {err.args[0]} was not read") from err
    if word_order is WordOrder.LITTLE and register.type is not RegisterType.STRING:
        raw.reverse()
    return raw


def _integer(register: Register, raw: Sequence[int]) -> int:
    value = 0
    for word in raw:
        value = (value << 16) | word
    bits = 16 * len(raw)
    if register.type in _SIGNED and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def _string(raw: Iterable[int]) -> str | None:
    data = b"".join(word.to_bytes(2, "big") for word in raw)
    text = data.split(b"\x00", 1)[0].decode("ascii", errors="replace").strip()
    return text or None


def _float(name: str, register: Register, raw: Sequence[int]) -> float | None:
    (value,) = struct.unpack(">f", struct.pack(">HH", *raw))
    if math.isnan(value):
        # NaN is how float registers say "no value now" (SunSpec's "not implemented" too).
        return None
    if math.isinf(value):
        raise DeviceProtocolError(f"{name} (register {register.address}) reads {value}")
    return float(value)


def _not_implemented(register: Register, raw: Sequence[int]) -> bool:
    unsigned = 0
    for word in raw:
        unsigned = (unsigned << 16) | word
    return _SUNSPEC_NOT_IMPLEMENTED.get(register.type) == unsigned


def decode(
    registers: Mapping[str, Register],
    words: Mapping[int, int],
    *,
    sunspec: bool = False,
    word_order: WordOrder = WordOrder.BIG,
) -> dict[str, Value]:
    """Decode every register of a map (scale and scale factors applied); implausible values raise."""
    raw_values: dict[str, Value] = {}
    for name, register in registers.items():
        raw = _raw(register, words, word_order)
        if register.type is RegisterType.STRING:
            raw_values[name] = _string(raw)
        elif sunspec and _not_implemented(register, raw):
            raw_values[name] = None
        elif register.type is RegisterType.FLOAT32:
            raw_values[name] = _float(name, register, raw)
        else:
            raw_values[name] = _integer(register, raw)
    values: dict[str, Value] = {}
    for name, register in registers.items():
        value = raw_values[name]
        if isinstance(value, int | float) and register.type not in _UNSCALED:
            values[name] = _scaled(name, register, value, raw_values)
        else:
            values[name] = value
        if (
            register.type is RegisterType.SUNSSF
            and value is not None
            and value not in _SUNSSF_RANGE
        ):
            raise DeviceProtocolError(f"scale factor {name} is {value}")
        _check_plausible(name, register, values[name])
    return values


def _scaled(
    name: str, register: Register, value: float, raw_values: Mapping[str, Value]
) -> Value:
    factor = register.scale
    if register.sf is not None:
        if register.sf not in raw_values:
            raise ValueError(f"{name} needs scale factor {register.sf} in the same map")
        exponent = raw_values[register.sf]
        if not isinstance(exponent, int):
            return None
        if exponent not in _SUNSSF_RANGE:
            raise DeviceProtocolError(f"scale factor {register.sf} is {exponent}")
        factor *= 10.0**exponent
    if factor == 1.0 and register.sf is None:
        return value
    return round(value * factor, 10)


def _check_plausible(name: str, register: Register, value: Value) -> None:
    if register.plausible is None or not isinstance(value, int | float):
        return
    low, high = register.plausible
    if not low <= value <= high:
        raise DeviceProtocolError(
            f"{name} (register {register.address}) reads {value}, outside {low}..{high}"
        )


def encode(
    register: Register, value: float, sf: int = 0, word_order: WordOrder = WordOrder.BIG
) -> list[int]:
    """Turn an engineering value into the register's words (scale and scale factor undone)."""
    if register.type is RegisterType.STRING:
        raise ValueError("strings are not written")
    if register.type is RegisterType.FLOAT32:
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a number")
        high, low = struct.unpack(">HH", struct.pack(">f", value / register.scale))
        return [low, high] if word_order is WordOrder.LITTLE else [high, low]
    raw = round(value / (register.scale * 10.0**sf))
    bits = 16 * register.words
    low, high = (
        (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
        if register.type in _SIGNED
        else (0, (1 << bits) - 1)
    )
    if not low <= raw <= high:
        raise ValueError(
            f"{value} does not fit register {register.address} ({register.type})"
        )
    raw &= (1 << bits) - 1
    words = [(raw >> (16 * i)) & 0xFFFF for i in reversed(range(register.words))]
    return words[::-1] if word_order is WordOrder.LITTLE else words
