"""Simulate storage devices on historical prices: rolling day-ahead or perfect foresight."""

from __future__ import annotations

from bisect import bisect_left
import math
from time import perf_counter
from typing import TYPE_CHECKING

from .backtest_account import account, market_slots
from .backtest_device import (
    arrival_charging_cost,
    executable_power_kw,
    stored_energy_kwh,
)
from .backtest_horizon import known_until, planner_device, trips_on_slots
from .backtest_lookahead import Lookahead, TerminalPolicy, terminal_for
from .backtest_report import Totals
from .backtest_reserve_desk import ReserveDesk
from .backtest_run import PlannerOutputError, SimulationRun
from .model import Plan, PlanningProblem, Site, TerminalValue
from .optimise import plan
from .price_files import DANISH_TIME

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .backtest_reserves import ReserveSetup
    from .backtest_site import SiteSpec
    from .model import Slot
    from .reserve_model import ReserveMarket

__all__ = ["PlannerOutputError", "SimulationRun", "market_slots", "simulate"]

_SOC_TOLERANCE_KWH = 1e-6


def simulate(
    slots: Sequence[Slot],
    site: SiteSpec,
    *,
    perfect_foresight: bool = False,
    replan_every_slot: bool = False,
    terminal: TerminalPolicy = TerminalPolicy.LEARNED,
    lookahead: Lookahead | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    reserves: ReserveSetup | None = None,
) -> SimulationRun:
    """Run the devices slot by slot, planning as the chosen mode allows, and account for every kWh.

    Rolling mode re-plans over the prices known when new prices arrive or the executed state left the
    plan (with `replan_every_slot`, at every slot), valuing energy left at the horizon's end as
    `terminal` says (`lookahead` replaces the learned expectation, e.g. to measure a perfect one).
    Perfect foresight plans once. With `reserves` the plans also sell reserves (see ReserveDesk).
    """
    runner = _Runner(
        slots,
        site,
        perfect_foresight=perfect_foresight,
        replan_every_slot=replan_every_slot,
        terminal=terminal,
    )
    if lookahead is not None:
        runner.lookahead = lookahead
    if reserves is not None:
        runner.desk = ReserveDesk(
            reserves, slots, site, perfect_foresight=perfect_foresight
        )
    for index in range(len(slots)):
        runner.step(index)
        if on_progress is not None:
            on_progress(index + 1, len(slots))
    return runner.result()


