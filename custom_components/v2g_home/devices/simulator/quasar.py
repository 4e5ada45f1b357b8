"""A Wallbox Quasar 1 with a Nissan Leaf behind it, at the register level.

Register addresses and meanings follow the public Quasar 1 map (firmware 1, serial 2-3, control 81,
auto-start 82, setpoint type 83, fail-safe 88, action 257, setpoints 258/260, max power 514, AC 519/522/526,
state 537, SoC 538, errors 539-542, DC 547/548). Choices where the public facts are silent:

- Writes to 82, 83, 88, 257, 258, 260 and 514 while register 81 is 0 (user control) are accepted on the wire
  but ignored, so the register keeps its old value and a read-back shows the write did not take.
- Out-of-range values (81/82/83 not 0/1, |258| > 32 A, |260| > 7400 W, 514 outside 1380..7400, unknown action)
  are answered with Modbus exception 3; writes to read-only or unknown registers with exception 2.
- A setpoint under 6 A (current mode) or 1380 W (power mode) is stored but nothing flows.
- Register 538 reports the SoC only while energy flows (state 1 or 11); otherwise it reads 0.
- Fail-safe: with 88 > 0 and remote control on, 88 simulated seconds without any Modbus request stop the session
  and hand control back to the user (81 = 0, 82 = 1, setpoints 0).
- In user control the charger charges at `user_current_a` when that is at least 6 A (the owner's app setting),
  otherwise it stays paused.
"""

from __future__ import annotations

from collections import deque
import logging
from typing import TYPE_CHECKING

