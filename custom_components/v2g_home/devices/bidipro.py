"""EVtec BiDiPro 10 driver: find the connector, poll it in two reads, command a clamped setpoint.

Safety: the communication timeout (ChargePoint 42) is written when control is taken, so the
charger goes idle by itself if Home Assistant stops talking; every setpoint is clamped into the
station's windows of the moment, and a discharge is only sent while the station offers V2G.
"""

from __future__ import annotations

from dataclasses import replace
import logging
import math
from typing import TYPE_CHECKING

from . import bidipro_map as bm
from .bidipro_reading import CONNECTOR_TYPES, BiDiProReading, bidipro_reading
from .charger import ChargerKind, ConnectorType
from .errors import DeviceProtocolError, UnsupportedDeviceError, WriteVerificationError
from .models import DeviceIdentity
from .register_blocks import plan_blocks, read_blocks
from .registers import Register, Value, decode, encode
from .transport import ILLEGAL_DATA_ADDRESS, ModbusExceptionError

if TYPE_CHECKING:
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)

DEFAULT_FAILSAFE_TIMEOUT_S = 120
LAGGING_W = 500.0


def setpoint_w(power_kw: float, reading: BiDiProReading) -> int:
    """The whole watts to write for a request: inside the windows, 0 when it cannot be honoured."""
    status = reading.status
    if not status.controllable:
        return 0
    kw = status.capabilities.clamp_kw(power_kw)
    # Whole watts toward zero stay inside a window whose edges are not whole watts.
    watts = math.trunc(round(kw * 1000, 6))
    if 0 < watts < math.ceil(round(reading.charge_floor_w, 6)):
        return 0
    return watts


