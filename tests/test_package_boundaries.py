"""The pure packages must never import Home Assistant."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent / "custom_components" / "v2g_home"
PURE_PACKAGES = ("planner", "devices", "prices", "control")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # A relative import that climbs out of the pure package reaches the HA glue.
            depth = len(path.relative_to(ROOT).parts) - 1
            if node.level > depth:
                names.add("custom_components.v2g_home." + (node.module or ""))
    return names


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_never_imports_homeassistant(package: str) -> None:
    """planner/, devices/, prices/ and control/ stay free of homeassistant and of the HA glue."""
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imported_modules(path)
        if name == "homeassistant"
        or name.startswith("homeassistant.")
        or (
            name.startswith("custom_components.v2g_home.")
            and name.split(".")[2] not in PURE_PACKAGES
        )
    }
    assert not offenders, offenders


def test_boundary_check_catches_an_import(tmp_path: Path) -> None:
    """The checker itself flags an import of homeassistant (so the test above can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from homeassistant.core import HomeAssistant\nimport homeassistant\n"
    )
    assert _imported_modules(bad) == {"homeassistant.core", "homeassistant"}
