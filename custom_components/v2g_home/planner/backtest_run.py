"""What a simulation produced, before formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .backtest_report import Totals


class PlannerOutputError(RuntimeError):
    """The planner answered with something the simulation cannot execute (a bug in the planner)."""


@dataclass(frozen=True, kw_only=True)
class SimulationRun:
    """What a simulation produced, before formatting."""

    months: tuple[tuple[str, Totals], ...]
    plan_ms: tuple[float, ...]
    end_soc: tuple[tuple[str, float, float], ...]
    days: int
    period: tuple[date, date]  # first and last Danish day
    unmet_kwh: float  # trip energy the car did not have, or SoC targets missed
    # planned energy the batteries could not follow (outside their limits)
    refused_kwh: float
    driven_kwh: float  # energy the car's trips took from its battery
    setpoints_kw: tuple[
        tuple[float, ...], ...
    ]  # per slot and device: what was executed
    # per reserve product: (key, income, expected activation cost, mean kW held over the run)
    reserves: tuple[tuple[str, float, float, float], ...] = ()
