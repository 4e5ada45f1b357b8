"""Shared fixtures; imports custom_components first so HA finds our integration."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

import custom_components.v2g_home  # noqa: F401  # must be importable before HA scans

if TYPE_CHECKING:
    from collections.abc import Iterator

# The simulator on loopback, and Home Assistant with a site (opted into by the folders that need it).
pytest_plugins = ["tests.simulated_hardware", "tests.home_assistant"]
# The plan card in Chromium needs a running demo: scripts/test-card runs that folder on its own.
collect_ignore = ["browser"]

# What Home Assistant's frame helper and its deprecation helpers log about an integration's calls.
_REPORT_MARKERS = (
    "deprecat",
    "will stop working",
    "detected that custom integration",
    "detected blocking call",
)


class _UsageReports(logging.Handler):
    """Collects Home Assistant's reports about v2g_home's own calls."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lower()
        if "v2g_home" in text and any(marker in text for marker in _REPORT_MARKERS):
            self.reports.append(record.getMessage())


@pytest.fixture(autouse=True)
def fail_on_usage_reports() -> Iterator[None]:
    """A deprecated or blocking call that Home Assistant reports about v2g_home fails the test."""
    reports = _UsageReports()
    logging.getLogger().addHandler(reports)
    yield
    logging.getLogger().removeHandler(reports)
    if reports.reports:
        pytest.fail("Home Assistant reported v2g_home:\n" + "\n".join(reports.reports))
