"""Start a simulated device on an ephemeral loopback port and talk raw Modbus to it (reusable by any test)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from pymodbus.client import AsyncModbusTcpClient

from custom_components.v2g_home.devices.pymodbus_compat import unit
from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimDevice

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

UNIT_ID = 1


@asynccontextmanager
async def serving(
    device: SimDevice, *, unit_id: int = UNIT_ID
) -> AsyncIterator[ModbusSimulator]:
    """A started simulator for `device` on 127.0.0.1 and a free port; stopped on exit."""
    server = ModbusSimulator({unit_id: device})
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def raw_client(
    server: ModbusSimulator, *, timeout_s: float = 1.0
) -> AsyncIterator[AsyncModbusTcpClient]:
    """A plain pymodbus client (no retries) connected to `server`; closed on exit."""
    client = AsyncModbusTcpClient(
        "127.0.0.1", port=server.port, timeout=timeout_s, retries=0
    )
    await client.connect()
    try:
        yield client
    finally:
        client.close()


class ModbusExceptionAnswer(Exception):  # noqa: N818  # mirrors the device's answer
    """The device answered with a Modbus exception code."""

    def __init__(self, code: int) -> None:
        """Keep the code for assertions."""
        super().__init__(f"Modbus exception {code}")
        self.code = code


async def read(
    client: AsyncModbusTcpClient,
    address: int,
    count: int = 1,
    *,
    unit_id: int = UNIT_ID,
) -> list[int]:
    """Read holding registers; raise ModbusExceptionAnswer on an exception reply."""
    response = await client.read_holding_registers(
        address, count=count, **unit(unit_id)
    )
    if response.isError():
        raise ModbusExceptionAnswer(response.exception_code)
    return list(response.registers)


async def write(
    client: AsyncModbusTcpClient, address: int, value: int, *, unit_id: int = UNIT_ID
) -> None:
    """Write one holding register (negative values as int16); raise ModbusExceptionAnswer on an exception reply."""
    response = await client.write_register(address, value & 0xFFFF, **unit(unit_id))
    if response.isError():
        raise ModbusExceptionAnswer(response.exception_code)


def int16(word: int) -> int:
    """Decode a register word as int16."""
    return word - 0x10000 if word >= 0x8000 else word


def text(words: list[int]) -> str:
    """Decode a SunSpec string (2 characters per register, NUL padded)."""
    return b"".join(w.to_bytes(2, "big") for w in words).rstrip(b"\0").decode("ascii")
