"""Charger profiles: the shipped example, files and folders, errors that name the field."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.v2g_home.devices.charger import (
    ConnectorType,
)
from custom_components.v2g_home.devices.charger_profile import (
    available_charger_profiles,
    load_charger_profile,
)
from custom_components.v2g_home.devices.charger_profile_schema import (
    parse_charger_profile,
)
from custom_components.v2g_home.devices.errors import ProfileError

from .profile_charger_device import EXAMPLE, example

if TYPE_CHECKING:
    from pathlib import Path


def test_the_shipped_example_is_available() -> None:
    profile = available_charger_profiles()["example_v2g_charger"]
    assert profile.name == "Example V2G charger (example)"
    assert profile.connector is ConnectorType.CCS
    assert (profile.port, profile.unit_id, profile.limits["max_charge_kw"]) == (
        502,
        1,
        11.0,
    )
    assert profile.failsafe == {
        "register": "watchdog",
        "seconds": 120,
        "refresh": "traffic",
    }


def broken(change: Any) -> str:
    data = example()
    change(data)
    with pytest.raises(ProfileError) as caught:
        parse_charger_profile(data, "mine.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["values"].pop("power"), "mine.yaml: values.power: required key"),
        (
            lambda d: d["values"].update(power="nope"),
            "values.power: no register named 'nope'",
        ),
        (
            lambda d: d["registers"]["power"].update(unit="A"),
            "registers.power.unit: power needs one of ['W', 'kW']",
        ),
        (
            lambda d: d["values"]["state"]["map"].update({6: "flying"}),
            "values.state.map.6: value must be one of",
        ),
        (
            lambda d: d["values"]["soc"].update(valid="sometimes"),
            "values.soc.valid: value must be one of",
        ),
        (
            lambda d: d["values"]["soc"].update(register="serial"),
            "registers.serial.type: register must be a number, not a string",
        ),
        (
            lambda d: d["limits"].update(min_charge_kw=12.0),
            "limits.min_charge_kw: is above max_charge_kw",
        ),
        (
            lambda d: d["limits"].update(max_discharge="fault_code"),
            "registers.fault_code.unit: max_discharge needs",
        ),
        (
            lambda d: d["control"]["setpoint"].update(register="serial"),
            "control.setpoint.register: 'serial' is string",
        ),
        (
            lambda d: d["control"]["setpoint"].update(register="fault_code"),
            "registers.fault_code.unit: setpoint needs",
        ),
        (
            lambda d: d["control"]["setpoint"].update(sign="upside_down"),
            "control.setpoint.sign: value must be one of",
        ),
        (
            lambda d: d["control"]["failsafe"].update(seconds=0),
            "control.failsafe.seconds: value must be at least 1",
        ),
        (
            lambda d: d["control"]["failsafe"].update(register="serial"),
            "control.failsafe.register: 'serial' is string",
        ),
        (
            lambda d: d["control"]["stop"][0].update(register="gone"),
            "control.stop.0.register: no register named 'gone'",
        ),
        (lambda d: d.update(connector="scart"), "connector: value must be one of"),
        (
            lambda d: d["identity"].update(serial="missing"),
            "identity.serial: no register",
        ),
        (
            lambda d: d["registers"]["status"].update(count=2),
            "registers.status.count: only strings take a count",
        ),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
    ],
)
def test_errors_name_the_field(change: Any, message: str) -> None:
    assert message in broken(change)


def test_files_and_folders(tmp_path: Path) -> None:
    """JSON works too; a broken file or a taken id is skipped, the rest stays available."""
    (tmp_path / "a.json").write_text(json.dumps(example()), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "c.yaml").write_text("id: [", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    assert list(available_charger_profiles(tmp_path)) == ["example_v2g_charger"]
    assert load_charger_profile(tmp_path / "a.json").id == "example_v2g_charger"
    with pytest.raises(ProfileError, match="c.yaml: cannot be read"):
        load_charger_profile(tmp_path / "c.yaml")
    assert available_charger_profiles(tmp_path / "missing") == {}
