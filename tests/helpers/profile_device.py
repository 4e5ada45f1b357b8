"""A register bank laid out like profiles/generic_modbus_battery.yaml, served by the simulator's server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.v2g_home.devices.simulator import ModbusExceptionReply

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ILLEGAL_ADDRESS = 2


def _text(value: str, words: int) -> list[int]:
    raw = value.encode("ascii").ljust(words * 2, b"\0")
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, words * 2, 2)]


class GenericProfileBattery:
    """Fixed readings: 64.5 % SoC, charging at 1.5 kW, 12 kWh rated, device energy counters."""

    def __init__(self, *, serial: str = "GEN-0042") -> None:
        """Fill the registers the example profile maps."""
        self.registers: dict[int, int] = {
            100: 645,  # SoC x0.1 %
            101: 990,  # SoH x0.1 %
            102: 150,  # power x10 W, + charging
            103: 2,  # status: charging
            104: 1200,  # capacity x10 Wh
            110: 0,
            111: 1234,  # energy charged x0.1 kWh (uint32, high word first)
            112: 0,
            113: 567,  # energy discharged x0.1 kWh
            128: 7,  # firmware
            200: 0,
            201: 0,
        }
        self.registers.update(enumerate(_text(serial, 8), start=120))

    def read_registers(self, address: int, count: int) -> list[int]:
        """Unmapped addresses read 0 inside the bank, like most vendor maps."""
        if address < 100 or address + count > 202:
            raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"no register at {address}")
        return [self.registers.get(a, 0) for a in range(address, address + count)]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Store written words."""
        self.registers.update(enumerate(values, start=address))

    def garbage_registers(self) -> Mapping[int, int]:
        """An impossible SoC."""
        return {100: 5000}

    def note_request(self) -> None:
        """No fail-safe to keep alive."""
