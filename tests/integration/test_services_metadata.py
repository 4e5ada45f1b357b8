"""services.yaml, the action schemas, the translations and the icons describe the same actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.selector import validate_selector
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import load_yaml_dict
import voluptuous as vol

from custom_components.v2g_home import services
from custom_components.v2g_home.grid import (
    actions as response_actions,
    aggregator_actions,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PACKAGE = Path(services.__file__).parent
ACTIONS = {
    "force_export": services.FORCE_EXPORT_SCHEMA,
    "force_charge": services.FORCE_CHARGE_SCHEMA,
    "set_departure": services.SET_DEPARTURE_SCHEMA,
    "get_plan": services.GET_PLAN_SCHEMA,
    "set_reserved_power": response_actions.SET_RESERVED_POWER_SCHEMA,
    "export_frequency_log": response_actions.EXPORT_FREQUENCY_LOG_SCHEMA,
    "commit_reserve": aggregator_actions.COMMIT_RESERVE_SCHEMA,
    "dispatch": aggregator_actions.DISPATCH_SCHEMA,
}


def described() -> dict[str, Any]:
    """services.yaml as a dict."""
    return load_yaml_dict(str(PACKAGE / "services.yaml"))


def test_every_action_field_has_a_valid_selector_and_matches_its_schema() -> None:
    """The UI shows exactly the fields the action accepts, each with a selector HA knows."""
    yaml = described()
    assert set(yaml) == set(ACTIONS)
    for action, schema in ACTIONS.items():
        fields = yaml[action]["fields"]
        assert set(fields) == {str(key) for key in schema.schema}, action
        required = {str(key) for key in schema.schema if isinstance(key, vol.Required)}
        assert {
            name for name, field in fields.items() if field.get("required")
        } == required
        for field in fields.values():
            validate_selector(field["selector"])


@pytest.mark.parametrize("language", ["en", "da"])
def test_actions_and_fields_are_translated(language: str) -> None:
    """Every action and field has a name and a description in English and Danish."""
    strings = json.loads(
        (PACKAGE / "translations" / f"{language}.json").read_text(encoding="utf-8")
    )["services"]
    for action, description in described().items():
        assert strings[action]["name"]
        assert strings[action]["description"]
        for field in description["fields"]:
            assert strings[action]["fields"][field]["name"], (action, field)
            assert strings[action]["fields"][field]["description"], (action, field)


def test_every_action_has_an_icon() -> None:
    """The action picker shows an icon for each action."""
    icons = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
    assert set(icons["services"]) == set(ACTIONS)


async def test_home_assistant_loads_the_descriptions(hass: HomeAssistant) -> None:
    """Home Assistant parses services.yaml and lists every action with its fields."""
    assert await async_setup_component(hass, "v2g_home", {})
    descriptions = (await async_get_all_descriptions(hass))["v2g_home"]
    assert set(descriptions) == set(ACTIONS)
    assert "target_soc" in descriptions["set_departure"]["fields"]
