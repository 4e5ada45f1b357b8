"""A planner that fails numerically is said in the log, and the devices stay idle."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from unittest.mock import patch

from custom_components.v2g_home.planner.optimise import plan as real_plan
from tests.helpers.scheduling import (
    CHARGER_MODE,
    PACK_MODE,
    first_slot,
    scheduler_of,
    select,
    set_prices,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimulatedSunSpecPack
    from custom_components.v2g_home.planner.model import Plan, PlanningProblem


def _idle_fallback(problem: PlanningProblem) -> Plan:
    """What plan() returns when its solver breaks down: an idle plan marked as such."""
    plan = real_plan(problem)
    idle = tuple(
        dataclasses.replace(device, setpoint_kw=(0.0,) * len(device.setpoint_kw))
        for device in plan.devices
    )
    return dataclasses.replace(plan, devices=idle, solver_converged=False)


async def test_solver_fallback_is_logged_and_keeps_devices_idle(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    pack: SimulatedSunSpecPack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cheap prices would charge the pack, but the fallback plan holds it idle and warns."""
    with patch(
        "custom_components.v2g_home.scheduling.planning.optimise",
        side_effect=_idle_fallback,
    ):
        await set_prices(hass, loaded_entry, first_slot((0.2, 0.0), (4.0, 3.0)))
        await select(hass, CHARGER_MODE, "auto")
        await select(hass, PACK_MODE, "auto")
    assert "planner failed numerically" in caplog.text
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert not plan.solver_converged
    assert abs(pack.power_kw) < 0.01
