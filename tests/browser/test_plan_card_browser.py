"""The plan card in real headless Chromium on the demo's dashboard: drawn, live, explained, in en and da."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from selenium.webdriver.common.action_chains import ActionChains

from .plugin import card_of, read_card, wait_for

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from .plugin import Demo

NEXT_ACTION = "sensor.demo_home_next_action"
ENERGY_SOLD = "sensor.demo_home_energy_sold"
TODAY = "sensor.demo_home_expected_export_revenue_today"
RESERVE = "number.demo_home_reserve_state_of_charge"
SCHEDULING = "switch.demo_home_scheduling"
CLOCK = re.compile(r"\b\d{2}:\d{2}\b")


def _plan(demo: Demo) -> dict[str, Any]:
    return dict(demo.state(NEXT_ACTION)["attributes"]["plan"])


def test_an_export_window_shows_within_a_minute(
    dashboard: WebDriver, demo: Demo, ready_at: float
) -> None:
    """The demo's evening peak is now: the card draws the plan with an export window, every series there."""
    card = card_of(dashboard)

    def exporting() -> dict[str, Any] | None:
        shown = read_card(dashboard, card)
        exports = dashboard.execute_script(  # type: ignore[no-untyped-call]
            "return arguments[0].shadowRoot.querySelectorAll('[data-block=\"export\"]').length",
            card,
        )
        return shown if shown["status"] == "ok" and exports else None

    shown = wait_for(exporting, 60, "no export window on the card")
    after_s = time.time() - ready_at
    print(f"export window on the card {after_s:.0f} s after the demo was ready")  # noqa: T201 (a measurement)
    assert after_s <= 60
    devices = len(_plan(demo)["devices"])
    assert devices == 2  # the Leaf through its charger, and the pack
    assert sorted(shown["series"]) == sorted(
        ["buy", "sell", *(f"{kind}-{i}" for kind in ("power", "soc") for i in range(2))]
    )
    assert {"now", "reserve", "departure"} <= set(shown["annotations"])
    assert shown["next"].startswith("Export ")
    assert set(shown["figures"]) == {"today", "tomorrow", "profit"}
    # A Danish home's profile: 24-hour clock times, whatever the browser's own locale says.
    times = [t for t in [shown["next"], *shown["ticks"]] if CLOCK.search(t)]
    assert times
    assert not [t for t in times if re.search(r"\b(AM|PM|am|pm)\b", t)]


def test_energy_sold_rises_during_the_export(demo: Demo) -> None:
    """While the plan exports, the site's Energy sold goes up."""
    assert demo.state(NEXT_ACTION)["attributes"]["current"] == "export"
    before = float(demo.state(ENERGY_SOLD)["state"])
    sold = wait_for(
        lambda: (value := float(demo.state(ENERGY_SOLD)["state"])) > before and value,
        60,
        "Energy sold did not rise",
    )
    assert sold > before


def test_the_card_and_the_sensor_agree_on_today(
    dashboard: WebDriver, demo: Demo
) -> None:
    """While energy is sold between plans, the card's today figure is the sensor's, not the plan's of before."""
    card = card_of(dashboard)

    def agree() -> str | None:
        today = round(float(demo.state(TODAY)["state"]), 2)
        shown = read_card(dashboard, card)["figures"].get("today", "")
        number = re.search(r"\d+[.,]\d{2}", shown)
        same = number and float(number.group().replace(",", ".")) == today
        return shown if same else None

    wait_for(agree, 30, "the card's today figure is not the sensor's")


def test_the_card_follows_a_new_plan(dashboard: WebDriver, demo: Demo) -> None:
    """A new reserve makes a new plan: the card redraws with it, without a reload."""
    card = card_of(dashboard)
    before = read_card(dashboard, card)
    assert before["reserve"].endswith("20 %")
    demo.call("number", "set_value", {"entity_id": RESERVE, "value": 30})
    try:
        after = wait_for(
            lambda: (
                shown
                if (shown := read_card(dashboard, card))["plannedAt"]
                != before["plannedAt"]
                and shown["reserve"].endswith("30 %")
                else None
            ),
            30,
            "the card did not redraw with the new plan",
        )
        assert after["status"] == "ok"
    finally:
        demo.call("number", "set_value", {"entity_id": RESERVE, "value": 20})


def test_pointing_at_a_block_tells_its_reason(dashboard: WebDriver) -> None:
    """Hovering (or tapping) an export window shows its time, power, energy, money and reason."""
    card = card_of(dashboard)
    hover, dx = dashboard.execute_script(  # type: ignore[no-untyped-call]
        """
        const root = arguments[0].shadowRoot;
        const block = root.querySelector('[data-block="export"]').getBoundingClientRect();
        const hover = root.querySelector('[data-role="hover"]');
        const area = hover.getBoundingClientRect();
        return [hover, Math.round(block.left + block.width / 2 - (area.left + area.width / 2))];
        """,
        card,
    )
    ActionChains(dashboard).move_to_element_with_offset(hover, dx, 0).perform()
    tip = wait_for(
        lambda: dashboard.execute_script(  # type: ignore[no-untyped-call]
            "const tip = arguments[0].shadowRoot.querySelector('.tip');"
            "return tip.hidden ? null : tip.textContent",
            card,
        ),
        10,
        "no tooltip",
    )
    assert "Export at the peak price" in tip
    assert "kWh" in tip
    assert "DKK" in tip


def test_scheduling_off_says_so_instead_of_a_blank_chart(
    dashboard: WebDriver, demo: Demo
) -> None:
    """Turning scheduling off: the card says why there is no plan; on again, the chart is back."""
    card = card_of(dashboard)
    demo.call("switch", "turn_off", {"entity_id": SCHEDULING})
    try:
        off = wait_for(
            lambda: (
                s if (s := read_card(dashboard, card))["status"] == "disabled" else None
            ),
            30,
            "the card did not say scheduling is off",
        )
        assert off["message"].startswith("Scheduling is off")
        assert not off["series"]
    finally:
        demo.call("switch", "turn_on", {"entity_id": SCHEDULING})
    wait_for(
        lambda: read_card(dashboard, card)["series"], 30, "the chart did not come back"
    )
