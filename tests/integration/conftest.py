"""Every test here runs in Home Assistant against the simulator, with the recorded price API."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def home_assistant(ha_harness: None, prices_api: None) -> None:
    """Home Assistant with the recorder and loopback sockets (tests/home_assistant.py)."""
