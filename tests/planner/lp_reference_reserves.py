"""An independent LP of the planning model with reserves, solved by scipy's HiGHS (tests and benchmarks).

Written from nordic-reserves.md, not from the planner's code: one reserve variable per device,
product and bid block (not per slot), the headroom rules in every slot of the block and the energy
rules at every slot boundary in it, as inequalities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from custom_components.v2g_home.planner.model import StorageDevice

from .lp_reference import Model, _available, _requirements, build_model

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import PlanningProblem
    from custom_components.v2g_home.planner.reserve_model import ReserveMarket
    from custom_components.v2g_home.planner.reserve_products import ReserveProduct

DANISH = ZoneInfo("Europe/Copenhagen")
HOUR = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class ReserveLpResult:
    """The optimum and the kW held per (device, product, block start)."""

    objective: float
    held_kw: dict[tuple[str, str, datetime], float]
    solve_seconds: float


def _block(product: ReserveProduct, start: datetime) -> tuple[datetime, datetime]:
    if product.block_hours == 1:
        hour = start.replace(minute=0, second=0, microsecond=0)
        return hour, hour + HOUR
    local = start.astimezone(DANISH)
    first = local.hour - local.hour % product.block_hours
    begin = datetime.combine(local.date(), time(first), tzinfo=DANISH)
    if first + product.block_hours == 24:
        end = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=DANISH)
    else:
        end = datetime.combine(
            local.date(), time(first + product.block_hours), tzinfo=DANISH
        )
    return begin.astimezone(UTC), end.astimezone(UTC)


def _price(
    market: ReserveMarket, key: str, begin: datetime, end: datetime
) -> float | None:
    prices = []
    moment = begin
    while moment < end:
        price = market.prices.get(key, {}).get(moment)
        if price is None:
            return None
        prices.append(price)
        moment += HOUR
    return sum(prices) / len(prices)


@dataclass
class _Device:
    """One taking-part device's columns and the energy range its rules count in."""

    device: StorageDevice
    columns: tuple[list[int], list[int], list[int]]  # charge, discharge, energy
    offered: list[bool]
    minimum: list[float]  # per boundary
    top: float


def _prepare(problem: PlanningProblem, model: Model, number: int) -> _Device | None:
    """The device's offered slots, with the band put on its stored energy there."""
    market = problem.reserves
    device = problem.devices[number]
    offer = None if market is None else market.offer(device.device_id)
    if offer is None:
        return None
    charge, discharge, energy = model.device_columns[number]
    cap = device.capacity_kwh
    plugged = _available(device, problem)
    offered = [
        plugged[t]
        and (
            offer.windows is None
            or any(w.start <= s.start and s.end <= w.end for w in offer.windows)
        )
        for t, s in enumerate(problem.slots)
    ]
    for t in [t for t, on in enumerate(offered) if on]:
        for k in (t, t + 1):
            cost, low, high = model.columns[energy[k]]
            if k > 0:
                low = max(low, offer.soc_low * cap)
                high = min(high, max(offer.soc_high * cap, low))
            model.columns[energy[k]] = (cost, low, high)
    required, _ = _requirements(problem, device)
    floor = max(device.soc_min, device.reserve_soc, offer.soc_low) * cap
    return _Device(
        device=device,
        columns=(charge, discharge, energy),
        offered=offered,
        minimum=[max(floor, need) for need in required],
        top=min(device.soc_max, offer.soc_high) * cap,
    )


def _block_column(
    problem: PlanningProblem,
    model: Model,
    taking: _Device,
    product: ReserveProduct,
    block: tuple[datetime, datetime, list[int]],
) -> int | None:
    """The column of one bid block, or None where it cannot be held."""
    market = problem.reserves
    assert market is not None
    slots = problem.slots
    device = taking.device
    begin, end, members = block
    span = sum(slots[t].hours for t in members)
    energy = taking.columns[2]
    inside = all(
        model.columns[energy[k]][1] >= taking.minimum[k] - 1e-6
        and model.columns[energy[k]][2] <= taking.top + 1e-6
        for t in members
        for k in (t, t + 1)
    )
    if abs(span - (end - begin) / HOUR) > 1e-9:
        return None
    committed = sum(
        c.kw
        for c in market.commitments
        if c.device_id == device.device_id
        and c.product == product.key
        and c.start < end
        and begin < c.end
    )
    price = _price(market, product.key, begin, end)
    is_open = market.closed_until is None or begin >= market.closed_until
    if not (all(taking.offered[t] for t in members) and inside):
        return None
    offer = market.offer(device.device_id)
    deliverable = offer is not None and offer.may_hold(product.key)
    if committed <= 0 and (
        price is None or not is_open or price == 0 or not deliverable
    ):
        return None
    alpha = market.activation_of(product)
    share = alpha / 2 if product.direction.value == "symmetric" else alpha
    eta2 = device.charge_efficiency * device.discharge_efficiency
    activation = sum(
        share
        * (
            slots[t].buy_price_per_kwh
            - eta2 * min(slots[t].sell_price_per_kwh, slots[t].buy_price_per_kwh)
            + device.wear_per_kwh
        )
        * slots[t].hours
        for t in members
    )
    income = (1 - market.aggregator_share) * (price or 0.0) * span
    low = committed if committed > 0 else 0.0
    high = (
        committed if committed > 0 else device.max_charge_kw + device.max_discharge_kw
    )
    return model.add(activation - income, low, high)