from .base import (
    DEVICE_FAILURE,
    ILLEGAL_ADDRESS,
    ILLEGAL_VALUE,
    ModbusExceptionReply,
    to_int16,
    to_word,
)
from .battery import SimulatedBattery
from .quasar_registers import (
    ADDRESS_SPACE,
    ALLOWED_VALUES,
    GARBAGE_REGISTERS,
    GRID_VOLTAGE_V,
    MAX_POWER_W,
    MIN_CURRENT_A,
    MIN_POWER_W,
    REMOTE_ONLY,
    SIGNED_REGISTERS,
    QuasarAction,
    QuasarRegister,
    charger_state,
    live_registers,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .actuator import Dynamics
    from .clock import SimClock

_LOGGER = logging.getLogger(__name__)


class SimulatedQuasar(SimulatedBattery):
    """A Quasar 1 charger with a Leaf plugged in; physics advance lazily to the clock on every access."""

    def __init__(
        self,
        clock: SimClock,
        *,
        capacity_kwh: float = 37.0,
        soc_pct: float = 50.0,
        efficiency: float = 0.92,
        plugged_in: bool = True,
        serial: int = 0x0001_E240,
        firmware: int = 517,
        user_current_a: int = 0,
        power_mode_supported: bool = True,
        dynamics: Dynamics | None = None,
    ) -> None:
        """Make a charger whose car holds `soc_pct` of `capacity_kwh`; `efficiency` applies each way."""
        if capacity_kwh <= 0 or not 0 < efficiency <= 1 or not 0 <= soc_pct <= 100:
            raise ValueError(
                "capacity must be positive, efficiency in (0, 1], SoC in [0, 100]"
            )
        super().__init__(
            clock, capacity_kwh=capacity_kwh, soc_pct=soc_pct, efficiency=efficiency
        )
        self.serial = serial
        self.firmware = firmware
        self.user_current_a = user_current_a
        self.power_mode_supported = power_mode_supported
        self.modbus_crashed = False
        self.unrecoverable_error = 0
        self.recoverable_error = 0
        self._plugged_in = plugged_in
        self._glitches: deque[int] = deque()
        self._last_request_s = self._time_s
        self._holding: dict[int, int] = {
            QuasarRegister.CONTROL: 0,
            QuasarRegister.AUTOSTART: 1,
            QuasarRegister.SETPOINT_TYPE: 0,
            QuasarRegister.FAILSAFE_TIMEOUT: 0,
            QuasarRegister.LOCKED: 0,
            QuasarRegister.ACTION: 0,
            QuasarRegister.CURRENT_SETPOINT: 0,
            QuasarRegister.POWER_SETPOINT: 0,
            QuasarRegister.MAX_POWER: MAX_POWER_W,
        }
        self.session_running = False
        self._use_dynamics(dynamics, MAX_POWER_W)

    # --- what tests and the demo look at -------------------------------------------------------------
    @property
    def remote_control(self) -> bool:
        """Register 81 is 1 (after the fail-safe had its chance to fire)."""
        self.step()
        return self._remote

    @property
    def _remote(self) -> bool:
        return self._holding[QuasarRegister.CONTROL] == 1

    @property
    def plugged_in(self) -> bool:
        """Whether the car is connected."""
        return self._plugged_in

    @plugged_in.setter
    def plugged_in(self, value: bool) -> None:
        if value == self._plugged_in:
            return
        self.step()
        self._plugged_in = value
        # Register 82: the charger starts by itself when the gun is connected.
        self.session_running = (
            value and self._remote and self._holding[QuasarRegister.AUTOSTART] == 1
        )

    def register(self, address: int) -> int:
        """Raw value of one register as the stored setting or live reading (no side effects)."""
        self.step()
        return self._read_one(address, consume_glitch=False)

    def inject_soc_glitch(self, soc_pct: int) -> None:
        """Make the next read of register 538 return `soc_pct` once."""
        self._glitches.append(soc_pct)

    # --- physics ---------------------------------------------------------------------------------------
    def note_request(self) -> None:
        """A request arrived: settle physics with the old timer, then restart it (a crashed module hears nothing)."""
        self.step()
        if not self.modbus_crashed:
            self._last_request_s = self.clock.now()

    def _refuse_if_crashed(self, address: int, values: Sequence[int]) -> None:
        # The field cure for a hung Modbus module is a restart (257 = 3); everything else fails.
        restart = address == QuasarRegister.ACTION and list(values[:1]) == [
            QuasarAction.RESTART
        ]
        if self.modbus_crashed and not restart:
            raise ModbusExceptionReply(DEVICE_FAILURE, "the Modbus module has crashed")
        self.modbus_crashed = False

    def _control_deadline(self) -> float | None:
        """The fail-safe (register 88): seconds after the last request while under remote control."""
        timeout_s = self._holding[QuasarRegister.FAILSAFE_TIMEOUT]
        if not self._remote or timeout_s == 0:
            return None
        return self._last_request_s + timeout_s

    def _on_control_deadline(self) -> None:
        self._return_to_user("fail-safe, no Modbus request in time")

    def _return_to_user(self, reason: str) -> None:
        _LOGGER.info("Control back to the user: %s", reason)
        self.session_running = False
        self._holding[QuasarRegister.CONTROL] = 0
        self._holding[QuasarRegister.AUTOSTART] = 1
        self._holding[QuasarRegister.CURRENT_SETPOINT] = 0
        self._holding[QuasarRegister.POWER_SETPOINT] = 0

    def _requested_w(self) -> int:
        if not self._plugged_in:
            return 0
        if not self._remote:
            amps = self.user_current_a if self.user_current_a >= MIN_CURRENT_A else 0
            return amps * GRID_VOLTAGE_V
        if not self.session_running:
            return 0
        if self._holding[QuasarRegister.SETPOINT_TYPE] == 0:
            amps = to_int16(self._holding[QuasarRegister.CURRENT_SETPOINT])
            return amps * GRID_VOLTAGE_V if abs(amps) >= MIN_CURRENT_A else 0
        watts = to_int16(self._holding[QuasarRegister.POWER_SETPOINT])
        return watts if abs(watts) >= MIN_POWER_W else 0

    def _wanted_w(self) -> float:
        """AC power the charger is asked for now, + charging the car (no stepping)."""
        requested_w = self._requested_w()
        max_w = to_int16(self._holding[QuasarRegister.MAX_POWER])
        flow_w = max(-max_w, min(max_w, requested_w))
        return flow_w if self._within_capacity(flow_w) else 0

    def _tripped(self) -> bool:
        return not self._plugged_in or bool(self.unrecoverable_error)

    def flow_w(self) -> int:
        """AC power the charger runs at right now in whole watts, + charging the car (no stepping)."""
        return round(super().flow_w())

    # --- registers ---------------------------------------------------------------------------------------
    def read_registers(self, address: int, count: int) -> list[int]:
        """Serve a holding-register read; unknown addresses inside the map read 0."""
        if address not in ADDRESS_SPACE or address + count - 1 not in ADDRESS_SPACE:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"no registers {address}..{address + count - 1}"
            )
        self._refuse_if_crashed(address, [])
        self.step()
        return [self._read_one(address + i, consume_glitch=True) for i in range(count)]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Apply writes one register at a time, after settling physics under the old settings."""
        self._refuse_if_crashed(address, values)
        self.step()
        for offset, word in enumerate(values):
            self._write_one(address + offset, word)

    def garbage_registers(self) -> Mapping[int, int]:
        """Implausible readings: SoC 250 %, 32.7 kW, 300 A, unknown state 99."""
        return GARBAGE_REGISTERS

    def _read_one(self, address: int, *, consume_glitch: bool) -> int:
        flow_w = self.flow_w()
        soc_pct = self._stored_kwh / self.capacity_kwh * 100.0
        if address == QuasarRegister.SOC:
            if self._glitches:
                return self._glitches.popleft() if consume_glitch else self._glitches[0]
            return round(soc_pct) if flow_w else 0
        if address in self._holding:
            return self._holding[address]
        live = live_registers(
            flow_w=flow_w,
            dc_power_w=self._stored_rate_kwh_per_s(flow_w) * 3_600_000.0,
            soc_pct=soc_pct,
            state=charger_state(
                plugged_in=self._plugged_in,
                flow_w=flow_w,
                unrecoverable_error=self.unrecoverable_error,
            ),
            firmware=self.firmware,
            serial=self.serial,
            unrecoverable_error=self.unrecoverable_error,
            recoverable_error=self.recoverable_error,
        )
        return to_word(live.get(address, 0))

    def _write_one(self, address: int, word: int) -> None:
        allowed = ALLOWED_VALUES.get(address)
        if allowed is None:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"register {address} is not writable"
            )
        value = to_int16(word) if address in SIGNED_REGISTERS else word
        if value not in allowed:
            raise ModbusExceptionReply(
                ILLEGAL_VALUE, f"{value} is out of range for register {address}"
            )
        if address in REMOTE_ONLY and not self._remote:
            _LOGGER.debug(
                "Ignoring write %s=%s: register 81 is 0 (user control)", address, value
            )
            return
        if address == QuasarRegister.SETPOINT_TYPE and not self.power_mode_supported:
            _LOGGER.debug(
                "Ignoring write 83=%s: this firmware has no power mode", value
            )
            return
        if address == QuasarRegister.CONTROL and value == 0:
            self._return_to_user("register 81 set to 0")
        self._holding[address] = word
        if address == QuasarRegister.ACTION:
            self._act(QuasarAction(value))

    def _act(self, action: QuasarAction) -> None:
        if action is QuasarAction.START:
            self.session_running = self._plugged_in
        elif action is QuasarAction.STOP:
            self.session_running = False
        elif action is QuasarAction.RESTART:
            self._return_to_user("restart")
            self._holding[QuasarRegister.SETPOINT_TYPE] = 0
            self.recoverable_error = 0
