"""What a kWh left in storage at the end of the horizon is worth to the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .array_types import FloatArray
    from .model import StorageDevice, TerminalValue


def terminal_value_per_kwh(
    policy: TerminalValue,
    sell_per_kwh: FloatArray,
    device: StorageDevice,
    *,
    usable: bool = True,
) -> float:
    """The value of one stored kWh at the end of the horizon (see TerminalValue)."""
    if policy.price_per_kwh is not None:
        return policy.price_per_kwh
    if sell_per_kwh.size == 0 or not usable:
        return 0.0
    typical = float(np.quantile(sell_per_kwh, policy.quantile))
    return max(0.0, (typical - device.wear_per_kwh) * device.discharge_efficiency)
