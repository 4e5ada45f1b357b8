"""The translation fragments for the lead cover every key the price code uses, in English and Danish."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.v2g_home.flows.prices import (
    PRESET_IDS,
    price_source_schema,
    tariff_schema,
)
from custom_components.v2g_home.pricing.entities import (
    PRICE_SENSORS,
    TOMORROW_KNOWN_SENSOR,
)

DOCS = Path(__file__).parent.parent.parent / "docs" / "dev"
ERRORS = (
    "invalid_price_area",
    "invalid_currency",
    "price_entity_required",
    "price_entity_not_found",
    "unknown_price_format",
    "unknown_tariff_preset",
    "invalid_tou_table",
)


@pytest.mark.parametrize("language", ["en", "da"])
def test_fragment_covers_every_key(language: str) -> None:
    """Fields, errors, selector options, entity names and issues all have text."""
    strings: dict[str, Any] = json.loads(
        (DOCS / f"translations-prices.{language}.json").read_text(encoding="utf-8")
    )
    steps = strings["config"]["step"]
    assert {str(k) for k in price_source_schema({}).schema} <= steps["prices"][
        "data"
    ].keys()
    assert {str(k) for k in tariff_schema({}).schema} <= steps["tariffs"]["data"].keys()
    assert set(ERRORS) <= strings["config"]["error"].keys()
    assert set(PRESET_IDS) == strings["selector"]["tariff_preset"]["options"].keys()
    assert {"energidataservice", "entity"} == strings["selector"]["price_source"][
        "options"
    ].keys()
    sensor_keys = {d.translation_key for d in PRICE_SENSORS}
    assert sensor_keys == strings["entity"]["sensor"].keys()
    assert {TOMORROW_KNOWN_SENSOR.translation_key} == strings["entity"][
        "binary_sensor"
    ].keys()
    assert "{source}" in strings["issues"]["no_prices"]["description"]
    assert "{preset}" in strings["issues"]["tariff_outdated"]["description"]


def _leaves(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for child in node.values() for text in _leaves(child)]
    return [node]


@pytest.mark.parametrize("language", ["en", "da"])
def test_only_known_placeholders_use_braces(language: str) -> None:
    """Home Assistant reads braces as placeholders; only the issue placeholders may use them."""
    strings = json.loads(
        (DOCS / f"translations-prices.{language}.json").read_text(encoding="utf-8")
    )
    for text in _leaves(strings):
        assert set(re.findall(r"\{([^}]*)\}", text)) <= {
            "source",
            "error",
            "preset",
            "valid_to",
        }, text
        assert (
            text.count("{") == text.count("}") == len(re.findall(r"\{[^}]*\}", text))
        ), text
