"""The reserves of a finished plan, per device and product, for the plan's readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .arrays import floats
from .plan_types import ReserveAhead, ReservePlan

if TYPE_CHECKING:
    from datetime import datetime

    from .arrays import ProblemArrays
    from .evaluate import Outcome
    from .plan_types import Plan


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
            price_per_kw_h=tuple(floats(reserves.income_per_kw[p] / arrays.hours)),
            income=float(income[j, p]),
            activation_cost=float(activation[j, p]),
        )
        for j, i in enumerate(reserves.devices)
        for p, product in enumerate(reserves.market.products)
    )


def reserves_ahead(
    arrays: ProblemArrays, outcome: Outcome, n_slots: int
) -> tuple[ReserveAhead, ...]:
    """The reserves held after the first `n_slots` slots (a lookahead), per device and product."""
    reserves, held = arrays.reserves, outcome.reserve_kw
    if reserves is None or held is None:
        return ()
    return tuple(
        ReserveAhead(
            device_id=arrays.devices[i].device.device_id,
            product=product.key,
            kw=tuple(floats(held[j, p, n_slots:])),
        )
        for j, i in enumerate(reserves.devices)
        for p, product in enumerate(reserves.market.products)
    )


def reserve_income_between(
    plan: Plan, start: datetime, end: datetime
) -> dict[str, float]:
    """What the plan's reserves earn between start and end (after the aggregator's share), per device."""
    earned: dict[str, float] = {}
    for reserve in plan.reserves:
        total = 0.0
        for slot, kw, price in zip(
            plan.slots, reserve.kw, reserve.price_per_kw_h, strict=True
        ):
            overlap = (min(slot.end, end) - max(slot.start, start)).total_seconds()
            if overlap > 0 and kw > 0:
                total += kw * price * overlap / 3600.0
        earned[reserve.device_id] = earned.get(reserve.device_id, 0.0) + total
    return earned


def reserved_kw_at(plan: Plan, product: str, moment: datetime) -> float:
    """KW of a product the plan holds at a moment, over all devices (in the lookahead too)."""
    held = sum(
        kw
        for reserve in plan.reserves
        if reserve.product == product
        for slot, kw in zip(plan.slots, reserve.kw, strict=True)
        if slot.start <= moment < slot.end
    )
    return held + sum(
        kw
        for ahead in plan.reserves_ahead
        if ahead.product == product
        for slot, kw in zip(plan.ahead_slots, ahead.kw, strict=True)
        if slot.start <= moment < slot.end
    )
