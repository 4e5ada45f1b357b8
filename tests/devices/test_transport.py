"""ModbusTransport over real loopback TCP: replies, and every fault mapped onto the device error tree."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    DeviceProtocolError,
    DeviceTimeoutError,
)
from custom_components.v2g_home.devices.transport import ModbusTransport

from .conftest import open_transport

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.simulator import ModbusSimulator


async def test_reads_and_writes_registers_and_counts_requests(
    quasar_transport: ModbusTransport,
) -> None:
    """Serial number words come back as sent; a write lands; every request is counted."""
    assert await quasar_transport.read_holding(2, 2) == [0x0001, 0xE240]
    await quasar_transport.write_register(81, 1)
    assert await quasar_transport.read_holding(81, 1) == [1]
    assert quasar_transport.request_count == 3


async def test_exception_reply_becomes_protocol_error(
    quasar_server: ModbusSimulator, quasar_transport: ModbusTransport
) -> None:
    """A Modbus exception reply names its code and meaning."""
    quasar_server.faults.exception_code = 4
    with pytest.raises(
        DeviceProtocolError, match="exception 4 \\(server device failure\\)"
    ):
        await quasar_transport.read_holding(537, 1)


async def test_illegal_address_from_the_device_is_a_protocol_error(
    quasar_transport: ModbusTransport,
) -> None:
    """Writing a read-only register is refused by the device itself."""
    with pytest.raises(DeviceProtocolError, match="illegal data address"):
        await quasar_transport.write_register(537, 1)


async def test_slow_reply_beyond_timeout_is_a_timeout(
    quasar_server: ModbusSimulator,
) -> None:
    """A reply later than timeout_s raises DeviceTimeoutError; the next request reconnects and works."""
    transport = await open_transport(quasar_server, timeout_s=0.2)
    try:
        quasar_server.faults.delay_s = 0.6
        with pytest.raises(DeviceTimeoutError):
            await transport.read_holding(537, 1)
        quasar_server.faults.clear()
        assert await transport.read_holding(1, 1) == [517]
    finally:
        await transport.close()


async def test_dropped_connection_is_a_connection_error_without_waiting(
    quasar_server: ModbusSimulator,
) -> None:
    """The server closing the socket mid-request surfaces as DeviceConnectionError (not a timeout)."""
    transport = await open_transport(quasar_server, timeout_s=30.0)
    try:
        quasar_server.faults.drop_connection = True
        with pytest.raises(DeviceConnectionError) as caught:
            await transport.read_holding(537, 1)
        assert not isinstance(caught.value, DeviceTimeoutError)
        assert not transport.connected
        # While the fault is on, reconnecting fails too; afterwards it recovers.
        with pytest.raises(DeviceConnectionError):
            await transport.read_holding(537, 1)
        quasar_server.faults.clear()
        assert await transport.read_holding(1, 1) == [517]
    finally:
        await transport.close()


async def test_nobody_listening_is_a_connection_error() -> None:
    """A closed port refuses the connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = ModbusTransport("127.0.0.1", port, 1, timeout_s=0.5)
    with pytest.raises(DeviceConnectionError):
        await transport.connect()
    await transport.close()


async def test_write_rejects_values_that_are_not_words(
    quasar_transport: ModbusTransport,
) -> None:
    """Callers must encode signed values first; a raw -1 is a programming error."""
    with pytest.raises(ValueError, match="16-bit"):
        await quasar_transport.write_register(258, -1)


async def test_concurrent_callers_each_get_their_own_reply(
    quasar_transport: ModbusTransport,
) -> None:
    """A poll and a command issued together do not mix up replies."""
    replies = await asyncio.gather(
        *(quasar_transport.read_holding(address, 1) for address in (1, 2, 3, 537))
    )
    assert replies == [[517], [0x0001], [0xE240], [4]]


def test_transport_can_be_made_outside_the_event_loop() -> None:
    """Config code may build a transport synchronously; nothing touches asyncio until connect()."""
    transport = ModbusTransport("127.0.0.1", 502, 1)
    assert not transport.connected
    assert (
        transport.host,
        transport.port,
        transport.unit_id,
        transport.request_count,
    ) == ("127.0.0.1", 502, 1, 0)
