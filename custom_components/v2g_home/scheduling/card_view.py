"""The plan as the plan card reads it: one small attribute with the series, blocks, status and figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .blocks import PlanBlock, device_blocks, site_blocks, upcoming
from .reserves import ReserveRun, reserve_runs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..planner.model import Plan

CARD_FORMAT = 1


class PlanStatus(StrEnum):
    """Why there is a plan to draw, or why not (the card's empty states)."""

    OK = "ok"
    DISABLED = "disabled"
    NO_PRICES = "no_prices"
    MANUAL = "manual"  # no device in auto mode
    CAR_AWAY = "car_away"  # the only device in auto is a car that is not plugged in
    NO_PLAN = "no_plan"


@dataclass(frozen=True, kw_only=True)
class CardDevice:
    """A device as the card labels it, with the lines drawn over its SoC."""

    name: str
    is_car: bool
    reserve_pct: float
    departure: tuple[datetime, float] | None = None  # when, target SoC (%)


@dataclass(frozen=True, kw_only=True)
class PlanFigures:
    """Money the card's header shows, in the plan's currency."""

    currency: str
    revenue_today: float
    revenue_tomorrow: float
    profit: float
    reserve_income: float = (
        0.0  # the plan's, after the aggregator's share; apart from energy sold
    )


def short(value: float, digits: int) -> float | int:
    """A number rounded for the card, written without ".0" when it is whole (the attribute stays small)."""
    rounded = round(value, digits)
    whole = int(rounded)
    return whole if whole == rounded else rounded


def block_dict(block: PlanBlock, index: Mapping[str, int]) -> dict[str, Any]:
    """A block in the card's short form: device index, action, reason, slot range, kW, kWh, money."""
    return {
        "d": None if block.device_id is None else index[block.device_id],
        "a": block.action.value,
        "r": block.reason.value,
        "s": block.first,
        "e": block.last,
        "kw": short(block.power_kw, 2),
        "kwh": short(block.energy_kwh, 2),
        "m": short(block.money, 2),
    }


def reserve_dict(
    run: ReserveRun, plan: Plan, index: Mapping[str, int]
) -> dict[str, Any]:
    """A stretch of reserve in the card's short form: device index, product, slot range, mean kW, income."""
    return {
        "d": index[run.device_id],
        "p": run.product,
        "s": [slot.start for slot in plan.slots].index(run.start),
        "e": [slot.end for slot in plan.slots].index(run.end) + 1,
        "kw": short(run.mean_kw, 2),
        "m": short(run.income, 2),
    }


def _offsets_min(plan: Plan) -> list[float | int]:
    """Each slot's start, then the plan's end, in minutes after the first slot."""
    first = plan.slots[0].start
    edges = [slot.start for slot in plan.slots] + [plan.slots[-1].end]
    return [short((edge - first).total_seconds() / 60, 1) for edge in edges]


def _device_dict(
    plan: Plan, device_id: str, device: CardDevice | None
) -> dict[str, Any]:
    device_plan = plan.device(device_id)
    departure = None if device is None else device.departure
    return {
        "id": device_id,
        "name": device_id if device is None else device.name,
        "car": device is not None and device.is_car,
        "kw": [short(kw, 2) for kw in device_plan.setpoint_kw],
        "soc": [short(100 * soc, 1) for soc in device_plan.soc],
        "reserve": None if device is None else device.reserve_pct,
        "departure": None
        if departure is None
        else {"at": departure[0].isoformat(), "soc": departure[1]},
    }


def card_plan(
    plan: Plan | None,
    *,
    status: PlanStatus,
    planned_at: datetime | None,
    devices: Mapping[str, CardDevice],
    away: Sequence[str],
    figures: PlanFigures,
    now: datetime,
) -> dict[str, Any]:
    """Everything the card draws, kept small: slot edges, prices, per-device power and SoC, blocks, reserves."""
    card: dict[str, Any] = {
        "v": CARD_FORMAT,
        "status": status.value,
        "planned_at": None if planned_at is None else planned_at.isoformat(),
        "away": list(away),
        "currency": figures.currency,
        "today": figures.revenue_today,
        "tomorrow": figures.revenue_tomorrow,
        "profit": figures.profit,
        "reserve_income": figures.reserve_income,
    }
    if plan is None or not plan.slots:
        return card | {
            "start": None,
            "t": [],
            "buy": [],
            "sell": [],
            "devices": [],
            "reserves": [],
        }
    ids = [d.device_id for d in plan.devices]
    index = {device_id: position for position, device_id in enumerate(ids)}
    following = upcoming(site_blocks(plan), now)
    return card | {
        "start": plan.slots[0].start.isoformat(),
        "t": _offsets_min(plan),
        "buy": [short(slot.buy_price_per_kwh, 3) for slot in plan.slots],
        "sell": [short(slot.sell_price_per_kwh, 3) for slot in plan.slots],
        "devices": [
            _device_dict(plan, device_id, devices.get(device_id)) for device_id in ids
        ],
        "blocks": [block_dict(block, index) for block in device_blocks(plan)],
        "reserves": [reserve_dict(run, plan, index) for run in reserve_runs(plan)],
        "next": None if following is None else block_dict(following, index),
    }
