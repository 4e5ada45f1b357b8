"""An EVtec BiDiPro 10 with a car behind one connector, at the register level.

Follows the public register facts (layout in bidipro_registers.py). Choices where the facts are silent:

- A read that crosses from one 100-register object into the next is refused with exception 2, as is
  anything beyond connector 10; unmapped registers inside an object read 0. Connectors other than
  the configured one read all zeros.
- Plugging in walks 4 authorising, 5 preparing, 6 initialising (5 simulated seconds each), then the
  session is up: 10 idle, 7 charging or 8 discharging by the flow.
- The setpoint X+86 and the suspend flag X+88 are int32: both words must come in one request
  (FC16), else exception 3. A non-zero setpoint is refused (exception 3) while no session is up,
  outside the windows, or as a discharge when the session type is not 3/5 or V2G is not offered.
- Windows: X+22 is the car's discharge floor (0 while V2G is not offered), X+30 the charge
  ceiling but 0 until the first charge of the session (the "unreliable" register; 10 kW applies
  then), X+38 the charge floor. The car tapers above 80 % / 90 % and limits discharge below 20 %;
  a setpoint the taper no longer allows runs at the window's edge.
- Communication timeout (42, int32 s, 0..600, default 0 = off): with a non-zero setpoint, that many
  simulated seconds without any request set the setpoint to 0 (the charger goes idle).
- Non-zero `error_bits` (X+54) put the connector in state 12 and stop the flow.
- X+12 is the SoC in per mille while the session is up, else 0; X+76 the car id while plugged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .base import ILLEGAL_ADDRESS, ILLEGAL_VALUE, ModbusExceptionReply
from .battery import SimulatedBattery
from .bidipro_registers import (
    ADDRESS_SPACE,
    DISCHARGE_SESSION_TYPES,
    MAX_COMM_TIMEOUT_S,
    MAX_POWER_W,
    OBJECT_SIZE,
    SESSION_START_STATES,
    SESSION_START_STEP_S,
    SESSION_UP_STATES,
    SOC_BREAKPOINTS_PCT,
    WRITABLE_INT32,
    ChargePoint,
    Connector,
    ConnectorKind,
    ConnectorState,
    breakpoint_kwh,
    car_windows_w,
    words_int32,
)
from .bidipro_values import connector_words, garbage_words, identity_words

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .clock import SimClock

_LOGGER = logging.getLogger(__name__)


class SimulatedBiDiPro(SimulatedBattery):
    """A BiDiPro 10 with a car on `connector`; physics advance lazily to the clock on every access."""

    def __init__(
        self,
        clock: SimClock,
        *,
        capacity_kwh: float = 37.0,
        soc_pct: float = 50.0,
        efficiency: float = 0.92,
        connector: int = 1,
        connector_kind: ConnectorKind = ConnectorKind.CHADEMO,
        session_type: int = 5,
        plugged_in: bool = True,
        model: str = "crema BiDiPro 10",
        serial: str = "EVT10-000123",
        firmware: str = "ECP4 2.0.7",
        car_id: str = "LEAF-ZE1-0042",
    ) -> None:
        """A car holding `soc_pct` of `capacity_kwh` on `connector` (1..10) with its session up."""
        if capacity_kwh <= 0 or not 0 < efficiency <= 1 or not 0 <= soc_pct <= 100:
            raise ValueError(
                "capacity must be positive, efficiency in (0, 1], SoC in [0, 100]"
            )
        if not 1 <= connector <= 10:
            raise ValueError(f"connector {connector} is not 1..10")
        super().__init__(
            clock, capacity_kwh=capacity_kwh, soc_pct=soc_pct, efficiency=efficiency
        )
        self.connector = connector
        self.connector_kind = connector_kind
        self.session_type = session_type
        self.model = model
        self.serial = serial
        self.firmware = firmware
        self.car_id = car_id
        self.v2g_offered = True
        self.charge_floor_w = 0.0
        self.error_bits = 0
        self.reserved = False
        self.booting = False
        self.comm_timeout_s = 0
        self.setpoint_w = 0
        self.suspend = 0
        self.charged_this_session = False
        self._plugged_in = plugged_in
        # A car already on the plug at power-on has its session up.
        self._plugged_at_s = self._time_s - SESSION_START_STEP_S * 3
        self._last_request_s = self._time_s

    # --- what tests and the demo look at -------------------------------------------------------------
    @property
    def plugged_in(self) -> bool:
        """Whether the car is on the connector."""
        return self._plugged_in

    @plugged_in.setter
    def plugged_in(self, value: bool) -> None:
        if value == self._plugged_in:
            return
        self.step()
        self._plugged_in = value
        self._plugged_at_s = self._time_s
        self.setpoint_w = 0
        self.charged_this_session = False

    @property
    def connector_state(self) -> ConnectorState:
        """Register X+0 now."""
        self.step()
        return self._state(self.flow_w())

    def windows_w(self) -> tuple[float, float, float]:
        """(discharge floor, charge ceiling, charge floor) in W as registers 22, 30, 38 report them."""
        floor, ceiling = self._car_windows_w()
        return floor, ceiling if self.charged_this_session else 0.0, self.charge_floor_w

    def _car_windows_w(self) -> tuple[float, float]:
        floor, ceiling = car_windows_w(self._stored_kwh, self.capacity_kwh)
        if not self.v2g_offered or self.session_type not in DISCHARGE_SESSION_TYPES:
            floor = 0.0
        return floor, ceiling

    # --- physics ---------------------------------------------------------------------------------------
    def note_request(self) -> None:
        """A request arrived: settle physics with the old timer, then restart it."""
        self.step()
        self._last_request_s = self.clock.now()

    def _control_deadline(self) -> float | None:
        if self.comm_timeout_s == 0 or self.setpoint_w == 0:
            return None
        return self._last_request_s + self.comm_timeout_s

    def _on_control_deadline(self) -> None:
        _LOGGER.info("BiDiPro communication timeout: going idle")
        self.setpoint_w = 0

    def _energy_breakpoints_kwh(self) -> tuple[float, ...]:
        return tuple(breakpoint_kwh(self.capacity_kwh, p) for p in SOC_BREAKPOINTS_PCT)

    def _session_up(self) -> bool:
        return self._state(0) in SESSION_UP_STATES

    def flow_w(self) -> float:
        """AC power at the charger now, + charging the car (no stepping)."""
        if not self._session_up() or self.setpoint_w == 0:
            return 0.0
        floor, ceiling = self._car_windows_w()
        flow_w = min(max(float(self.setpoint_w), floor), ceiling)
        return flow_w if self._within_capacity(flow_w) else 0.0

    def _state(self, flow_w: float) -> ConnectorState:
        if self.booting:
            return ConnectorState.STARTING_UP
        if self.error_bits:
            return ConnectorState.ERROR
        if self.reserved:
            return ConnectorState.RESERVED
        if not self._plugged_in:
            return ConnectorState.NO_CAR
        step = int((self.clock.now() - self._plugged_at_s) // SESSION_START_STEP_S)
        if step < len(SESSION_START_STATES):
            return SESSION_START_STATES[step]
        if flow_w > 0:
            return ConnectorState.CHARGING
        if flow_w < 0:
            return ConnectorState.DISCHARGING
        if self.charged_this_session and self._stored_kwh >= self.capacity_kwh:
            return ConnectorState.CHARGING_ENDED
        return ConnectorState.IDLE

    # --- registers ---------------------------------------------------------------------------------------
    def read_registers(self, address: int, count: int) -> list[int]:
        """Serve a read inside one object; crossing into the next object is an illegal address."""
        last = address + count - 1
        if (
            address not in ADDRESS_SPACE
            or last not in ADDRESS_SPACE
            or address // OBJECT_SIZE != last // OBJECT_SIZE
        ):
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"no registers {address}..{last} in one object"
            )
        self.step()
        image = self._object_words(address // OBJECT_SIZE)
        offset = address % OBJECT_SIZE
        return image[offset : offset + count]

    def _object_words(self, index: int) -> list[int]:
        if index == 0:
            return identity_words(self)
        if index != self.connector:
            return [0] * OBJECT_SIZE
        flow_w = self.flow_w()
        return connector_words(self, self._state(flow_w), flow_w)

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Accept the communication timeout, the setpoint and the suspend flag, each as one int32."""
        self.step()
        base = self.connector * OBJECT_SIZE
        if address == ChargePoint.COMM_TIMEOUT and len(values) == 2:
            self._write_timeout(words_int32(list(values)))
        elif address - base in WRITABLE_INT32 and len(values) == 2:
            value = words_int32(list(values))
            if address - base == Connector.SETPOINT:
                self._write_setpoint(value)
            else:
                self.suspend = value
        elif address in {ChargePoint.COMM_TIMEOUT} | {base + o for o in WRITABLE_INT32}:
            raise ModbusExceptionReply(
                ILLEGAL_VALUE, f"register {address} takes both words of an int32"
            )
        else:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"register {address} is not writable"
            )

    def _write_timeout(self, seconds: int) -> None:
        if not 0 <= seconds <= MAX_COMM_TIMEOUT_S:
            raise ModbusExceptionReply(ILLEGAL_VALUE, f"timeout {seconds} s refused")
        self.comm_timeout_s = seconds

    def _write_setpoint(self, watts: int) -> None:
        if watts and not self._session_up():
            raise ModbusExceptionReply(ILLEGAL_VALUE, "no session is up")
        floor, ceiling, charge_floor = self.windows_w()
        # A charge ceiling of 0 means "not charge-ready yet": the station's own 10 kW applies.
        ceiling = ceiling or MAX_POWER_W
        if watts < 0 and not floor < 0:
            raise ModbusExceptionReply(ILLEGAL_VALUE, "discharge is not offered now")
        if watts < floor or watts > ceiling or 0 < watts < charge_floor:
            raise ModbusExceptionReply(
                ILLEGAL_VALUE,
                f"{watts} W is outside [{floor:g}, 0] and [{charge_floor:g}, {ceiling:g}]",
            )
        self.setpoint_w = watts
        if watts > 0:
            self.charged_this_session = True

    def garbage_registers(self) -> Mapping[int, int]:
        """Implausible readings: SoC 2500 per mille, 1e9 W, state 99, connector type 7."""
        return garbage_words(self.connector * OBJECT_SIZE)
