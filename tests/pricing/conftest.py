"""Every test here runs in Home Assistant; each test mocks the price API itself."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def home_assistant(ha_harness: None) -> None:
    """Home Assistant with the recorder and loopback sockets (tests/home_assistant.py)."""
