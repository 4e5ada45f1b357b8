"""The files Home Assistant and HACS read beside the code: manifest, quality scale, icons."""

from __future__ import annotations

import json
from pathlib import Path
import re
import struct

import yaml

PACKAGE = Path(__file__).parent.parent.parent / "custom_components" / "v2g_home"
QUALITY_RULES = 52  # bronze 18, silver 10, gold 21, platinum 3 (Home Assistant 2025.4)


def test_manifest_keys_in_hassfest_order() -> None:
    """Domain and name first, the rest alphabetical; a local-polling hub with a config flow."""
    manifest = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] == "local_polling"
    assert manifest["integration_type"] == "hub"


def test_quality_scale_is_complete_and_explained() -> None:
    """Every rule has a status; whatever is not done says why."""
    rules = yaml.safe_load(
        (PACKAGE / "quality_scale.yaml").read_text(encoding="utf-8")
    )["rules"]
    assert len(rules) == QUALITY_RULES
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in {"done", "todo", "exempt"}, name
        if status != "done":
            assert isinstance(rule, dict), name
            assert rule.get("comment"), name


def test_icons_belong_to_translated_entities() -> None:
    """Each icon is keyed by a translation key that exists, and state icons by real states."""
    icons = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))["entity"]
    strings = json.loads(
        (PACKAGE / "translations" / "en.json").read_text(encoding="utf-8")
    )
    for platform, entries in icons.items():
        for key, icon in entries.items():
            translated = strings["entity"][platform][key]
            assert icon["default"].startswith("mdi:")
            if platform != "binary_sensor":
                assert set(icon.get("state", {})) <= set(translated.get("state", {})), (
                    key
                )


def _keys(tree: object, path: str = "") -> set[str]:
    """Every key path in a translations tree."""
    if not isinstance(tree, dict):
        return set()
    return {
        found
        for key, value in tree.items()
        for found in {f"{path}/{key}", *_keys(value, f"{path}/{key}")}
    }


def test_translation_keys_are_lower_case_and_match() -> None:
    """Hassfest refuses upper-case keys (selector options such as DK1 included); en and da carry the same keys."""
    english, danish = (
        json.loads((PACKAGE / "translations" / f"{lang}.json").read_text("utf-8"))
        for lang in ("en", "da")
    )
    keys = _keys(english)
    assert keys
    assert not {key for key in keys if not re.fullmatch(r"(/[a-z0-9_-]+)+", key)}
    assert keys == _keys(danish)


def test_brand_icon_is_a_square_png() -> None:
    """Home Assistant (2026.3 and later) shows brand/icon.png for a custom integration."""
    data = (PACKAGE / "brand" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == height == 256
