"""Blueprints: Home Assistant loads each one, they call real V2G Home actions, and they do what they promise."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import SupportsResponse
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.v2g_home.services import (
    FORCE_CHARGE_SCHEMA,
    SET_DEPARTURE_SCHEMA,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant, ServiceCall

ROOT = Path(__file__).parents[2]
BLUEPRINTS = ROOT / "blueprints" / "automation" / "v2g_home"
SERVICES_YAML = ROOT / "custom_components" / "v2g_home" / "services.yaml"
DOCS = ROOT / "docs" / "blueprints.md"
FILES = sorted(BLUEPRINTS.glob("*.yaml"))
IMPORT_LINK = "https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url="
RAW_FILES = "https://raw.githubusercontent.com/v2g-home/v2g-home/main/blueprints/automation/v2g_home/"
RAW_BASE = (
    "https://github.com/v2g-home/v2g-home/blob/main/blueprints/automation/v2g_home/"
)
# Inputs that read the user's own devices (phone, calendar, helpers) rather than V2G Home entities.
FOREIGN_INPUTS = {"next_alarm", "calendar", "conditions"}
TZ = "Europe/Copenhagen"


def _load(path: Path) -> Blueprint:
    return Blueprint(
        load_yaml_dict(path),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def _v2g_actions(node: Any) -> Iterator[dict[str, Any]]:
    """Every step anywhere in a blueprint that calls a v2g_home action."""
    if isinstance(node, dict):
        if str(node.get("action", "")).startswith("v2g_home."):
            yield node
        for value in node.values():
            yield from _v2g_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _v2g_actions(item)


def test_at_least_four_blueprints() -> None:
    """The issue asks for four homeowner blueprints at least."""
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_docs_link_every_blueprint(path: Path) -> None:
    """docs/blueprints.md has a working My Home Assistant import link for each file."""
    assert IMPORT_LINK + quote(RAW_FILES + path.name, safe="") in DOCS.read_text()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_blueprint_schema_and_selectors(path: Path) -> None:
    """Home Assistant accepts the blueprint; V2G Home entities are picked with selectors filtered on the integration."""
    blueprint = _load(path)
    assert blueprint.domain == "automation"
    assert blueprint.metadata["source_url"] == RAW_BASE + path.name
    assert blueprint.inputs, "a blueprint without inputs is just an automation"
    for name, spec in blueprint.inputs.items():
        assert spec.get("name"), f"{name} has no name"
        selector = spec["selector"]
        if "entity" in selector and name not in FOREIGN_INPUTS:
            filters = selector["entity"]["filter"]
            assert all(f.get("integration") == "v2g_home" for f in filters), name


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_actions_exist_in_services_yaml(path: Path) -> None:
    """Each V2G Home action a blueprint calls is declared, with only declared fields."""
    services = load_yaml(SERVICES_YAML)
    assert isinstance(services, dict)
    for step in _v2g_actions(load_yaml(path)):
        service = step["action"].removeprefix("v2g_home.")
        assert service in services, f"{path.name}: unknown action {service}"
        fields = set(services[service].get("fields") or {})
        assert set(step.get("data", {})) <= fields, f"{path.name}: {service}"


@pytest.fixture
async def blueprint_hass(
    hass: HomeAssistant, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> AsyncIterator[HomeAssistant]:
    """Home Assistant in Copenhagen with our blueprints in its config folder, on 14 January 2026, 06:00."""
    await hass.config.async_set_time_zone(TZ)
    freezer.move_to(datetime(2026, 1, 14, 6, 0, tzinfo=dt_util.get_default_time_zone()))
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "v2g_home")
    yield hass
    # Turning the automations off detaches their time triggers (no lingering timers).
    await hass.services.async_call(
        "automation", "turn_off", {"entity_id": "all"}, blocking=True
    )


async def _automation(hass: HomeAssistant, name: str, **inputs: Any) -> None:
    config = {"use_blueprint": {"path": f"v2g_home/{name}.yaml", "input": inputs}}
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()
    (automation,) = hass.states.async_all("automation")
    assert automation.state == "on", automation.attributes


async def _at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime
) -> None:
    freezer.move_to(when)
    async_fire_time_changed(hass, when)
    await hass.async_block_till_done()


def _local(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=dt_util.get_default_time_zone())


async def test_revenue_summary_default_and_quiet_day(
    blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without a profit sensor the default notification goes out; quiet days can be skipped."""
    hass = blueprint_hass
    created = async_mock_service(hass, "persistent_notification", "create")
    hass.states.async_set("sensor.sold_today", "0", {"unit_of_measurement": "kWh"})
    hass.states.async_set("sensor.revenue_today", "0", {"unit_of_measurement": "DKK"})
    await _automation(
        hass,
        "daily_revenue_summary",
        energy_sold_today="sensor.sold_today",
        revenue_today="sensor.revenue_today",
        skip_quiet_days=True,
    )
    await _at(hass, freezer, _local(22, 0))
    assert not created
    hass.states.async_set("sensor.sold_today", "3.0", {"unit_of_measurement": "kWh"})
    hass.states.async_set("sensor.revenue_today", "4.5", {"unit_of_measurement": "DKK"})
    await _at(hass, freezer, _local(22, 0, day=15))
    assert len(created) == 1
    assert "Net profit" not in created[0].data["message"]


def _departure(call: ServiceCall) -> datetime:
    when: datetime = call.data["datetime"]
    return when


