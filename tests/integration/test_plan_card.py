"""The plan card ships with the integration: served from its folder, added to the frontend, in en and da."""

from __future__ import annotations

import json
from pathlib import Path
import re
import shutil
from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, Mock

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL, UrlManager

from custom_components.v2g_home.scheduling import plan_card
from custom_components.v2g_home.scheduling.plan_card import (
    CARD_DIR,
    CARD_MODULE,
    async_register_card,
    card_version,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest

IMPORT = re.compile(r'(?:from|import) "\./([\w.-]+)"')


def _strings() -> dict[str, dict[str, str]]:
    """The card's STRINGS object (strict JSON between the export and the closing brace)."""
    text = (CARD_DIR / "v2g-plan-strings.js").read_text(encoding="utf-8")
    start = text.index("export const STRINGS = ") + len("export const STRINGS = ")
    end = text.index("\n};", start) + 2
    strings: dict[str, dict[str, str]] = json.loads(text[start:end])
    return strings


async def test_the_card_is_served_and_added_to_the_frontend(
    hass: HomeAssistant,
) -> None:
    """With a web server and a frontend: the folder under a versioned URL, the module as an extra module."""
    hass.http = Mock(async_register_static_paths=AsyncMock())
    hass.config.components.add("frontend")
    hass.data[DATA_EXTRA_MODULE_URL] = UrlManager(lambda *_: None, [])
    url = await async_register_card(hass)
    assert url == f"/v2g_home/card/{card_version()}"
    (configs,), _ = hass.http.async_register_static_paths.call_args
    (config,) = configs
    assert (config.url_path, Path(config.path)) == (url, CARD_DIR)
    assert config.cache_headers is True
    assert hass.data[DATA_EXTRA_MODULE_URL].urls == {f"{url}/{CARD_MODULE}"}


async def test_without_a_frontend_nothing_is_registered(hass: HomeAssistant) -> None:
    """A headless Home Assistant (or a test) has no web server: the card is skipped, nothing fails."""
    assert hass.http is None
    assert await async_register_card(hass) is None


def test_every_module_the_card_imports_is_shipped() -> None:
    """Relative imports only, each to a file in the card's folder; nothing from a package registry."""
    modules = {
        path.name: path.read_text(encoding="utf-8") for path in CARD_DIR.glob("*.js")
    }
    assert CARD_MODULE in modules
    for name, text in modules.items():
        assert not re.search(r'from "(?!\./)', text), name
        assert set(IMPORT.findall(text)) <= modules.keys(), name
        assert len(text.splitlines()) <= 300, name


def test_a_changed_card_gets_a_new_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL carries a digest of the files, so a browser never keeps an old card after an update."""
    copy = tmp_path / "frontend"
    shutil.copytree(CARD_DIR, copy)
    monkeypatch.setattr(plan_card, "CARD_DIR", copy)
    before = card_version()
    (copy / CARD_MODULE).write_text("// changed\n", encoding="utf-8")
    assert card_version() != before


def test_the_card_speaks_english_and_danish() -> None:
    """Same keys and placeholders in both; the Danish really translated."""
    strings = _strings()
    english, danish = strings["en"], strings["da"]
    assert english.keys() == danish.keys()
    for key, text in english.items():
        placeholders: Any = set(re.findall(r"{(\w+)}", text))
        assert placeholders == set(re.findall(r"{(\w+)}", danish[key])), key
    # Product names are the integration's own, in both languages (FCR-N (DK2) is FCR-N (DK2) in Danish too).
    for language, words in strings.items():
        translations = json.loads(
            (CARD_DIR.parent / "translations" / f"{language}.json").read_text(
                encoding="utf-8"
            )
        )
        products = translations["selector"]["reserve_products"]["options"]
        assert {
            k.removeprefix("product_"): v
            for k, v in words.items()
            if k.startswith("product_")
        } == products
    copied = [
        k
        for k, text in english.items()
        if text == danish[k] and len(text) > 8 and not k.startswith("product_")
    ]
    assert not copied
    statuses = {"no_prices", "disabled", "manual", "car_away", "no_plan"}
    assert {f"status_{status}" for status in statuses} <= english.keys()
