"""The horizon's part of a problem planned over the horizon and a lookahead."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .arrays import ProblemArrays


def horizon_part(arrays: ProblemArrays, n_slots: int) -> ProblemArrays:
    """The first `n_slots` slots of a problem planned with a lookahead (requirements known beyond)."""
    k = n_slots + 1
    return replace(
        arrays,
        hours=arrays.hours[:n_slots],
        buy_per_kwh=arrays.buy_per_kwh[:n_slots],
        sell_per_kwh=arrays.sell_per_kwh[:n_slots],
        net_load_kw=arrays.net_load_kw[:n_slots],
        solar_kw=arrays.solar_kw[:n_slots],
        boundaries=arrays.boundaries[:k],
        devices=tuple(
            replace(
                device,
                available=device.available[:n_slots],
                max_charge_kw=device.max_charge_kw[:n_slots],
                max_discharge_kw=device.max_discharge_kw[:n_slots],
                trip_kwh=device.trip_kwh[:n_slots],
                required_kwh=device.required_kwh[:k],
                energy_min_kwh=device.energy_min_kwh[:k],
                energy_max_kwh=device.energy_max_kwh[:k],
                departing=frozenset(b for b in device.departing if b < k),
            )
            for device in arrays.devices
        ),
        reserves=None if arrays.reserves is None else arrays.reserves.sliced(n_slots),
    )
