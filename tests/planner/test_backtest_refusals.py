"""Backtest: planner answers the simulated battery refuses, and trips the car cannot make."""

from __future__ import annotations

from dataclasses import replace
import json
import math
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.planner import backtest_sim
from custom_components.v2g_home.planner.optimise import plan

from .test_backtest import ELSPOT, JSON_KEYS, PLAIN, _json, _run

if TYPE_CHECKING:
    from pathlib import Path

    from custom_components.v2g_home.planner.model import Plan, PlanningProblem


def test_a_planner_answer_without_numbers_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def plan_with_nan(problem: PlanningProblem) -> Plan:
        answer = plan(problem)
        broken = replace(
            answer.devices[0], setpoint_kw=(math.nan,) * len(problem.slots)
        )
        return replace(answer, devices=(broken,))

    monkeypatch.setattr(backtest_sim, "plan", plan_with_nan)
    code, out, err = _run("--prices", PLAIN)
    assert (code, out) == (1, "")
    assert (
        err
        == "backtest: internal error: the planner gave no usable setpoint for 2024-06-10 00:00 (Danish time)\n"
    )


def test_trips_the_car_cannot_make_are_reported(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "devices:\n  - {name: car, capacity_kwh: 10, soc_start: 0.1, power_kw: 0.5, efficiency: 0.92,\n"
        "     trips: [{leave: '00:30', back: '05:00', energy_kwh: 5}]}\n",
        encoding="utf-8",
    )
    code, out, _ = _run("--prices", ELSPOT, "--site", site)
    assert code == 0
    assert "trips: 4.0 kWh short of departure targets or trip energy" in out
    code, out, err = _run("--prices", ELSPOT, "--site", site, "--json")
    assert set(json.loads(out)) == JSON_KEYS
    assert err.splitlines() == [
        "backtest: note: trips took 31.0 kWh; revenue counts it at what charging it on arrival would cost",
        "backtest: note: trips: 4.0 kWh short of departure targets or trip energy",
    ]


def test_setpoints_beyond_the_battery_are_refused_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def plan_too_strong(problem: PlanningProblem) -> Plan:
        answer = plan(problem)
        doubled = tuple(2 * power for power in answer.devices[0].setpoint_kw)
        return replace(
            answer, devices=(replace(answer.devices[0], setpoint_kw=doubled),)
        )

    monkeypatch.setattr(backtest_sim, "plan", plan_too_strong)
    code, out, _ = _run("--prices", PLAIN)
    assert code == 0
    assert "the simulated batteries refused" in out
    net = float(
        next(
            line for line in out.splitlines() if line.strip().startswith("total")
        ).split()[-1]
    )
    honest = _json(
        "--prices", PLAIN
    )  # monkeypatch still active: the refusals keep it within physics
    assert (
        honest["energy_sold_kwh"]
        <= honest["energy_charged_kwh"] * 0.92 * 0.92 + 0.5 * 37 * 0.92
    )
    assert net == pytest.approx(honest["net_profit"], abs=0.01)
