"""The one place that knows how pymodbus 3.8 to 3.16 differ for the client calls the drivers make."""

from __future__ import annotations

import inspect
from typing import Final

from pymodbus.client import AsyncModbusTcpClient

# pymodbus 3.10 renamed the unit id keyword from `slave` to `device_id`; HA 2025.4 still pins 3.8.3.
UNIT_KEYWORD: Final = (
    "device_id"
    if "device_id"
    in inspect.signature(AsyncModbusTcpClient.read_holding_registers).parameters
    else "slave"
)


def unit(unit_id: int) -> dict[str, int]:
    """The keyword argument that addresses `unit_id` in this pymodbus's request calls."""
    return {UNIT_KEYWORD: unit_id}
