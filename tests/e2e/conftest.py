"""Every test here runs in Home Assistant against the simulator, with the recorded price API.

Whole days are checked against the ledger's every amount, so the amounts that start disabled are enabled here.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def home_assistant(
    ha_harness: None, prices_api: None, entity_registry_enabled_by_default: None
) -> None:
    """Home Assistant with the recorder and loopback sockets (tests/home_assistant.py)."""
