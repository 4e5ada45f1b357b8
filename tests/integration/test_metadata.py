"""The files Home Assistant and HACS read beside the code: manifest, quality scale, icons."""

from __future__ import annotations

import json
from pathlib import Path

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