class BiDiProCharger:
    """A BiDiPro 10 over Modbus TCP (power: + charges the car, - discharges it)."""

    kind = ChargerKind.BIDIPRO
    manufacturer = "EVTEC"
    model = "BiDiPro 10"

    def __init__(
        self,
        transport: ModbusTransport,
        *,
        connector: int | None = None,
        failsafe_timeout_s: int = DEFAULT_FAILSAFE_TIMEOUT_S,
    ) -> None:
        """Wrap a transport; connect() finds the connector unless one is given (1..10)."""
        if not 1 <= failsafe_timeout_s <= bm.MAX_COMM_TIMEOUT_S:
            raise ValueError(
                f"failsafe_timeout_s must be 1..{bm.MAX_COMM_TIMEOUT_S} seconds"
            )
        if connector is not None and connector not in bm.CONNECTORS:
            raise ValueError(f"connector {connector} is not 1..10")
        self.transport = transport
        self.failsafe_timeout_s = failsafe_timeout_s
        self.connector = connector
        self.connector_type = ConnectorType.UNKNOWN
        self.in_control = False
        self.requested_kw = 0.0
        self._pinned = connector is not None
        self._poll: dict[str, Register] = {}
        self._setpoint: Register | None = None
        self._last: BiDiProReading | None = None
        self._lagging = 0
        self._original_timeout_s: int | None = None

    async def connect(self) -> None:
        """Open the connection, check the model (`crema`) and find the connector in use."""
        await self.transport.connect()
        model = (await self._read({"model": bm.MODEL}))["model"]
        if not isinstance(model, str) or bm.MODEL_MARKER not in model.lower():
            raise UnsupportedDeviceError(
                f"model {model!r} does not name a BiDiPro ('{bm.MODEL_MARKER}')"
            )
        candidates = (
            [self.connector] if self.connector and self._pinned else list(bm.CONNECTORS)
        )
        self.connector, self.connector_type = await self._find_connector(candidates)
        self._poll = bm.at_connector(bm.CONNECTOR_POLL, self.connector)
        self._setpoint = self._poll["setpoint"]

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Serial number and firmware from the ChargePoint object (one read)."""
        values = await self._read(bm.IDENTITY)
        serial = values["serial"]
        if not isinstance(serial, str):
            raise DeviceProtocolError("the charger reports no serial number")
        firmware = values["firmware"]
        return DeviceIdentity(
            manufacturer=self.manufacturer,
            model=self.model,
            serial=serial,
            firmware=firmware if isinstance(firmware, str) else None,
        )

    async def read(self) -> BiDiProReading:
        """Poll the connector (X+0..X+57 and X+76..X+87: two reads inside its object)."""
        await self._ensure_connected()
        reading = bidipro_reading(await self._read(self._poll), self._connector)
        lagging = (
            self.in_control
            and reading.status.controllable
            and abs(reading.setpoint_w - reading.power_w) > LAGGING_W
        )
        self._lagging = self._lagging + 1 if lagging else 0
        reading = replace(reading, lagging_polls=self._lagging)
        self._last = reading
        return reading

    async def take_control(self) -> None:
        """Write the communication timeout (the fail-safe) and start following commands."""
        await self._ensure_connected()
        if self._original_timeout_s is None:
            self._original_timeout_s = await self._timeout_s()
        await self._write_verified(bm.COMM_TIMEOUT, self.failsafe_timeout_s)
        self.in_control = True

    async def set_power_kw(self, power_kw: float) -> float:
        """Command a signed power within the windows read just now; return the kW set.

        A discharge while the station does not offer V2G, or any command while no session is up,
        sets 0 (the request is kept and applied by refresh_control() once it can be).
        """
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        if not self.in_control:
            await self.take_control()
        self.requested_kw = power_kw
        return await self._apply(await self.read())

    async def stop(self) -> None:
        """Setpoint 0 (the station's only stop; the suspend flag X+88 has no effect)."""
        await self._ensure_connected()
        self.requested_kw = 0.0
        await self._write_verified(self._setpoint_register, 0)

    async def refresh_control(self) -> None:
        """Re-arm a lost timeout and move the setpoint into the windows of the last poll."""
        if not self.in_control:
            return
        if await self._timeout_s() != self.failsafe_timeout_s:
            _LOGGER.info(
                "Re-arming the BiDiPro communication timeout (%s s)",
                self.failsafe_timeout_s,
            )
            await self._write_verified(bm.COMM_TIMEOUT, self.failsafe_timeout_s)
        if self._last is not None:
            await self._apply(self._last)

    async def release(self) -> None:
        """Setpoint 0, the original communication timeout back, no more commands."""
        await self.stop()
        if self._original_timeout_s is not None:
            await self._write_verified(bm.COMM_TIMEOUT, self._original_timeout_s)
            self._original_timeout_s = None
        self.in_control = False

    async def _apply(self, reading: BiDiProReading) -> float:
        target = setpoint_w(self.requested_kw, reading)
        if target != reading.setpoint_w:
            await self._write_verified(self._setpoint_register, target)
        if target == 0 and self.requested_kw < 0 and not reading.v2g_offered:
            _LOGGER.debug("BiDiPro does not offer V2G now; holding at 0")
        return target / 1000

    async def _find_connector(self, candidates: list[int]) -> tuple[int, ConnectorType]:
        for connector in candidates:
            try:
                values = await self._read(
                    bm.at_connector(bm.CONNECTOR_PROBE, connector)
                )
            except ModbusExceptionError as err:
                if err.code != ILLEGAL_DATA_ADDRESS:
                    raise
                continue
            configured = any(
                values[name] for name in ("state", "session_state", "session_type")
            )
            if configured or self._pinned:
                kind = values["connector_type"]
                return connector, CONNECTOR_TYPES.get(
                    kind if isinstance(kind, int) else -1, ConnectorType.UNKNOWN
                )
        raise UnsupportedDeviceError("no configured connector among 1..10")

    async def _ensure_connected(self) -> None:
        if self._setpoint is None:
            await self.connect()

    @property
    def _connector(self) -> int:
        if self.connector is None:  # pragma: no cover - connect() always sets it
            raise RuntimeError("not connected")
        return self.connector

    @property
    def _setpoint_register(self) -> Register:
        if self._setpoint is None:  # pragma: no cover - connect() always sets it
            raise RuntimeError("not connected")
        return self._setpoint

    async def _timeout_s(self) -> int:
        value = (await self._read({"timeout": bm.COMM_TIMEOUT}))["timeout"]
        return int(value or 0)

    async def _read(self, registers: dict[str, Register]) -> dict[str, Value]:
        blocks = plan_blocks(
            registers, max_gap=bm.POLL_MAX_GAP, object_size=bm.OBJECT_SIZE
        )
        return decode(registers, await read_blocks(self.transport, blocks))

    async def _write_verified(self, register: Register, value: int) -> None:
        words = encode(register, value)
        await self.transport.write_registers(register.address, words)
        echo = await self.transport.read_holding(register.address, len(words))
        if echo != words:
            raise WriteVerificationError(
                f"register {register.address} reads {echo} after writing {words} ({value})"
            )
