"""A plan that holds reserves, on the card in Chromium: hatched strips, the income apart, product names in en and da.

The demo has no reserve prices (it runs without the internet), so the plan here is the planner's own on DK2's
spring DST day with its recorded FCR-N/FCR-D prices (tests/fixtures/reserves), turned into the card's attribute
by the integration's card_view, and shown by the real card under a stand-in hass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from selenium.webdriver.common.action_chains import ActionChains

from tests.helpers.card_reserves import reserve_day_card, reserve_day_plan

from .plugin import card_of, wait_for
from .test_plan_card_offline import DANISH, _hass

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

# The card on the page (it stays until the test removes it), and what it draws of the reserves.
MOUNT = """
const [config, hass] = arguments;
const element = document.createElement("v2g-plan-card");
element.id = "reserve-test";
// Above Home Assistant's own page, so the pointer reaches it.
Object.assign(element.style, {position: "fixed", top: "0", left: "0", width: "900px", zIndex: "10000", background: "#fff"});
element.setConfig(config);
element.hass = hass;
document.body.prepend(element);
const root = element.shadowRoot;
return [element, {
  reserves: [...root.querySelectorAll("[data-reserve]")].map((el) => [el.dataset.device, el.dataset.reserve]),
  hatched: root.querySelectorAll('[data-reserve] rect[fill^="url(#v2g-hatch-"]').length,
  patterns: root.querySelectorAll("pattern").length,
  figures: Object.fromEntries(
    [...root.querySelectorAll(".figure")].map((el) => [el.dataset.figure, el.textContent.trim()]),
  ),
  legend: root.querySelector('[data-legend="reserves"]')?.textContent.trim() ?? null,
}];
"""
ENGLISH = {"language": "en", "time_format": "24", "time_zone": "server"}


def _mount(
    browser: WebDriver, card: dict[str, Any], locale: dict[str, str]
) -> tuple[Any, dict[str, Any]]:
    element, shown = browser.execute_script(
        MOUNT, {"site": "site-1"}, _hass(card, locale)
    )  # type: ignore[no-untyped-call]
    return element, dict(shown)


def _unmount(browser: WebDriver) -> None:
    browser.execute_script("document.getElementById('reserve-test')?.remove()")  # type: ignore[no-untyped-call]


def _tip_over_first_strip(browser: WebDriver, element: Any) -> str:
    hover, dx = browser.execute_script(  # type: ignore[no-untyped-call]
        """
        const root = arguments[0].shadowRoot;
        const strip = root.querySelector("[data-reserve] rect").getBoundingClientRect();
        const hover = root.querySelector('[data-role="hover"]');
        const area = hover.getBoundingClientRect();
        hover.scrollIntoView({block: "center"});
        return [hover, Math.round(strip.left + strip.width / 2 - (area.left + area.width / 2))];
        """,
        element,
    )
    ActionChains(browser).move_to_element_with_offset(hover, dx, 0).perform()
    return str(
        wait_for(
            lambda: browser.execute_script(  # type: ignore[no-untyped-call]
                "const tip = arguments[0].shadowRoot.querySelector('.tip');"
                "return tip.hidden ? null : tip.textContent",
                element,
            ),
            10,
            "no tooltip over the reserve strip",
        )
    )


def test_a_plan_with_reserves_draws_them_and_their_income(
    dashboard: WebDriver,
) -> None:
    """Each stretch a hatched bar on its device's strip; the income a figure of its own; names and kW in the tip."""
    card_of(dashboard)  # the card's modules are loaded
    plan = reserve_day_plan()
    card = reserve_day_card(plan)
    stretches = card["reserves"]
    assert stretches
    income = f"{card['reserve_income']:.2f} DKK"
    try:
        element, shown = _mount(dashboard, card, ENGLISH)
        assert shown["reserves"] == [[str(s["d"]), s["p"]] for s in stretches]
        assert shown["hatched"] == len(stretches)
        assert shown["patterns"] == len({s["d"] for s in stretches})
        assert shown["figures"]["reserve_income"] == f"Reserve income this plan{income}"
        assert shown["figures"]["profit"].startswith("Profit this plan")
        assert shown["legend"].startswith("Reserve held: ")
        assert "FCR-D up (DK2)" in shown["legend"]
        tip = _tip_over_first_strip(dashboard, element)
        first = stretches[0]
        name = {"fcr_n": "FCR-N", "fcr_d_up": "FCR-D up", "fcr_d_down": "FCR-D down"}
        assert f"{name[first['p']]} (DK2) {first['kw']:.1f} kW held " in tip, tip
        assert f"+{first['m']:.2f} DKK" in tip, tip
    finally:
        _unmount(dashboard)
    try:
        _, danish = _mount(dashboard, card, DANISH)
        assert danish["figures"]["reserve_income"].startswith(
            "Reserveindtægt for denne plan"
        )
        assert "FCR-D op (DK2)" in danish["legend"]
    finally:
        _unmount(dashboard)


def test_without_reserves_there_is_no_strip_and_no_figure(dashboard: WebDriver) -> None:
    """The same plan with its reserves taken out: no strip, no legend entry, no reserve income figure."""
    card_of(dashboard)
    card = {**reserve_day_card(reserve_day_plan()), "reserves": [], "reserve_income": 0}
    try:
        _, shown = _mount(dashboard, card, ENGLISH)
        assert shown["reserves"] == []
        assert shown["legend"] is None
        assert set(shown["figures"]) == {"today", "tomorrow", "profit"}
    finally:
        _unmount(dashboard)
