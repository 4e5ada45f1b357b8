"""Every string the integration shows has an English and a Danish translation."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.v2g_home.accounting.pack_energy import ENERGY_COUNTERS
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.coordinators.sensor_descriptions import (
    CHARGER_SENSORS,
    PACK_SENSORS,
)
from custom_components.v2g_home.devices.leaf import LEAF_PACKS
from custom_components.v2g_home.devices.models import ChargerState, PackState
from custom_components.v2g_home.devices.quasar import SetpointMode
from custom_components.v2g_home.devices.sunspec import PowerSign
from custom_components.v2g_home.number import POWER_NUMBERS
from custom_components.v2g_home.select import CONTROL_MODE

PACKAGE = Path(__file__).parent.parent.parent / "custom_components" / "v2g_home"
LANGUAGES = ("en", "da")
FLOW_ERRORS = {"cannot_connect", "invalid_host", "unsupported_device", "unknown"}
FLOW_ABORTS = {"already_configured", "wrong_device", "reconfigure_successful"}


def _load(language: str) -> dict[str, Any]:
    return json.loads(
        (PACKAGE / "translations" / f"{language}.json").read_text(encoding="utf-8")
    )


def _leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    leaves: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            leaves |= _leaves(value, f"{prefix}{key}.")
        else:
            leaves[prefix + key] = value
    return leaves


def test_danish_matches_english() -> None:
    """Same keys, same placeholders, and really translated (not copied)."""
    english, danish = _leaves(_load("en")), _leaves(_load("da"))
    assert english.keys() == danish.keys()
    for key, text in english.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(
            re.findall(r"{(\w+)}", danish[key])
        ), key
    copied = [
        key for key, text in english.items() if text == danish[key] and len(text) > 12
    ]
    assert len(copied) < len(english) / 20, copied


@pytest.mark.parametrize("language", LANGUAGES)
def test_entities_and_states_are_translated(language: str) -> None:
    """Every translation key and every state of an enum sensor or select has a name."""
    entity = _load(language)["entity"]
    for description in (*CHARGER_SENSORS, *PACK_SENSORS, *ENERGY_COUNTERS):
        if description.translation_key:
            names = entity["sensor"][description.translation_key]
            assert names["name"]
            for option in description.options or ():
                assert names["state"][option]
    for number in POWER_NUMBERS:
        assert entity["number"][number.translation_key]["name"]
    select = entity["select"][CONTROL_MODE.translation_key]
    assert set(select["state"]) == {mode.value for mode in ControlMode}
    assert set(entity["sensor"]["charger_state"]["state"]) == {
        s.value for s in ChargerState
    }
    assert set(entity["sensor"]["pack_state"]["state"]) == {s.value for s in PackState}


@pytest.mark.parametrize("language", LANGUAGES)
def test_flows_and_selectors_are_translated(language: str) -> None:
    """Device flow errors and aborts, and the choices in their forms."""
    strings = _load(language)
    for subentry in ("charger", "pack"):
        flow = strings["config_subentries"][subentry]
        assert flow["error"].keys() >= FLOW_ERRORS
        assert flow["abort"].keys() >= FLOW_ABORTS
        assert {"user", "reconfigure"} <= flow["step"].keys()
    assert "profile_missing" in strings["config_subentries"]["pack"]["error"]
    selectors = strings["selector"]
    assert set(selectors["leaf_pack"]["options"]) == {*LEAF_PACKS, "custom"}
    assert set(selectors["setpoint_mode"]["options"]) == {m.value for m in SetpointMode}
    assert set(selectors["power_sign"]["options"]) == {s.value for s in PowerSign}
    assert strings["device"]["leaf"]["name"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_exception_key_is_translated(language: str) -> None:
    """Each translation_key raised by the HA layer has a message."""
    exceptions = _load(language)["exceptions"]
    used: set[str] = set()
    for module in ("__init__.py", "coordinators/base.py", "coordinators/charger.py"):
        used |= set(
            re.findall(
                r'translation_key="(\w+)"',
                (PACKAGE / module).read_text(encoding="utf-8"),
            )
        )
    assert used
    assert used <= exceptions.keys()
    assert _load(language)["issues"]["wrong_device"]["description"]
