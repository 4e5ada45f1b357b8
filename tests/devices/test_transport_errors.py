"""Error mapping of ModbusTransport for failures loopback cannot stage (a stand-in pymodbus client)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException
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


class StandInClient:
    """Behaves like AsyncModbusTcpClient as far as the transport uses it."""

    def __init__(
        self,
        *,
        connected: bool = True,
        reply: Any = None,
        error: Exception | None = None,
    ) -> None:
        """Answer every read with `reply`, or raise `error`."""
        self.connected = connected
        self.reply = reply
        self.error = error

    async def connect(self) -> bool:
        """Raise `error`, or hang like a host that never answers the handshake."""
        if self.error is not None:
            raise self.error
        await asyncio.sleep(3600)
        return True

    def close(self) -> None:
        """Forget the connection."""
        self.connected = False

    async def read_holding_registers(
        self, address: int, *, count: int, **unit: int
    ) -> Any:
        """The canned reply or error."""
        if self.error is not None:
            raise self.error
        return self.reply


def transport_with(client: StandInClient, timeout_s: float = 0.1) -> ModbusTransport:
    transport = ModbusTransport("192.0.2.1", 502, 1, timeout_s=timeout_s)
    transport._client = client  # type: ignore[assignment]
    return transport


class Reply:
    """A pymodbus reply without an error."""

    def __init__(self, registers: Any) -> None:
        """Carry the registers as pymodbus does."""
        self.registers = registers

    def isError(self) -> bool:  # noqa: N802  # pymodbus's name
        """Not an exception reply."""
        return False


async def test_connect_that_hangs_is_a_timeout() -> None:
    """A host that never completes the handshake."""
    with pytest.raises(DeviceTimeoutError, match="did not accept a connection in time"):
        await transport_with(StandInClient(connected=False), timeout_s=0.01).connect()


async def test_connect_raising_os_error_is_a_connection_error() -> None:
    """Name resolution or routing failures."""
    with pytest.raises(DeviceConnectionError, match="cannot connect"):
        await transport_with(
            StandInClient(connected=False, error=OSError("no route"))
        ).connect()


@pytest.mark.parametrize(
    ("client", "error", "message"),
    [
        (StandInClient(reply=Reply([1])), DeviceProtocolError, "got \\[1\\]"),
        (StandInClient(reply=None), DeviceProtocolError, "no usable reply"),
        (
            StandInClient(error=ConnectionException("gone")),
            DeviceConnectionError,
            "not connected",
        ),
        (
            StandInClient(error=ModbusException("bad frame")),
            DeviceProtocolError,
            "bad frame",
        ),
        (
            StandInClient(error=ModbusIOException("no reply")),
            DeviceTimeoutError,
            "did not answer",
        ),
    ],
)
async def test_client_failures_map_to_device_errors(
    client: StandInClient, error: type[Exception], message: str
) -> None:
    """Short replies, no reply, and each pymodbus exception become the matching device error."""
    with pytest.raises(error, match=message):
        await transport_with(client).read_holding(0, 2)


async def test_io_error_after_the_connection_went_is_a_connection_error() -> None:
    """A request that failed because the socket closed underneath is not a timeout."""
    client = StandInClient(error=ModbusIOException("closed"))
    transport = transport_with(client)

    async def read_then_lose(address: int, *, count: int, **unit: int) -> None:
        client.connected = False
        raise ModbusIOException("closed")

    client.read_holding_registers = read_then_lose  # type: ignore[method-assign]
    with pytest.raises(DeviceConnectionError) as caught:
        await transport.read_holding(0, 1)
    assert not isinstance(caught.value, DeviceTimeoutError)


async def test_cancelling_the_caller_is_not_reported_as_a_drop(
    quasar_server: ModbusSimulator,
) -> None:
    """When HA cancels a poll (unload), the task is cancelled, not failed with a device error."""
    transport = await open_transport(quasar_server, timeout_s=5.0)
    try:
        quasar_server.faults.delay_s = 2.0
        task = asyncio.ensure_future(transport.read_holding(537, 1))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        quasar_server.faults.clear()
        await transport.close()


async def test_a_late_reply_after_a_cancel_is_never_read(
    quasar_server: ModbusSimulator,
) -> None:
    """The caller gave up and the reply comes later: the connection was closed, nothing trips over it.

    (pymodbus 3.8 would hand the late reply to the request it had cancelled and fail in the event loop.)
    """
    loop = asyncio.get_running_loop()
    errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    transport = await open_transport(quasar_server, timeout_s=5.0)
    try:
        quasar_server.faults.delay_s = 0.5
        task = asyncio.ensure_future(transport.read_holding(537, 1))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(1.0)  # the reply was due half a second ago
        assert errors == []
        quasar_server.faults.clear()
        assert (
            len(await transport.read_holding(537, 1)) == 1
        )  # afresh, on a new connection
    finally:
        loop.set_exception_handler(None)
        quasar_server.faults.clear()
        await transport.close()
