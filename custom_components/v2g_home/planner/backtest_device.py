"""The simulated battery: it does what the plan asks, within its own physical limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .backtest_site import DeviceSpec
    from .model import Slot

_EPSILON = 1e-9


def stored_energy_kwh(device: DeviceSpec, power_kw: float, hours: float) -> float:
    """Energy into the battery for a grid-side setpoint, after conversion losses."""
    if power_kw >= 0:
        return power_kw * hours * device.charge_efficiency
    return power_kw * hours / device.discharge_efficiency


def executable_power_kw(
    device: DeviceSpec,
    power_kw: float,
    soc_kwh: float,
    hours: float,
    *,
    plugged_in: bool,
) -> float:
    """The part of a setpoint the battery can follow: power limits, SoC window and dead band.

    A battery outside its window (a car back from a long trip) may move towards it but not further
    away; a setpoint that ends up inside the dead band is refused, as the charger would.
    """
    if not plugged_in or hours <= 0:
        return 0.0
    power = min(max(power_kw, -device.discharge_power_kw), device.charge_power_kw)
    top_kwh = max(device.soc_max * device.capacity_kwh, soc_kwh)
    floor_kwh = min(device.soc_min * device.capacity_kwh, soc_kwh)
    if power > 0:
        power = min(power, (top_kwh - soc_kwh) / (hours * device.charge_efficiency))
    elif power < 0:
        power = max(power, -(soc_kwh - floor_kwh) * device.discharge_efficiency / hours)
    if _EPSILON < abs(power) < device.min_power_kw - 1e-6:
        return 0.0
    return power


def arrival_charging_cost(
    device: DeviceSpec, energy_kwh: float, slots: Sequence[Slot], back: int
) -> float:
    """What a plain charger would pay to put `energy_kwh` back after a trip: full power from arrival.

    Driving needs this energy with or without smart charging, so the backtest credits it at this
    price; energy beyond the end of the data is priced like the last slot.
    """
    needed_kwh = energy_kwh / device.charge_efficiency  # at the grid side
    cost = 0.0
    for slot in slots[back:]:
        if needed_kwh <= 0:
            return cost
        bought_kwh = min(needed_kwh, device.charge_power_kw * slot.hours)
        cost += bought_kwh * slot.buy_price_per_kwh
        needed_kwh -= bought_kwh
    return cost + max(needed_kwh, 0.0) * slots[-1].buy_price_per_kwh
