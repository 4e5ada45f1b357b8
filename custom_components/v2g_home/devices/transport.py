"""Modbus TCP transport: pymodbus underneath, the device error tree on top."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from .errors import DeviceConnectionError, DeviceProtocolError, DeviceTimeoutError
from .pymodbus_compat import unit

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

ILLEGAL_DATA_ADDRESS = 2
MODBUS_MAX_WRITE = 123
MODBUS_EXCEPTIONS = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "server device failure",
    5: "acknowledge",
    6: "server device busy",
    10: "gateway path unavailable",
    11: "gateway target failed to respond",
}


class ModbusExceptionError(DeviceProtocolError):
    """The device answered with a Modbus exception reply (code 2: no such register)."""

    def __init__(self, message: str, code: int) -> None:
        """Keep the exception code so callers can tell "no such register" from a failure."""
        super().__init__(message)
        self.code = code


class ModbusTransport:
    """One Modbus TCP connection to one unit id; every failure becomes a DeviceError."""

    def __init__(
        self, host: str, port: int, unit_id: int, *, timeout_s: float = 3.0
    ) -> None:
        """Prepare the client; nothing is opened until connect()."""
        self.host = host
        self.port = port
        self.unit_id = unit_id
        self.timeout_s = timeout_s
        self.request_count = 0
        # pymodbus needs a running event loop to build its client, so it is made on first use.
        self._client: Any = None
        self._pending: asyncio.Future[Any] | None = None
        self._lock = asyncio.Lock()

    def _on_connection_change(self, connected: bool) -> None:
        # pymodbus would wait for the full timeout on a dropped connection; end the wait at once.
        if not connected and self._pending is not None and not self._pending.done():
            self._pending.cancel()

    def _make_client(self) -> Any:
        # Reconnection is the caller's decision (it backs off), so pymodbus must not retry on its own.
        return AsyncModbusTcpClient(
            self.host,
            port=self.port,
            timeout=self.timeout_s,
            retries=0,
            reconnect_delay=0,
            trace_connect=self._on_connection_change,
        )

    @property
    def connected(self) -> bool:
        """Whether the TCP connection is open."""
        return self._client is not None and bool(self._client.connected)

    async def connect(self) -> None:
        """Open the TCP connection (DeviceConnectionError when the host does not accept it)."""
        if self.connected:
            return
        if self._client is None:
            self._client = self._make_client()
        try:
            async with asyncio.timeout(self.timeout_s + 1.0):
                ok = await self._client.connect()
        except TimeoutError as err:
            raise DeviceTimeoutError(
                f"{self.host}:{self.port} did not accept a connection in time"
            ) from err
        except (OSError, ModbusException) as err:
            raise DeviceConnectionError(
                f"cannot connect to {self.host}:{self.port}: {err}"
            ) from err
        if not ok:
            raise DeviceConnectionError(f"cannot connect to {self.host}:{self.port}")

    async def close(self) -> None:
        """Close the connection; never raises."""
        if self._client is not None:
            self._client.close()

    async def read_holding(self, address: int, count: int) -> list[int]:
        """Read `count` holding registers (FC03) starting at `address`."""
        reply = await self._execute(
            "read",
            address,
            lambda: self._client.read_holding_registers(
                address, count=count, **unit(self.unit_id)
            ),
        )
        registers = getattr(reply, "registers", None)
        if not isinstance(registers, list) or len(registers) != count:
            raise DeviceProtocolError(
                f"read of {count} registers at {address} got {registers!r}"
            )
        return [int(word) for word in registers]

    async def write_register(self, address: int, value: int) -> None:
        """Write one holding register (FC06); value is the raw 16-bit word."""
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"{value} is not a 16-bit register value")
        # The echo is not compared here: drivers verify writes by reading the register back.
        await self._execute(
            "write",
            address,
            lambda: self._client.write_register(address, value, **unit(self.unit_id)),
        )

    async def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Write consecutive holding registers in one request (FC16): 32- and 64-bit values."""
        words = list(values)
        if not 1 <= len(words) <= MODBUS_MAX_WRITE:
            raise ValueError(f"cannot write {len(words)} registers in one request")
        for word in words:
            if not 0 <= word <= 0xFFFF:
                raise ValueError(f"{word} is not a 16-bit register value")
        await self._execute(
            "write",
            address,
            lambda: self._client.write_registers(address, words, **unit(self.unit_id)),
        )

    async def _execute(
        self, what: str, address: int, request: Callable[[], Awaitable[Any]]
    ) -> Any:
        # One request at a time, so a dropped connection always ends the request in flight.
        async with self._lock:
            return await self._execute_alone(what, address, request)

    async def _execute_alone(
        self, what: str, address: int, request: Callable[[], Awaitable[Any]]
    ) -> Any:
        if not self.connected:
            await self.connect()
        self.request_count += 1
        try:
            pending: asyncio.Future[Any] = asyncio.ensure_future(request())
            self._pending = pending
            async with asyncio.timeout(self.timeout_s + 1.0):
                reply = await pending
        except asyncio.CancelledError as err:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                # Our caller stopped waiting: a late reply must not reach the request pymodbus
                # cancelled (3.8 fails on it in the event loop), nor pass for the next one's answer.
                self._client.close()
                raise
            raise DeviceConnectionError(
                f"{self.host}:{self.port} dropped the connection ({what} {address})"
            ) from err
        except (TimeoutError, ModbusIOException) as err:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                # pymodbus >= 3.10 reports our own cancellation as an I/O error; let it through.
                self._client.close()
                raise asyncio.CancelledError from err
            if not self.connected:
                raise DeviceConnectionError(
                    f"{self.host}:{self.port} dropped the connection ({what} {address})"
                ) from err
            # A late reply would be taken for the answer to the next request; start afresh instead.
            self._client.close()
            raise DeviceTimeoutError(
                f"{self.host}:{self.port} did not answer the {what} at {address}"
            ) from err
        except ConnectionException as err:
            raise DeviceConnectionError(
                f"{self.host}:{self.port} is not connected ({what} {address})"
            ) from err
        except ModbusException as err:
            raise DeviceProtocolError(f"{what} at {address} failed: {err}") from err
        finally:
            self._pending = None
        return _checked_reply(reply, what, address)


def _checked_reply(reply: Any, what: str, address: int) -> Any:
    """Return a usable pymodbus reply, or raise the device error its exception code means."""
    if reply is None or not hasattr(reply, "isError"):
        raise DeviceProtocolError(f"{what} at {address} got no usable reply")
    if reply.isError():
        code = int(getattr(reply, "exception_code", 0))
        meaning = MODBUS_EXCEPTIONS.get(code, "unknown exception")
        raise ModbusExceptionError(
            f"{what} at {address}: Modbus exception {code} ({meaning})", code
        )
    return reply
