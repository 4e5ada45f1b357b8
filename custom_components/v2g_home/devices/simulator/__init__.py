"""Simulated chargers (Quasar 1, BiDiPro 10) with a car, SunSpec packs and DER storage, for tests and the demo.

This package is the independent stand-in for hardware: it follows the published register maps and never imports
the drivers.
"""

from __future__ import annotations

from .base import EnergyMeter, FaultSwitches, ModbusExceptionReply, SimDevice
from .bidipro import SimulatedBiDiPro
from .bidipro_registers import ConnectorKind, ConnectorState
from .clock import SimClock
from .quasar import SimulatedQuasar
from .quasar_registers import QuasarAction, QuasarRegister, QuasarState
from .server import ModbusSimulator
from .sunspec_pack import SimulatedSunSpecPack

__all__ = [
    "ConnectorKind",
    "ConnectorState",
    "EnergyMeter",
    "FaultSwitches",
    "ModbusExceptionReply",
    "ModbusSimulator",
    "QuasarAction",
    "QuasarRegister",
    "QuasarState",
    "SimClock",
    "SimDevice",
    "SimulatedBiDiPro",
    "SimulatedQuasar",
    "SimulatedSunSpecPack",
]