async def test_departure_follows_next_alarm(blueprint_hass: HomeAssistant) -> None:
    """A new alarm moves the departure to alarm + leave-after; alarms beyond the look-ahead are ignored."""
    hass = blueprint_hass
    calls = async_mock_service(
        hass, "v2g_home", "set_departure", schema=SET_DEPARTURE_SCHEMA
    )
    hass.states.async_set("sensor.phone_next_alarm", "unavailable")
    await _automation(
        hass,
        "departure_from_next_alarm",
        next_alarm="sensor.phone_next_alarm",
        car="leaf-device-id",
        leave_after={"hours": 0, "minutes": 45, "seconds": 0},
        target_soc=90,
    )
    alarm = _local(5, 45, day=15)
    hass.states.async_set(
        "sensor.phone_next_alarm", alarm.astimezone(dt_util.UTC).isoformat()
    )
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert _departure(calls[0]) == alarm + timedelta(minutes=45)
    assert calls[0].data["device_id"] == "leaf-device-id"
    assert calls[0].data["target_soc"] == 90
    far = _local(6, 15, day=18)
    hass.states.async_set("sensor.phone_next_alarm", far.isoformat())
    await hass.async_block_till_done()
    assert len(calls) == 1


async def test_departure_from_calendar_event(
    blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The first timed event matching the keyword sets the departure the travel time before it."""
    hass = blueprint_hass
    meeting = _local(9, 0, day=15)
    events = [
        {"summary": "Birthday", "start": "2026-01-15", "end": "2026-01-16"},
        {"summary": "Dentist", "start": _local(8, 0, day=15).isoformat(), "end": "x"},
        {"summary": "Office day", "start": meeting.isoformat(), "end": "x"},
    ]
    async_mock_service(
        hass,
        "calendar",
        "get_events",
        response={"calendar.work": {"events": events}},
        supports_response=SupportsResponse.ONLY,
    )
    calls = async_mock_service(
        hass, "v2g_home", "set_departure", schema=SET_DEPARTURE_SCHEMA
    )
    await _automation(
        hass,
        "departure_from_calendar",
        calendar="calendar.work",
        keyword="office",
        travel_time={"hours": 0, "minutes": 40, "seconds": 0},
        check_at="20:00:00",
    )
    await _at(hass, freezer, _local(20, 0))
    assert len(calls) == 1
    assert _departure(calls[0]) == meeting - timedelta(minutes=40)
    assert not calls[0].data["device_id"], "no car chosen: the site's car"
    assert calls[0].data["target_soc"] == 80


async def test_pause_export_restores_previous_settings(
    blueprint_hass: HomeAssistant,
) -> None:
    """Export is paused while any condition is on and put back as it was once all are off."""
    hass = blueprint_hass
    assert await async_setup_component(hass, "scene", {})
    turned_off = async_mock_service(hass, "switch", "turn_off")
    turned_on = async_mock_service(hass, "switch", "turn_on")
    selected = async_mock_service(hass, "select", "select_option")
    hass.states.async_set("input_boolean.keep_full", "off")
    hass.states.async_set("binary_sensor.storm", "off")
    hass.states.async_set("switch.home_export_allowed", "on")
    hass.states.async_set(
        "select.leaf_mode", "auto", {"options": ["auto", "hold", "off"]}
    )
    await _automation(
        hass,
        "pause_export_while",
        conditions=["input_boolean.keep_full", "binary_sensor.storm"],
        export_switches=["switch.home_export_allowed"],
        mode_selects=["select.leaf_mode"],
    )
    hass.states.async_set("binary_sensor.storm", "on")
    await hass.async_block_till_done()
    assert [c.data["entity_id"] for c in turned_off] == [["switch.home_export_allowed"]]
    assert [c.data["option"] for c in selected] == ["hold"]
    # What the mocked entities would now show.
    hass.states.async_set("switch.home_export_allowed", "off")
    hass.states.async_set(
        "select.leaf_mode", "hold", {"options": ["auto", "hold", "off"]}
    )
    hass.states.async_set("input_boolean.keep_full", "on")
    await hass.async_block_till_done()
    hass.states.async_set("binary_sensor.storm", "off")
    await hass.async_block_till_done()
    assert len(turned_off) == 1, "already paused: no second snapshot"
    assert not turned_on, "still paused while the car must be kept full"
    hass.states.async_set("input_boolean.keep_full", "off")
    await hass.async_block_till_done()
    assert [c.data["entity_id"] for c in turned_on] == ["switch.home_export_allowed"]
    assert [c.data["option"] for c in selected] == ["hold", "auto"]
    assert not hass.states.async_entity_ids("scene")


async def test_boost_charge_before_trip(
    blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Below the minimum between check time and trip, the car is charged to the target until the trip."""
    hass = blueprint_hass
    calls = async_mock_service(
        hass, "v2g_home", "force_charge", schema=FORCE_CHARGE_SCHEMA
    )
    hass.states.async_set("sensor.leaf_soc", "60", {"unit_of_measurement": "%"})
    await _automation(
        hass,
        "boost_charge_before_trip",
        car="leaf-device-id",
        car_soc="sensor.leaf_soc",
        minimum_soc=50,
        target_soc=85,
        power_kw=6.0,
        check_from="05:00:00",
        trip_at="07:30:00",
    )
    hass.states.async_set("sensor.leaf_soc", "45", {"unit_of_measurement": "%"})
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert calls[0].data["device_id"] == "leaf-device-id"
    assert calls[0].data["power_kw"] == 6.0
    assert calls[0].data["target_soc"] == 85
    assert calls[0].data["duration"] == timedelta(
        minutes=90
    )  # 06:00 until the 07:30 trip
    await _at(hass, freezer, _local(10, 0))
    hass.states.async_set("sensor.leaf_soc", "60", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.leaf_soc", "40", {"unit_of_measurement": "%"})
    await hass.async_block_till_done()
    assert len(calls) == 1, "after the trip nothing is forced"
    await _at(hass, freezer, _local(5, 0, day=15))
    assert len(calls) == 2
    assert calls[1].data["duration"] == timedelta(minutes=150)
