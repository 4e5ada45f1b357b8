"""Recorded replies and entity attributes from tests/fixtures/prices (tests/fixtures/prices/README.md names them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "fixtures" / "prices"


def load_fixture(name: str) -> Any:
    """Return a JSON fixture from tests/fixtures/prices."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
