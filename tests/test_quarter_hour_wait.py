"""The wait before a Home Assistant test: clear of the next quarter hour, and outside the test's timeout."""

from __future__ import annotations

import pytest

from tests import home_assistant
from tests.home_assistant import QUARTER_HOUR_MARGIN_S, seconds_to_wait

QUARTER = 1_796_000_400.0  # a Unix time on a quarter hour


@pytest.mark.parametrize(
    ("now", "wait"),
    [
        (QUARTER, 0.0),  # 900 s to go
        (QUARTER + 900 - QUARTER_HOUR_MARGIN_S, 0.0),  # exactly the margin left
        (QUARTER + 900 - QUARTER_HOUR_MARGIN_S + 0.5, QUARTER_HOUR_MARGIN_S + 0.5),
        (QUARTER + 899.0, 2.0),  # past the quarter hour, and one second more
    ],
)
def test_waits_only_inside_the_margin(now: float, wait: float) -> None:
    """Inside the margin the wait runs to a second past the quarter hour; outside it there is none."""
    assert seconds_to_wait(now) == pytest.approx(wait)


def test_the_wait_runs_before_the_timeout_starts(pytestconfig: pytest.Config) -> None:
    """Up to 100 s of waiting must not count against a 120 s timeout: our hook wraps pytest-timeout's."""
    impls = pytestconfig.pluginmanager.hook.pytest_runtest_protocol.get_hookimpls()
    plugins = [impl.plugin for impl in impls]
    timeout = pytestconfig.pluginmanager.get_plugin("timeout")
    assert timeout in plugins
    # pluggy calls the last implementation first, so the outermost wrapper is the later one.
    assert plugins.index(home_assistant) > plugins.index(timeout)