def _rules(
    taking: _Device, t: int, held: list[tuple[int, ReserveProduct]]
) -> list[tuple[list[int], list[float], float]]:
    """Headroom in slot t and the energy rules at both of its boundaries, as rows <= b."""
    device = taking.device
    charge, discharge, energy = taking.columns
    columns = [c for c, _ in held]
    drain = [p.drain_h / device.discharge_efficiency for _, p in held]
    fill = [p.fill_h * device.charge_efficiency for _, p in held]
    rows = [
        (
            [discharge[t], charge[t], *columns],
            [1.0, -1.0, *(p.up_factor for _, p in held)],
            device.max_discharge_kw,
        ),
        (
            [charge[t], discharge[t], *columns],
            [1.0, -1.0, *(p.down_factor for _, p in held)],
            device.max_charge_kw,
        ),
    ]
    for k in (t, t + 1):
        rows.append(([energy[k], *columns], [-1.0, *drain], -taking.minimum[k]))
        rows.append(([energy[k], *columns], [1.0, *fill], taking.top))
    return rows


def solve_reserve_lp(problem: PlanningProblem) -> ReserveLpResult:
    """Minimise import - export + wear - reserve income + activation cost - terminal value."""
    market = problem.reserves
    assert market is not None
    model = build_model(problem)
    slots = problem.slots
    inequalities: list[tuple[list[int], list[float], float]] = []
    held_columns: dict[tuple[str, str, datetime], int] = {}
    for number in range(len(problem.devices)):
        taking = _prepare(problem, model, number)
        if taking is None:
            continue
        per_slot: list[list[tuple[int, ReserveProduct]]] = [[] for _ in slots]
        for product in market.products:
            blocks: dict[tuple[datetime, datetime], list[int]] = {}
            for t, s in enumerate(slots):
                blocks.setdefault(_block(product, s.start), []).append(t)
            for (begin, end), members in blocks.items():
                column = _block_column(
                    problem, model, taking, product, (begin, end, members)
                )
                if column is None:
                    continue
                held_columns[(taking.device.device_id, product.key, begin)] = column
                for t in members:
                    per_slot[t].append((column, product))
        for t, held in enumerate(per_slot):
            if held:
                inequalities += _rules(taking, t, held)
    result, seconds = _solve(model, inequalities)
    return ReserveLpResult(
        objective=float(result.fun),
        held_kw={key: float(result.x[c]) for key, c in held_columns.items()},
        solve_seconds=seconds,
    )


def _matrix(rows: list[tuple[list[int], list[float], float]], width: int) -> coo_matrix:
    r, c, v = [], [], []
    for index, (cols, vals, _) in enumerate(rows):
        r += [index] * len(cols)
        c += cols
        v += vals
    return coo_matrix((v, (r, c)), shape=(len(rows), width))


def _solve(model, inequalities):  # type: ignore[no-untyped-def]
    import time as clock

    width = len(model.columns)
    cost = np.array([c for c, _, _ in model.columns])
    bounds = [(lo, None if np.isinf(hi) else hi) for _, lo, hi in model.columns]
    started = clock.perf_counter()
    result = linprog(
        cost,
        A_ub=_matrix(inequalities, width).tocsr() if inequalities else None,
        b_ub=np.array([b for _, _, b in inequalities]) if inequalities else None,
        A_eq=_matrix(model.rows, width).tocsr(),
        b_eq=np.array([b for _, _, b in model.rows]),
        bounds=bounds,
        method="highs",
    )
    seconds = clock.perf_counter() - started
    if result.status != 0:
        raise AssertionError(f"reference LP failed: {result.message}")
    return result, seconds
