"""Every test here runs in Home Assistant against the simulator, with the recorded price API.

The ledger's daily, monthly and per-device amounts start disabled; these tests read them, so all are enabled
(what starts disabled is checked in tests/integration/test_entity_diet.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def home_assistant(
    ha_harness: None, prices_api: None, entity_registry_enabled_by_default: None
) -> None:
    """Home Assistant with the recorder and loopback sockets (tests/home_assistant.py)."""
