"""A plain register bank behind the simulator's Modbus server, for maps the simulator does not model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.v2g_home.devices.registers import RegisterType
from custom_components.v2g_home.devices.simulator import ModbusExceptionReply
from custom_components.v2g_home.devices.sunspec_map import MODEL_1, MODEL_124, MODEL_802

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ILLEGAL_ADDRESS = 2
LENGTHS = {1: 66, 802: 62, 124: 24}
POINTS = {1: MODEL_1, 802: MODEL_802, 124: MODEL_124}
_NOT_IMPLEMENTED = {
    RegisterType.INT16: 0x8000,
    RegisterType.SUNSSF: 0x8000,
    RegisterType.STRING: 0,
}


class RegisterDevice:
    """Holding registers in a dict; writes to `writable` addresses stick, `sticky` ones keep their value."""

    def __init__(
        self,
        words: Mapping[int, int],
        *,
        writable: set[int] | None = None,
        sticky: set[int] | None = None,
    ) -> None:
        """Serve `words`; anything else is an illegal address."""
        self.words = dict(words)
        self.writable = writable or set()
        self.sticky = sticky or set()
        self.writes: list[tuple[int, int]] = []

    def read_registers(self, address: int, count: int) -> list[int]:
        """Words at the addresses, or exception 2 if any is unmapped."""
        try:
            return [self.words[address + i] for i in range(count)]
        except KeyError as err:
            raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"no register {err}") from err

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Store writes to writable registers (sticky ones are accepted and ignored)."""
        for offset, word in enumerate(values):
            if address + offset not in self.writable:
                raise ModbusExceptionReply(
                    ILLEGAL_ADDRESS, f"register {address + offset} is read-only"
                )
            self.writes.append((address + offset, word))
            if address + offset not in self.sticky:
                self.words[address + offset] = word

    def garbage_registers(self) -> Mapping[int, int]:
        """No garbage mode."""
        return {}

    def note_request(self) -> None:
        """No fail-safe."""


def _string_words(text: str, count: int) -> list[int]:
    raw = text.encode("ascii").ljust(count * 2, b"\0")
    return [raw[i] << 8 | raw[i + 1] for i in range(0, count * 2, 2)]


def sunspec_words(
    base: int, models: Sequence[tuple[int, Mapping[str, int | str]]]
) -> dict[int, int]:
    """A SunSpec image: "SunS", each model (unset points "not implemented"), end marker."""
    words = {base: 0x5375, base + 1: 0x6E53}
    address = base + 2
    for model_id, values in models:
        length = LENGTHS[model_id]
        words[address], words[address + 1] = model_id, length
        for offset in range(2, length + 2):
            words[address + offset] = 0xFFFF
        for name, point in POINTS[model_id].items():
            value = values.get(name)
            if point.type is RegisterType.STRING:
                chunk = _string_words(str(value or ""), point.count)
            elif value is None:
                chunk = [_NOT_IMPLEMENTED.get(point.type, 0xFFFF)] * (
                    2 if point.type is RegisterType.UINT32 else 1
                )
            else:
                chunk = [int(value) & 0xFFFF]
            for i, word in enumerate(chunk):
                if point.offset + i < length + 2:
                    words[address + point.offset + i] = word
        address += length + 2
    words[address], words[address + 1] = 0xFFFF, 0
    return words
