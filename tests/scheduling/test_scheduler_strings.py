"""Every scheduler entity, state, repair and error has English and Danish text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.button import REPLAN
from custom_components.v2g_home.planner.model import Reason
from custom_components.v2g_home.scheduling.entities import SETTING_NUMBERS
from custom_components.v2g_home.scheduling.plan_calendar import PLAN_CALENDAR
from custom_components.v2g_home.scheduling.plan_entities import (
    NEXT_ACTION,
    PLAN_SENSORS,
)
from custom_components.v2g_home.switch import SETTING_SWITCHES
from custom_components.v2g_home.time import DEPARTURE_TIME

TRANSLATIONS = (
    Path(__file__).parent.parent.parent
    / "custom_components"
    / "v2g_home"
    / "translations"
)


def _load(language: str) -> dict[str, Any]:
    return json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["en", "da"])
def test_scheduler_strings(language: str) -> None:
    """Names for every entity, every enum state, the repairs with their placeholders."""
    strings = _load(language)
    entity = strings["entity"]
    for description in PLAN_SENSORS:
        names = entity["sensor"][description.translation_key]
        assert names["name"]
        for option in description.options or ():
            assert names["state"][option]
    next_action = entity["sensor"][NEXT_ACTION.translation_key]["state_attributes"]
    assert set(next_action["reason"]["state"]) == {reason.value for reason in Reason}
    assert set(next_action["current"]["state"]) == set(NEXT_ACTION.options or ())
    assert entity["calendar"][PLAN_CALENDAR.translation_key]["name"]
    for number in SETTING_NUMBERS:
        assert entity["number"][number.translation_key]["name"]
    for switch in SETTING_SWITCHES:
        assert entity["switch"][switch.translation_key]["name"]
    assert entity["button"][REPLAN.translation_key]["name"]
    assert entity["time"][DEPARTURE_TIME.translation_key]["name"]
    issues = strings["issues"]
    for key, placeholders in (
        ("device_unreachable", ("{device}", "{since}")),
        ("control_lost", ("{device}", "{mode}", "{time}")),
        ("control_resumed", ("{device}", "{time}")),
        ("pack_control_resumed", ("{device}", "{mode}", "{time}")),
        ("setpoint_not_applied", ("{device}", "{setpoint}", "{power}")),
        ("departure_infeasible", ("{device}", "{time}", "{shortfall}")),
    ):
        text = issues[key]["title"] + issues[key]["description"]
        assert all(placeholder in text for placeholder in placeholders), key
    assert strings["exceptions"]["force_needs_auto"]["message"]
