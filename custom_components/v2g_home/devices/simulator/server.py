"""A pymodbus asyncio TCP server that serves simulated devices and applies fault switches per request."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from pymodbus.datastore import ModbusBaseSlaveContext, ModbusServerContext
from pymodbus.exceptions import NoSuchSlaveException
from pymodbus.pdu import ExceptionResponse
from pymodbus.server import ModbusTcpServer
from pymodbus.server.requesthandler import ServerRequestHandler

from .base import DEVICE_FAILURE, FaultSwitches, ModbusExceptionReply

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .base import SimDevice
    from .clock import SimClock

_LOGGER = logging.getLogger(__name__)
_HOLDING_FUNCTION_CODES = frozenset({3, 6, 16, 22, 23})
_GATEWAY_NO_RESPONSE = 0x0B


class _DeviceContext(ModbusBaseSlaveContext):
    """Routes pymodbus datastore calls to one simulated device; only holding registers exist."""

    def __init__(self, device: SimDevice, faults: FaultSwitches) -> None:
        self.device = device
        self.faults = faults

    def reset(self) -> None:
        """Nothing to reset: the device owns its state."""

    def validate(self, fc_as_hex: int, address: int, count: int = 1) -> bool:
        """Accept holding-register functions; the device itself rejects bad addresses."""
        return fc_as_hex in _HOLDING_FUNCTION_CODES and count >= 1 and address >= 0

    def getValues(  # noqa: N802
        self,
        fc_as_hex: int,  # noqa: ARG002
        address: int,
        count: int = 1,
    ) -> list[int]:
        """Read words, with garbage overlaid while that fault is on."""
        words = self.device.read_registers(address, count)
        if self.faults.garbage:
            garbage = self.device.garbage_registers()
            words = [garbage.get(address + i, word) for i, word in enumerate(words)]
        return words

    def setValues(  # noqa: N802
        self,
        fc_as_hex: int,  # noqa: ARG002
        address: int,
        values: Sequence[int],
    ) -> None:
        """Write words."""
        self.device.write_registers(address, list(values))


class _FaultyRequestHandler(ServerRequestHandler):
    """One client connection: applies faults, counts requests and maps device refusals to exceptions."""

    server: _SimTcpServer

    def __init__(self, owner: _SimTcpServer) -> None:
        """Serve one connection of `owner`."""
        super().__init__(owner)  # type: ignore[no-untyped-call]

    def callback_connected(self) -> None:
        """Refuse the connection at once while drop_connection is on."""
        super().callback_connected()
        if self.server.faults.drop_connection:
            self.close()

    def handle_later(self) -> None:
        """Serve the request just framed in a tracked task (so stop() can cancel slow replies)."""
        pdu, addr = self.last_pdu, self.last_addr
        task = self.loop.create_task(self._serve(pdu, addr))
        self.server.request_tasks.add(task)
        task.add_done_callback(self.server.request_tasks.discard)

    async def _serve(self, pdu: Any, addr: Any) -> None:
        self.server.owner.request_count += 1
        faults = self.server.faults
        if faults.drop_connection:
            self.close()
            return
        if faults.delay_s > 0:
            await asyncio.sleep(faults.delay_s)
        if faults.exception_code is not None:
            response: Any = ExceptionResponse(pdu.function_code, faults.exception_code)
        else:
            response = await self._execute(pdu)
        response.transaction_id = pdu.transaction_id
        response.dev_id = pdu.dev_id
        if self.transport is not None:
            self.server_send(response, addr)  # type: ignore[no-untyped-call]

    async def _execute(self, pdu: Any) -> Any:
        try:
            context = self.server.context[pdu.dev_id]
        except NoSuchSlaveException:
            return ExceptionResponse(pdu.function_code, _GATEWAY_NO_RESPONSE)
        context.device.note_request()
        try:
            return await pdu.update_datastore(context)
        except ModbusExceptionReply as reply:
            _LOGGER.debug(
                "Answering %s with exception %s: %s", pdu, reply.exception_code, reply
            )
            return ExceptionResponse(pdu.function_code, reply.exception_code)
        except Exception:
            # Like pymodbus itself: a broken simulation answers "device failure" rather than going silent.
            _LOGGER.exception("Simulated device failed on %s", pdu)
            return ExceptionResponse(pdu.function_code, DEVICE_FAILURE)


class _SimTcpServer(ModbusTcpServer):
    """ModbusTcpServer whose connections apply the simulator's fault switches."""

    def __init__(
        self,
        owner: ModbusSimulator,
        context: ModbusServerContext,
        address: tuple[str, int],
    ) -> None:
        super().__init__(context, address=address)
        self.owner: ModbusSimulator = owner
        self.faults: FaultSwitches = owner.faults
        self.request_tasks: set[asyncio.Task[None]] = set()

    def callback_new_connection(self) -> _FaultyRequestHandler:
        """Make a handler that knows about faults."""
        return _FaultyRequestHandler(self)


class ModbusSimulator:
    """One simulated Modbus TCP host serving one device per unit id."""

    def __init__(
        self,
        devices: Mapping[int, SimDevice],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: SimClock | None = None,
    ) -> None:
        """Serve `devices` (unit id -> device) on host:port; port 0 picks a free port at start().

        `clock` is only kept for callers (devices carry their own clock and step it on every request).
        """
        if not devices:
            raise ValueError("a simulator needs at least one device")
        self.devices = dict(devices)
        self.host = host
        self.clock = clock
        self.faults = FaultSwitches()
        self.request_count = 0
        """Modbus requests received (including those answered with a fault), kept across restarts."""
        self._requested_port = port
        self._server: _SimTcpServer | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The TCP port actually listened on (valid after start())."""
        if self._port is None:
            raise RuntimeError("simulator not started")
        return self._port

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None

    async def start(self) -> None:
        """Listen; raises OSError when the port cannot be bound."""
        if self._server is not None:
            raise RuntimeError("simulator already started")
        contexts = {
            uid: _DeviceContext(dev, self.faults) for uid, dev in self.devices.items()
        }
        context = ModbusServerContext(slaves=contexts, single=False)  # type: ignore[no-untyped-call]
        server = _SimTcpServer(self, context, (self.host, self._requested_port))
        if not await server.listen():
            raise OSError(f"cannot listen on {self.host}:{self._requested_port}")
        self._server = server
        listener = cast("asyncio.Server", server.transport)
        self._port = int(listener.sockets[0].getsockname()[1])
        _LOGGER.debug("Simulator listening on %s:%s", self.host, self._port)

    async def stop(self) -> None:
        """Close the listener, every connection and any reply still in flight."""
        server, self._server = self._server, None
        if server is None:
            return
        for task in list(server.request_tasks):
            task.cancel()
        if server.request_tasks:
            await asyncio.wait(server.request_tasks)
        await server.shutdown()  # type: ignore[no-untyped-call]

    def drop_connections(self) -> None:
        """Close every open client connection now (the listener stays up)."""
        if self._server is None:
            return
        for connection in list(self._server.active_connections.values()):
            connection.close()
