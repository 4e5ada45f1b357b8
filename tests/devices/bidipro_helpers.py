"""What the BiDiPro driver tests share: a transport that records its reads, a served charger."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from custom_components.v2g_home.devices.bidipro import BiDiProCharger
from custom_components.v2g_home.devices.simulator import ModbusSimulator
from custom_components.v2g_home.devices.transport import ModbusTransport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from custom_components.v2g_home.devices.simulator import SimulatedBiDiPro


class RecordingTransport(ModbusTransport):
    """A transport that remembers every read it sends."""

    def __init__(self, port: int, timeout_s: float = 1.0) -> None:
        """A transport to the simulator on 127.0.0.1:port."""
        super().__init__("127.0.0.1", port, 1, timeout_s=timeout_s)
        self.reads: list[tuple[int, int]] = []

    async def read_holding(self, address: int, count: int) -> list[int]:
        """Record the read, then send it."""
        self.reads.append((address, count))
        return await super().read_holding(address, count)


@asynccontextmanager
async def driving(
    charger: SimulatedBiDiPro, **options: int
) -> AsyncIterator[tuple[ModbusSimulator, BiDiProCharger, RecordingTransport]]:
    """Serve the simulated charger and connect a driver to it."""
    server = ModbusSimulator({1: charger})
    await server.start()
    transport = RecordingTransport(server.port)
    driver = BiDiProCharger(transport, **options)
    try:
        await driver.connect()
        yield server, driver, transport
    finally:
        await transport.close()
        await server.stop()