class _Runner:
    """The mutable state of one simulation."""

    def __init__(
        self,
        slots: Sequence[Slot],
        site: SiteSpec,
        *,
        perfect_foresight: bool,
        replan_every_slot: bool,
        terminal: TerminalPolicy,
    ) -> None:
        self.slots = tuple(slots)
        self.site = site
        self.perfect_foresight = perfect_foresight
        self.replan_every_slot = replan_every_slot
        self.starts = [slot.start for slot in self.slots]
        self.soc_kwh = [
            device.soc_start * device.capacity_kwh for device in site.devices
        ]
        self.trips = [trips_on_slots(device, self.slots) for device in site.devices]
        self.leaving = [{away.leave: away for away in trips} for trips in self.trips]
        self.away = [
            {i for away in trips for i in range(away.leave, away.back)}
            for trips in self.trips
        ]
        self.refused_kwh = 0.0
        self.driven_kwh = 0.0
        self.plan: Plan | None = None
        self.plan_start = 0
        self.plan_end = 0
        self.pinned_value: float | None = None
        self.terminal = terminal
        self.lookahead = Lookahead(self.slots, site)
        self.diverged = False
        self.plan_ms: list[float] = []
        self.months: dict[str, Totals] = {}
        self.unmet_kwh = 0.0
        self.executed: list[tuple[float, ...]] = []
        self.desk: ReserveDesk | None = None

    def step(self, index: int) -> None:
        """Execute one slot."""
        slot = self.slots[index]
        self._depart(index)
        horizon_end = (
            len(self.slots) if self.perfect_foresight else self._known_end(index)
        )
        current = self.plan
        if self.desk is not None and self.desk.bid_due(index):
            self.desk.bid(index, self._plan_bid)
            self.diverged = True  # the new commitments hold from the next plan on
        if (
            current is None
            or self.diverged
            or (self.replan_every_slot and not self.perfect_foresight)
            or horizon_end != self.plan_end
        ):
            current = self._replan(index, horizon_end)
        offset = index - self.plan_start
        setpoints = [device_plan.setpoint_kw[offset] for device_plan in current.devices]
        if not all(math.isfinite(power_kw) for power_kw in setpoints):
            local = slot.start.astimezone(DANISH_TIME).strftime("%Y-%m-%d %H:%M")
            raise PlannerOutputError(
                f"the planner gave no usable setpoint for {local} (Danish time)"
            )
        setpoints = self._execute(index, setpoints)
        self.diverged = False
        for number, (device, power_kw) in enumerate(
            zip(self.site.devices, setpoints, strict=True)
        ):
            self.soc_kwh[number] += stored_energy_kwh(device, power_kw, slot.hours)
            planned_kwh = current.devices[number].soc[offset + 1] * device.capacity_kwh
            if abs(planned_kwh - self.soc_kwh[number]) > _SOC_TOLERANCE_KWH:
                self.diverged = True
        totals = account(slot, self.site.devices, setpoints)
        if self.desk is not None:
            income, activation = self.desk.book(slot, current, offset)
            totals = Totals(reserve_income=income, activation_cost=activation) + totals
        self._book(index, totals)

    def _book(self, index: int, totals: Totals) -> None:
        month = self.slots[index].start.astimezone(DANISH_TIME).strftime("%Y-%m")
        self.months[month] = self.months.get(month, Totals()) + totals

    def _execute(self, index: int, planned: list[float]) -> list[float]:
        """What the batteries do with the planned setpoints; refusals are counted."""
        hours = self.slots[index].hours
        executed = [
            executable_power_kw(
                device,
                power_kw,
                self.soc_kwh[number],
                hours,
                plugged_in=index not in self.away[number],
            )
            for number, (device, power_kw) in enumerate(
                zip(self.site.devices, planned, strict=True)
            )
        ]
        self.refused_kwh += sum(
            abs(want - done) * hours
            for want, done in zip(planned, executed, strict=True)
        )
        self.executed.append(tuple(executed))
        return executed

    def result(self) -> SimulationRun:
        """The totals once every slot ran."""
        days = {slot.start.astimezone(DANISH_TIME).date() for slot in self.slots}
        return SimulationRun(
            months=tuple(sorted(self.months.items())),
            plan_ms=tuple(self.plan_ms),
            end_soc=tuple(
                (device.name, device.soc_start, soc_kwh / device.capacity_kwh)
                for device, soc_kwh in zip(self.site.devices, self.soc_kwh, strict=True)
            ),
            days=len(days),
            period=(min(days), max(days)),
            unmet_kwh=self.unmet_kwh,
            refused_kwh=self.refused_kwh,
            driven_kwh=self.driven_kwh,
            setpoints_kw=tuple(self.executed),
            reserves=() if self.desk is None else self.desk.summary(),
        )

    def _known_end(self, index: int) -> int:
        return bisect_left(self.starts, known_until(self.slots[index].start))

    def _depart(self, index: int) -> None:
        for number, device in enumerate(self.site.devices):
            away = self.leaving[number].get(index)
            if away is None:
                continue
            target_kwh = away.target_soc * device.capacity_kwh
            self.unmet_kwh += max(
                0.0, target_kwh - self.soc_kwh[number] - _SOC_TOLERANCE_KWH
            )
            used_kwh = min(away.energy_kwh, self.soc_kwh[number])
            self.unmet_kwh += away.energy_kwh - used_kwh
            self.soc_kwh[number] -= used_kwh
            self.driven_kwh += used_kwh
            # Driving would need this energy without the planner too: credit what charging it on
            # arrival would cost, so net profit compares against a plain charger, not against walking.
            credit = arrival_charging_cost(device, used_kwh, self.slots, away.back)
            self._book(index, Totals(trip_credit=credit))

    def _terminal_value(self, end: int, *, final: bool) -> tuple[int, TerminalValue]:
        """Where the planned problem ends and how stored energy there is valued (see terminal_for)."""
        pinned = self.pinned_value if end == self.plan_end else None
        return terminal_for(
            self.terminal, self.lookahead, end, final=final, pinned=pinned
        )

    def _problem(
        self,
        start: int,
        stop: int,
        slots: tuple[Slot, ...],
        terminal: TerminalValue,
        reserves: ReserveMarket | None,
    ) -> PlanningProblem:
        final = start + len(slots) == len(self.slots)
        devices = tuple(
            planner_device(
                device,
                self.soc_kwh[number],
                self.trips[number],
                self.slots,
                start,
                stop,
                final=final,
            )
            for number, device in enumerate(self.site.devices)
        )
        site = self.site
        return PlanningProblem(
            slots=slots,
            devices=devices,
            site=Site(
                import_limit_kw=_limit(site.import_limit_kw),
                export_limit_kw=_limit(site.export_limit_kw),
                export_allowed=site.export_allowed,
            ),
            terminal_value=terminal,
            reserves=reserves,
        )

    def _plan_bid(
        self,
        start: int,
        slots: tuple[Slot, ...],
        ahead: tuple[Slot, ...],
        market: ReserveMarket,
    ) -> Plan:
        """The plan a bid rests on: known prices, then expected ones, looking a day further."""
        stop = start + len(slots) + len(ahead)
        problem = self._problem(
            start, stop, slots, TerminalValue(lookahead=ahead), market
        )
        began = perf_counter()
        bid_plan = plan(problem)
        self.plan_ms.append((perf_counter() - began) * 1000.0)
        return bid_plan

    def _replan(self, start: int, end: int) -> Plan:
        final = end == len(self.slots)
        stop, terminal = self._terminal_value(end, final=final)
        market = None
        if self.desk is not None:
            previous = None if self.plan is None else (self.plan, self.plan_start)
            market = self.desk.market(start, stop, previous)
        problem = self._problem(start, stop, self.slots[start:end], terminal, market)
        began = perf_counter()
        new_plan = plan(problem)
        self.plan_ms.append((perf_counter() - began) * 1000.0)
        if end != self.plan_end:
            values = {device_plan.terminal_value for device_plan in new_plan.devices}
            self.pinned_value = values.pop() if len(values) == 1 else None
        self.plan, self.plan_start, self.plan_end = new_plan, start, end
        return new_plan


def _limit(kw: float | None) -> float:
    return float("inf") if kw is None else kw
