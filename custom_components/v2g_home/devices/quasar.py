"""Wallbox Quasar 1 driver: read the charger and the car, command a signed setpoint safely."""

from __future__ import annotations

from enum import StrEnum
import logging
import math
from typing import TYPE_CHECKING

from . import quasar_map as qm
from .charger import ChargerKind, ConnectorType
from .errors import DeviceProtocolError, WriteVerificationError
from .models import ChargerReading, ChargerState, DeviceIdentity
from .quasar_map import MAX_POWER_KW, MIN_POWER_KW
from .registers import Register, decode, encode, plan_blocks, words_by_address

if TYPE_CHECKING:
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)

MIN_CURRENT_A = 6
MAX_CURRENT_A = 32
NOMINAL_VOLTAGE_V = 230.0
_PLAUSIBLE_GRID_V = (180.0, 260.0)

STATES = {
    0: ChargerState.NO_CAR,
    1: ChargerState.CHARGING,
    2: ChargerState.WAITING_FOR_CAR,
    3: ChargerState.CONTROLLED_BY_SCHEDULE,
    4: ChargerState.PAUSED,
    5: ChargerState.END_OF_SCHEDULE,
    6: ChargerState.NO_CAR_LOCKED,
    7: ChargerState.ERROR,
    8: ChargerState.QUEUE_POWER_SHARING,
    9: ChargerState.POWER_SHARING_UNCONFIGURED,
    10: ChargerState.QUEUE_POWER_BOOST,
    11: ChargerState.DISCHARGING,
}
_RUNNING = {ChargerState.CHARGING, ChargerState.DISCHARGING}
_NO_CAR = {ChargerState.NO_CAR, ChargerState.NO_CAR_LOCKED}


class SetpointMode(StrEnum):
    """Register 83: current setpoint (safe default) or power setpoint (not on all firmware)."""

    CURRENT = "current"
    POWER = "power"


def _floor(value: float) -> int:
    """Toward zero, but a value a rounding error below a whole number is that number (16 A, not 15)."""
    return math.floor(value + 1e-9)


