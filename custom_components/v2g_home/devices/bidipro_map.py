"""EVtec BiDiPro 10 holding registers ("ECP4 / Modbus 2.0" map): one unit, objects of 100 registers.

Addresses and meanings are facts compiled from the public V2G Liberty project (Apache-2.0), whose
driver was tested against a live charger; our own data, not a vendor document. Big-endian words.
"""

from __future__ import annotations

from .registers import Register, RegisterType

OBJECT_SIZE = 100
CONNECTORS = range(1, 11)
MODEL_MARKER = "crema"
MAX_COMM_TIMEOUT_S = 600
NOMINAL_POWER_W = 10_000
DISCHARGE_SESSION_TYPES = frozenset({3, 5})

I32 = RegisterType.INT32
F32 = RegisterType.FLOAT32
STR = RegisterType.STRING

# The ChargePoint object, absolute addresses 0..43.
IDENTITY = {
    "firmware": Register(address=0, type=STR, count=16),
    "serial": Register(address=16, type=STR, count=10),
    "model": Register(address=26, type=STR, count=10),
}
MODEL = IDENTITY["model"]
COMM_TIMEOUT = Register(
    address=42, type=I32, unit="s", plausible=(0, MAX_COMM_TIMEOUT_S)
)

# Offsets inside a connector object (base X * 100).
_POWER_RANGE = (-20_000.0, 20_000.0)
CONNECTOR_POLL = {
    "state": Register(address=0, type=I32),
    "session_state": Register(address=2, type=I32),
    "session_type": Register(address=4, type=I32),
    "power": Register(address=10, type=F32, unit="W", plausible=_POWER_RANGE),
    "soc": Register(address=12, type=I32, unit="‰", plausible=(0, 1000)),
    "connector_type": Register(address=14, type=I32),
    "discharge_floor": Register(address=22, type=F32, unit="W", plausible=_POWER_RANGE),
    "charge_ceiling": Register(address=30, type=F32, unit="W", plausible=_POWER_RANGE),
    "charge_floor": Register(address=38, type=F32, unit="W", plausible=_POWER_RANGE),
    "errors": Register(address=54, type=RegisterType.UINT64),
    "car_id": Register(address=76, type=STR, count=10),
    "setpoint": Register(address=86, type=I32, unit="W", plausible=_POWER_RANGE),
}
# Connector discovery reads the three int32 that say "configured" and the connector type.
CONNECTOR_PROBE = {
    name: CONNECTOR_POLL[name]
    for name in ("state", "session_state", "session_type", "connector_type")
}
SETPOINT = CONNECTOR_POLL["setpoint"]

# X+0..X+57 is documented as readable in one go; the gap before the car id is not, so stop there.
POLL_MAX_GAP = 16


def at_connector(registers: dict[str, Register], connector: int) -> dict[str, Register]:
    """The connector registers moved to connector `connector`'s object."""
    base = connector * OBJECT_SIZE
    return {
        name: Register(
            address=base + reg.address,
            type=reg.type,
            scale=reg.scale,
            unit=reg.unit,
            count=reg.count,
            plausible=reg.plausible,
        )
        for name, reg in registers.items()
    }
