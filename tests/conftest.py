"""Shared fixtures; imports custom_components first so HA finds our integration."""

from __future__ import annotations

import pytest

import custom_components.v2g_home  # noqa: F401  # must be importable before HA scans


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/ in every test."""
