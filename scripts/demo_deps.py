"""Print what the demo installs beside Home Assistant's test environment: the frontend, and more.

The requirements of the integrations Home Assistant sets up by default that the test environment lacks: HA 2026's
dashboard waits for every action description, and reading those imports these integrations.
"""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant import components

# Set up on every start from HA 2026 on (base platforms and what they pull in); not needed by the tests.
DEFAULT_EXTRAS = (
    "frontend",
    "conversation",
    "camera",
    "ffmpeg",
    "tts",
    "assist_pipeline",
    "infrared",
    "radio_frequency",
)


def requirements() -> list[str]:
    """Pinned requirements of the integrations above that exist in this Home Assistant."""
    found: list[str] = []
    for name in DEFAULT_EXTRAS:
        manifest = Path(components.__path__[0]) / name / "manifest.json"
        if manifest.is_file():
            found += json.loads(manifest.read_text(encoding="utf-8")).get(
                "requirements", []
            )
    return sorted(set(found))


if __name__ == "__main__":
    print(" ".join(requirements()))