class QuasarCharger:
    """A Quasar 1 over Modbus TCP (power: + charges the car, - discharges it)."""

    kind = ChargerKind.QUASAR
    connector = ConnectorType.CHADEMO
    manufacturer = "Wallbox"
    model = "Quasar 1"

    def __init__(
        self,
        transport: ModbusTransport,
        *,
        setpoint_mode: SetpointMode = SetpointMode.CURRENT,
        failsafe_timeout_s: int = 600,
    ) -> None:
        """Wrap a transport; nothing is written until take_control() or set_power_kw()."""
        if not 1 <= failsafe_timeout_s <= 0xFFFF:
            raise ValueError("failsafe_timeout_s must be 1..65535 seconds")
        self.transport = transport
        self.setpoint_mode = setpoint_mode
        self.failsafe_timeout_s = failsafe_timeout_s
        self.in_control = False
        self._blocks = plan_blocks(qm.POLL, max_gap=qm.POLL_MAX_GAP)
        self._voltage_v = NOMINAL_VOLTAGE_V
        self._max_power_kw = MAX_POWER_KW
        self._original_failsafe_s: int | None = None

    async def connect(self) -> None:
        """Open the connection."""
        await self.transport.connect()

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Read firmware and serial number (registers 1-3)."""
        values = await self._read_map(qm.IDENTITY)
        serial = (int(values["serial_high"] or 0) << 16) | int(
            values["serial_low"] or 0
        )
        if serial == 0:
            raise DeviceProtocolError("the charger reports serial number 0")
        return DeviceIdentity(
            manufacturer=self.manufacturer,
            model=self.model,
            serial=str(serial),
            firmware=str(values["firmware"]),
        )

    async def read(self) -> ChargerReading:
        """Poll everything (three requests); re-arm the fail-safe if the charger lost it."""
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in self._blocks
        ]
        values = decode(qm.POLL, words_by_address(self._blocks, replies))
        reading = _reading(values)
        if _PLAUSIBLE_GRID_V[0] <= reading.ac_voltage_v <= _PLAUSIBLE_GRID_V[1]:
            self._voltage_v = reading.ac_voltage_v
        if reading.max_power_kw >= MIN_POWER_KW:
            self._max_power_kw = min(MAX_POWER_KW, reading.max_power_kw)
        if self.in_control and not reading.remote_control:
            _LOGGER.warning(
                "Quasar at %s returned to user control (fail-safe or app)",
                self.transport.host,
            )
            self.in_control = False
        elif self.in_control and values["failsafe_timeout"] != self.failsafe_timeout_s:
            _LOGGER.info(
                "Re-arming the Quasar fail-safe timeout (%s s)", self.failsafe_timeout_s
            )
            await self._write_verified(qm.FAILSAFE_TIMEOUT, self.failsafe_timeout_s)
        return reading

    async def take_control(self) -> None:
        """Switch to remote control, the chosen setpoint type and the armed fail-safe timeout."""
        if self._original_failsafe_s is None:
            self._original_failsafe_s = int(
                (await self._read_map({"t": qm.FAILSAFE_TIMEOUT}))["t"] or 0
            )
        await self._write_verified(qm.CONTROL_MODE, 1)
        await self._set_setpoint_type()
        await self._write_verified(qm.FAILSAFE_TIMEOUT, self.failsafe_timeout_s)
        self.in_control = True

    async def _set_setpoint_type(self) -> None:
        if self.setpoint_mode is SetpointMode.CURRENT:
            await self._write_verified(qm.SETPOINT_TYPE, 0)
            return
        try:
            await self._write_verified(qm.SETPOINT_TYPE, 1)
        except WriteVerificationError:
            # Power mode is missing on some firmware; current mode works on all of them.
            _LOGGER.warning(
                "Quasar at %s has no power setpoint mode; using current mode",
                self.transport.host,
            )
            self.setpoint_mode = SetpointMode.CURRENT
            await self._write_verified(qm.SETPOINT_TYPE, 0)

    def setpoint_for(self, power_kw: float) -> tuple[int, float]:
        """Raw setpoint (A or W) and the kW it means: 0 or 6 A/1.38 kW..max, toward zero."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        magnitude = min(abs(power_kw), self._max_power_kw)
        sign = 1 if power_kw >= 0 else -1
        if magnitude < MIN_POWER_KW:
            return 0, 0.0
        if self.setpoint_mode is SetpointMode.POWER:
            watts = max(_floor(magnitude * 1000), round(MIN_POWER_KW * 1000))
            return sign * watts, sign * watts / 1000
        amps = min(
            MAX_CURRENT_A,
            max(MIN_CURRENT_A, _floor(magnitude * 1000 / self._voltage_v)),
        )
        return sign * amps, round(sign * amps * self._voltage_v / 1000, 3)

    async def set_power_kw(self, power_kw: float) -> float:
        """Command a signed power; start or stop the session to match; return the kW set."""
        self.setpoint_for(power_kw)  # refuse a bad request before taking control
        if not self.in_control:
            await self.take_control()
        raw, actual_kw = self.setpoint_for(power_kw)  # the mode may have changed
        await self._write_verified(self._setpoint_register, raw)
        if raw == 0:
            await self.stop()
            return 0.0
        state = await self._state()
        if state not in _RUNNING and state not in _NO_CAR:
            await self.start()
        return actual_kw

    async def start(self) -> None:
        """Start (dis)charging at the current setpoint (register 257 = 1)."""
        await self._action(qm.ACTION_START)

    async def stop(self) -> None:
        """Pause the session (register 257 = 2)."""
        await self._action(qm.ACTION_STOP)

    async def refresh_control(self) -> None:
        """Nothing to do: every request feeds the Quasar's fail-safe and read() re-arms it."""

    async def restart(self) -> None:
        """Restart the charger, the cure for a crashed Modbus module (register 257 = 3)."""
        await self._action(qm.ACTION_RESTART)
        self.in_control = False

    async def release(self) -> None:
        """Zero the setpoint, stop, restore the fail-safe and hand control back to the user."""
        control = await self._read_map({"control": qm.CONTROL_MODE})
        if control["control"] == 0:
            # Already back with the user (fail-safe or app); writes would be ignored now.
            self.in_control = False
            return
        await self._write_verified(self._setpoint_register, 0)
        await self._action(qm.ACTION_STOP)
        if self._original_failsafe_s is not None:
            await self._write_verified(qm.FAILSAFE_TIMEOUT, self._original_failsafe_s)
            self._original_failsafe_s = None
        await self._write_verified(qm.CONTROL_MODE, 0)
        self.in_control = False

    @property
    def _setpoint_register(self) -> Register:
        if self.setpoint_mode is SetpointMode.CURRENT:
            return qm.CURRENT_SETPOINT
        return qm.POWER_SETPOINT

    async def _state(self) -> ChargerState:
        raw = (await self._read_map({"state": qm.POLL["state"]}))["state"]
        return STATES.get(int(raw or 0), ChargerState.UNKNOWN)

    async def _action(self, action: int) -> None:
        # 257 is a command, not a setting: the charger acts on it, so a read-back proves nothing.
        await self.transport.write_register(qm.ACTION.address, action)

    async def _read_map(
        self, registers: dict[str, Register]
    ) -> dict[str, int | float | str | None]:
        blocks = plan_blocks(registers, max_gap=qm.POLL_MAX_GAP)
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in blocks
        ]
        return decode(registers, words_by_address(blocks, replies))

    async def _write_verified(self, register: Register, value: int) -> None:
        (word,) = encode(register, value)
        await self.transport.write_register(register.address, word)
        (echo,) = await self.transport.read_holding(register.address, 1)
        if echo != word:
            raise WriteVerificationError(
                f"register {register.address} reads {echo} after writing {word} ({value})"
            )


def _reading(values: dict[str, int | float | str | None]) -> ChargerReading:
    def number(name: str) -> float:
        return float(values[name] or 0)

    def word(name: str) -> int:
        return int(values[name] or 0)

    raw_state = word("state")
    setpoint_type = word("setpoint_type")
    return ChargerReading(
        state=STATES.get(raw_state, ChargerState.UNKNOWN),
        raw_state=raw_state,
        car_soc_raw_pct=word("car_soc"),
        power_kw=number("power"),
        max_power_kw=number("max_power"),
        ac_current_a=number("ac_current"),
        ac_voltage_v=number("ac_voltage"),
        dc_voltage_v=number("dc_voltage"),
        dc_current_a=number("dc_current"),
        unrecoverable_error=(word("unrecoverable_error_high") << 16)
        | word("unrecoverable_error_low"),
        recoverable_error=(word("recoverable_error_high") << 16)
        | word("recoverable_error_low"),
        remote_control=word("control_mode") == 1,
        setpoint_a=word("current_setpoint") if setpoint_type == 0 else None,
        setpoint_w=word("power_setpoint") if setpoint_type == 1 else None,
        failsafe_timeout_s=word("failsafe_timeout"),
        auto_start=word("auto_start") == 1,
        locked=word("locked") == 1,
    )
