"""Simulated Quasar 1 + Leaf and SunSpec packs behind a pymodbus TCP server, for tests and the demo.

This package is the independent stand-in for hardware: it follows the published register maps and never imports
the drivers.
"""

from __future__ import annotations

from .base import EnergyMeter, FaultSwitches, ModbusExceptionReply, SimDevice
from .clock import SimClock
from .quasar import SimulatedQuasar
from .quasar_registers import QuasarAction, QuasarRegister, QuasarState
from .server import ModbusSimulator
from .sunspec_pack import SimulatedSunSpecPack

__all__ = [
    "EnergyMeter",
    "FaultSwitches",
    "ModbusExceptionReply",
    "ModbusSimulator",
    "QuasarAction",
    "QuasarRegister",
    "QuasarState",
    "SimClock",
    "SimDevice",
    "SimulatedQuasar",
    "SimulatedSunSpecPack",
]
