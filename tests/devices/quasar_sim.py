"""What the raw-client Quasar simulator tests share: the car's figures and the control sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.v2g_home.devices.simulator import QuasarRegister as Reg

from .simulator_helpers import write

if TYPE_CHECKING:
    from pymodbus.client import AsyncModbusTcpClient

# SimulatedQuasar's defaults, which the conftest `car` fixture uses.
CAPACITY_KWH = 37.0
EFFICIENCY = 0.92


async def take_control_and_start(client: AsyncModbusTcpClient, amps: int) -> None:
    """The usual control sequence: remote control, current setpoint, start."""
    await write(client, Reg.CONTROL, 1)
    await write(client, Reg.CURRENT_SETPOINT, amps)
    await write(client, Reg.ACTION, 1)
