"""Planning helpers of the scheduler: the house forecast, whom an override is for, the departure repair."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..control.modes import ControlMode
from ..control.problem import build_problem, planner_slots
from ..control.settings import SchedulerSettings
from ..control.snapshot import DeviceSnapshot
from ..planner.model import InfeasibilityKind, Plan, Slot
from ..planner.optimise import plan as optimise
from ..prices.models import BuyAndSell
from .reserves import SiteReserves
from .snapshot import snapshot

if TYPE_CHECKING:
    from .scheduler import Scheduler

type HouseForecastProvider = Callable[
    [HomeAssistant, Sequence[Slot]], Awaitable[list[float] | None]
]


@dataclass(frozen=True, kw_only=True)
class PlanInputs:
    """What a plan is made from: the known prices, the devices, the settings and the cars' departures."""

    known: Sequence[BuyAndSell]
    now: datetime
    snapshots: Sequence[DeviceSnapshot]
    settings: SchedulerSettings
    departures: Mapping[str, tuple[datetime, float]]
    reserves: SiteReserves | None = None
    # Expected prices after the known ones: a site with reserves plans on over them for its offer.
    expected: Sequence[BuyAndSell] = ()


async def async_make_plan(
    hass: HomeAssistant,
    inputs: PlanInputs,
    provider: HouseForecastProvider | None,
) -> tuple[Plan | None, bool]:
    """The plan over the known prices (None: nothing to plan) and whether it is grid-only (no house load)."""
    now, known = inputs.now, inputs.known
    slots = planner_slots(known, now, None)
    if not slots:
        return None, True
    reserves = inputs.reserves
    if reserves is not None and not reserves.settings.enabled:
        reserves = None
    prices = (*known, *inputs.expected) if reserves is not None else known
    whole = planner_slots(prices, now, None)
    house_kw = await async_house_forecast(hass, provider, whole)
    if house_kw is not None:
        whole = planner_slots(prices, now, house_kw)
    slots, ahead = whole[: len(slots)], whole[len(slots) :]
    problem = build_problem(
        slots=whole,
        devices=inputs.snapshots,
        settings=inputs.settings,
        departures=dict(inputs.departures),
    )
    if not problem.devices and house_kw is None:
        return None, True
    market = None
    if reserves is not None and problem.devices:
        market = await reserves.async_market(
            whole, [d.device_id for d in problem.devices], now
        )
    problem = replace(
        problem,
        slots=slots,
        terminal_value=replace(problem.terminal_value, lookahead=ahead),
        reserves=market,
    )
    plan = await hass.async_add_executor_job(optimise, problem)
    if not plan.solver_converged:
        LOGGER.warning(
            "The planner failed numerically; devices stay idle until the next plan"
        )
    return plan, house_kw is None


async def async_plan_site(
    scheduler: Scheduler, now: datetime, snapshots: Sequence[DeviceSnapshot]
) -> tuple[Plan | None, bool]:
    """The scheduler's plan over the known prices, and whether it is grid-only."""
    known = () if scheduler.prices is None else scheduler.prices.data.slots_from(now)
    departures = {
        s.device_id: d
        for s in snapshots
        if s.is_car and (d := scheduler.departure_for(s.device_id, now)) is not None
    }
    return await async_make_plan(
        scheduler.hass,
        PlanInputs(
            known=known,
            now=now,
            snapshots=snapshots,
            settings=scheduler.settings,
            departures=departures,
            reserves=scheduler.reserves,
            expected=() if scheduler.prices is None else scheduler.prices.data.expected,
        ),
        scheduler.house_forecast_provider,
    )


async def async_house_forecast(
    hass: HomeAssistant,
    provider: HouseForecastProvider | None,
    slots: tuple[Slot, ...],
) -> list[float] | None:
    """The house load (kW) per slot, or None for a grid-only plan (no sensor, or no forecast)."""
    if provider is None:
        return None
    try:
        forecast = await provider(hass, slots)
    except Exception:  # noqa: BLE001 - a broken forecast must not stop the plan
        LOGGER.exception("House load forecast failed; planning grid-only")
        return None
    if forecast is None or len(forecast) != len(slots):
        return None
    return [max(0.0, float(kw)) for kw in forecast]


def update_departure_issue(
    hass: HomeAssistant, entry_id: str, plan: Plan | None, names: Mapping[str, str]
) -> None:
    """Raise the repair while the plan cannot reach a departure target; clear it once it can."""
    issue_id = f"departure_infeasible_{entry_id}"
    short = [
        problem
        for problem in (plan.infeasibilities if plan else ())
        if problem.kind is InfeasibilityKind.DEPARTURE_TARGET
    ]
    if not short:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    first = short[0]
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="departure_infeasible",
        translation_placeholders={
            "device": names.get(first.device_id or "", "-"),
            "time": dt_util.as_local(first.at).strftime("%H:%M"),
            "shortfall": f"{first.shortfall:.1f}",
        },
    )


def devices_in_auto(devices: Mapping[str, Any], device_id: str | None) -> list[str]:
    """The devices an override applies to (all when None): those in auto, else an error."""
    targets = list(devices) if device_id is None else [device_id]
    in_auto = [
        key
        for key in targets
        if key in devices and snapshot(key, devices[key]).mode is ControlMode.AUTO
    ]
    if not in_auto:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="force_needs_auto"
        )
    return in_auto
