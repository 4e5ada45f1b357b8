"""The reserves of a finished plan, per device and product, for the plan's readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .arrays import floats
from .plan_types import ReservePlan

if TYPE_CHECKING:
    from .arrays import ProblemArrays
    from .evaluate import Outcome


def reserve_plans(arrays: ProblemArrays, outcome: Outcome) -> tuple[ReservePlan, ...]:
    """One ReservePlan per taking-part device and offered product (empty without reserves)."""
    reserves = arrays.reserves
    held, income, activation = (
        outcome.reserve_kw,
        outcome.reserve_income,
        outcome.activation_cost,
    )
    if reserves is None or held is None or income is None or activation is None:
        return ()
    return tuple(
        ReservePlan(
            device_id=arrays.devices[i].device.device_id,
            product=product.key,
            kw=tuple(floats(held[j, p])),
            income=float(income[j, p]),
            activation_cost=float(activation[j, p]),
        )
        for j, i in enumerate(reserves.devices)
        for p, product in enumerate(reserves.market.products)
    )
