"""A Modbus TCP server of our own (asyncio streams) that serves simulated devices and applies fault switches.

It speaks the wire protocol itself rather than through pymodbus's server classes, whose datastore and
request-handler API changed in every minor release from 3.8 to 3.16, so the simulator runs unchanged
beside whichever pymodbus Home Assistant pins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from .base import DEVICE_FAILURE, FaultSwitches, ModbusExceptionReply
from .modbus_frames import (
    GATEWAY_NO_RESPONSE,
    MBAP_LENGTH,
    FrameError,
    Request,
    answer,
    exception_pdu,
    parse_header,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .base import SimDevice
    from .clock import SimClock

_LOGGER = logging.getLogger(__name__)


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
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

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
        try:
            server = await asyncio.start_server(
                self._on_connection, self.host, self._requested_port
            )
        except OSError as err:
            raise OSError(
                f"cannot listen on {self.host}:{self._requested_port}: {err}"
            ) from err
        self._server = server
        self._port = int(server.sockets[0].getsockname()[1])
        _LOGGER.debug("Simulator listening on %s:%s", self.host, self._port)

    async def stop(self) -> None:
        """Close the listener, every connection and any reply still in flight."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        await server.wait_closed()

    def drop_connections(self) -> None:
        """Close every open client connection now (the listener stays up)."""
        for writer in list(self._connections.values()):
            writer.close()

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is None or self.faults.drop_connection:
            writer.close()
            return
        self._connections[task] = writer
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, FrameError) as err:
            _LOGGER.debug("Simulator connection ended: %s", err)
        finally:
            self._connections.pop(task, None)
            writer.close()
            # A cancelled stop() still closes the socket; the peer may already be gone.
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            header = await reader.readexactly(MBAP_LENGTH)
            transaction_id, unit_id, pdu_length = parse_header(header)
            request = Request.parse(
                transaction_id, unit_id, await reader.readexactly(pdu_length)
            )
            self.request_count += 1
            if self.faults.drop_connection:
                return
            if self.faults.delay_s > 0:
                await asyncio.sleep(self.faults.delay_s)
            writer.write(request.frame(self._respond(request)))
            await writer.drain()

    def _respond(self, request: Request) -> bytes:
        if self.faults.exception_code is not None:
            return exception_pdu(request.function_code, self.faults.exception_code)
        device = self.devices.get(request.unit_id)
        if device is None:
            return exception_pdu(request.function_code, GATEWAY_NO_RESPONSE)
        device.note_request()
        try:
            return answer(request, device, garbage=self.faults.garbage)
        except ModbusExceptionReply as reply:
            _LOGGER.debug(
                "Answering function %s with exception %s: %s",
                request.function_code,
                reply.exception_code,
                reply,
            )
            return exception_pdu(request.function_code, reply.exception_code)
        except Exception:
            # Like a real device: a broken simulation answers "device failure" rather than going silent.
            _LOGGER.exception(
                "Simulated device failed on function %s", request.function_code
            )
            return exception_pdu(request.function_code, DEVICE_FAILURE)
