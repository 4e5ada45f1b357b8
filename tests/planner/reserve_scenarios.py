"""Planning problems with reserves, and an independent check of the limited-energy rules on a plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from custom_components.v2g_home.planner.reserve_blocks import block_span
from custom_components.v2g_home.planner.reserve_model import ReserveMarket, ReserveOffer
from custom_components.v2g_home.planner.reserve_products import PRODUCTS
from custom_components.v2g_home.prices.reserves import parse_fcr_nd

from .scenarios import problem_for

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import (
        DevicePlan,
        Plan,
        PlanningProblem,
        StorageDevice,
    )

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reserves"
DK2_PRODUCTS = ("fcr_n", "fcr_d_up", "fcr_d_down")
EUR_DKK = 7.46
TOLERANCE = 1e-6


def hours_of(problem: PlanningProblem) -> list[datetime]:
    """The UTC hour starts the problem's slots touch."""
    first = problem.slots[0].start.replace(minute=0)
    hours = []
    while first < problem.slots[-1].end:
        hours.append(first)
        first += timedelta(hours=1)
    return hours


def random_prices(
    problem: PlanningProblem, keys: tuple[str, ...], seed: int = 0
) -> dict[str, dict[datetime, float]]:
    """Capacity prices per kW and hour in DKK, at 2025 levels (0.02-0.4 DKK per kW and hour)."""
    rng = np.random.default_rng(seed)
    return {
        key: {hour: float(rng.uniform(0.02, 0.4)) for hour in hours_of(problem)}
        for key in keys
    }


def real_dst_prices() -> dict[str, dict[datetime, float]]:
    """The real DK2 FCR-N/FCR-D prices of 2025-03-30 (23 hours), per kW and hour in DKK."""
    payload = json.loads(
        (FIXTURES / "FcrNdDK2_dk2_2025-03-30_dst.json").read_text(encoding="utf-8")
    )
    return parse_fcr_nd(payload).per_kw(EUR_DKK)


def with_reserves(
    problem: PlanningProblem,
    prices: dict[str, dict[datetime, float]],
    *,
    devices: tuple[str, ...] = ("leaf",),
    share: float = 0.4,
    **market: object,
) -> PlanningProblem:
    """The problem with a reserve market in the priced products, offered by `devices`."""
    offers = market.pop("offers", None) or tuple(
        ReserveOffer(device_id=d) for d in devices
    )
    return replace(
        problem,
        reserves=ReserveMarket(
            products=tuple(PRODUCTS[key] for key in prices),
            prices=prices,
            offers=offers,  # type: ignore[arg-type]
            aggregator_share=share,
            **market,  # type: ignore[arg-type]
        ),
    )


def day_problem(
    day: str, keys: tuple[str, ...] = DK2_PRODUCTS, **options: object
) -> PlanningProblem:
    """A shipped DK1 day (see scenarios.problem_for) with random reserve prices."""
    problem = problem_for(day, **options)  # type: ignore[arg-type]
    problem = replace(
        problem,
        devices=tuple(
            replace(d, max_charge_kw=10.0, max_discharge_kw=10.0)
            if d.device_id == "leaf"
            else d
            for d in problem.devices
        ),
    )
    return with_reserves(problem, random_prices(problem, keys, seed=len(day)))


def held(plan: Plan, device_id: str) -> dict[str, np.ndarray]:
    """KW held per product and slot by one device."""
    return {
        r.product: np.array(r.kw) for r in plan.reserves if r.device_id == device_id
    }


def _power_and_energy(
    device: StorageDevice,
    dplan: DevicePlan,
    window: tuple[float, float],
    t: int,
    kw: dict[str, float],
) -> list[str]:
    """The headroom rules in slot t and the energy rules at both of its boundaries."""
    floor, top = window
    p = -dplan.setpoint_kw[t]  # net export
    products = {key: PRODUCTS[key] for key in kw}
    up = sum(products[k].up_factor * v for k, v in kw.items())
    down = sum(products[k].down_factor * v for k, v in kw.items())
    drain = (
        sum(products[k].drain_h * v for k, v in kw.items())
        / device.discharge_efficiency
    )
    fill = sum(products[k].fill_h * v for k, v in kw.items()) * device.charge_efficiency
    found = []
    if p + up > device.max_discharge_kw + TOLERANCE:
        found.append(f"slot {t}: no room to discharge {up:.3f} more")
    if -p + down > device.max_charge_kw + TOLERANCE:
        found.append(f"slot {t}: no room to charge {down:.3f} more")
    for k in (t, t + 1):
        energy = dplan.soc[k] * device.capacity_kwh
        if energy - floor < drain - TOLERANCE:
            found.append(
                f"slot {t}: {energy:.3f} kWh cannot cover {drain:.3f} above the floor"
            )
        if top - energy < fill - TOLERANCE:
            found.append(f"slot {t}: {energy:.3f} kWh leaves no room for {fill:.3f}")
    return found


def _blocks(
    problem: PlanningProblem,
    device: StorageDevice,
    reserves: dict[str, np.ndarray],
    t: int,
    kw: dict[str, float],
) -> list[str]:
    """Bids are whole blocks inside the horizon (or accepted), constant, and the car plugged in throughout."""
    market = problem.reserves
    assert market is not None
    slots = problem.slots
    found = []
    for key, value in kw.items():
        begin, end = block_span(PRODUCTS[key], slots[t].start)
        outside = begin < slots[0].start or end > slots[-1].end
        accepted = any(
            c.product == key and c.start <= slots[t].start < c.end
            for c in market.commitments
        )
        if outside and not accepted:
            found.append(f"slot {t}: {key} in a block outside the horizon")
        inside = [u for u, s in enumerate(slots) if begin <= s.start < end]
        if any(abs(reserves[key][u] - value) > TOLERANCE for u in inside):
            found.append(f"slot {t}: {key} not constant over its block")
        if device.availability is not None and not any(
            w.start <= begin and end <= w.end for w in device.availability
        ):
            found.append(f"slot {t}: {key} held while not plugged in all of {begin}")
    return found


def rule_violations(problem: PlanningProblem, plan: Plan) -> list[str]:
    """Every broken rule of nordic-reserves.md in a finished plan, checked from its setpoints and SoC."""
    market = problem.reserves
    assert market is not None
    found: list[str] = []
    for device in problem.devices:
        reserves = held(plan, device.device_id)
        offer = market.offer(device.device_id)
        if not reserves or offer is None:
            continue
        cap = device.capacity_kwh
        window = (
            max(device.soc_min, device.reserve_soc, offer.soc_low) * cap,
            min(device.soc_max, offer.soc_high) * cap,
        )
        for t in range(len(problem.slots)):
            kw = {key: float(values[t]) for key, values in reserves.items()}
            if sum(kw.values()) > TOLERANCE:
                found += _power_and_energy(
                    device, plan.device(device.device_id), window, t, kw
                )
                found += _blocks(problem, device, reserves, t, kw)
    return found


def utc(text: str) -> datetime:
    """An ISO time as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
