"""The card's own logic in Chromium with a made-up Home Assistant: empty states, Danish, 12-hour clock, editor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .plugin import card_of

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from .plugin import Demo

# A card or editor of its own on the page, given a stand-in hass; returns what it shows.
MOUNT = """
const [tag, config, hass] = arguments;
const element = document.createElement(tag);
element.setConfig(config);
element.hass = hass;
document.body.appendChild(element);
const root = element.shadowRoot;
const result = {
  status: element.dataset.status,
  text: [...root.querySelectorAll(".status, [data-role='next'], .figure span, label, option, .away")]
    .map((el) => el.textContent.trim()),
  options: [...root.querySelectorAll("option")].map((el) => el.value),
  figures: Object.fromEntries(
    [...root.querySelectorAll(".figure")].map((el) => [el.dataset.figure, el.querySelector("b").textContent]),
  ),
};
const select = root.querySelector("select");
if (select) {
  element.addEventListener("config-changed", (event) => { result.changed = event.detail.config; });
  select.value = select.options[select.options.length - 1].value;
  select.dispatchEvent(new Event("change"));
}
element.remove();
return result;
"""


SITES = {"site-1": "Hjem", "site-2": "Sommerhus"}


def _hass(plan: dict[str, Any], locale: dict[str, str]) -> dict[str, Any]:
    """A stand-in hass with two sites whose plan sensors carry `plan`."""
    return {
        "entities": {
            f"sensor.{site}_next_action": {
                "entity_id": f"sensor.{site}_next_action",
                "platform": "v2g_home",
                "translation_key": "next_action",
                "device_id": site,
            }
            for site in SITES
        },
        "devices": {site: {"name": name} for site, name in SITES.items()},
        "states": {
            f"sensor.{site}_next_action": {
                "last_updated": "now",
                "attributes": {"plan": plan},
            }
            for site in SITES
        },
        "language": locale["language"],
        "locale": locale,
        "config": {"time_zone": "Europe/Copenhagen"},
    }


def _mount(
    browser: WebDriver, tag: str, plan: dict[str, Any], locale: dict[str, str]
) -> dict[str, Any]:
    return dict(
        browser.execute_script(MOUNT, tag, {"site": "site-1"}, _hass(plan, locale))  # type: ignore[no-untyped-call]
    )


DANISH = {"language": "da", "time_format": "language", "time_zone": "server"}
ENGLISH_12H = {"language": "en", "time_format": "12", "time_zone": "server"}


def test_every_empty_state_is_spelt_out_in_danish(
    dashboard: WebDriver, demo: Demo
) -> None:
    """No prices, scheduling off, nothing in auto, the car away: a Danish sentence each, no chart."""
    card_of(dashboard)  # the card's modules are loaded
    live = demo.state("sensor.demo_home_next_action")["attributes"]["plan"]
    expected = {
        "no_prices": "Ingen priser endnu",
        "disabled": "Planlægning er slået fra",
        "manual": "Ingen enhed er i automatisk tilstand",
        "car_away": "Bilen er væk",
    }
    for status, words in expected.items():
        empty = {**live, "status": status, "away": ["Leaf"], "t": [], "buy": []}
        shown = _mount(dashboard, "v2g-plan-card", empty, DANISH)
        assert shown["status"] == status
        assert shown["text"][0].startswith(words), shown
        assert "Væk: Leaf" in shown["text"]
        assert "Forventet i dag" in shown["text"]


def test_the_next_action_in_danish_and_on_a_12_hour_clock(
    dashboard: WebDriver, demo: Demo
) -> None:
    """The same plan reads "Eksportér … kl. 10:00" in Danish, and with AM/PM for a 12-hour profile."""
    card_of(dashboard)
    live = demo.state("sensor.demo_home_next_action")["attributes"]["plan"]
    danish = _mount(dashboard, "v2g-plan-card", live, DANISH)
    english = _mount(dashboard, "v2g-plan-card", live, ENGLISH_12H)
    (danish_next,) = [t for t in danish["text"] if "kW" in t]
    (english_next,) = [t for t in english["text"] if "kW" in t]
    assert "kl." in danish_next
    assert "AM" not in danish_next
    assert "PM" not in danish_next
    assert "AM" in english_next or "PM" in english_next


def test_the_editor_lists_the_sites_and_picks_one(
    dashboard: WebDriver, demo: Demo
) -> None:
    """The card's editor offers each site by name; choosing another changes the card's config."""
    card_of(dashboard)
    live = demo.state("sensor.demo_home_next_action")["attributes"]["plan"]
    shown = _mount(dashboard, "v2g-plan-card-editor", live, DANISH)
    assert shown["options"] == ["site-1", "site-2"]
    assert shown["text"] == ["Sted", "Hjem", "Sommerhus"]
    assert shown["changed"] == {"site": "site-2"}


def test_today_follows_its_sensor_between_plans(
    dashboard: WebDriver, demo: Demo
) -> None:
    """Today's figure is the site's Expected export revenue today as it is now; without that sensor, the plan's."""
    card_of(dashboard)
    live = demo.state("sensor.demo_home_next_action")["attributes"]["plan"]
    plan = {**live, "today": 7.5}
    hass = _hass(plan, ENGLISH_12H)
    shown = dict(
        dashboard.execute_script(MOUNT, "v2g-plan-card", {"site": "site-1"}, hass)  # type: ignore[no-untyped-call]
    )
    assert shown["figures"]["today"] == f"7.50 {live['currency']}"
    for site in SITES:
        hass["entities"][f"sensor.{site}_today"] = {
            "entity_id": f"sensor.{site}_today",
            "platform": "v2g_home",
            "translation_key": "expected_revenue_today",
            "device_id": site,
        }
        hass["states"][f"sensor.{site}_today"] = {"state": "12.346", "attributes": {}}
    shown = dict(
        dashboard.execute_script(MOUNT, "v2g-plan-card", {"site": "site-1"}, hass)  # type: ignore[no-untyped-call]
    )
    assert shown["figures"]["today"] == f"12.35 {live['currency']}"
    assert shown["figures"]["tomorrow"] == f"{live['tomorrow']:.2f} {live['currency']}"


def test_slot_edges_are_on_the_minute_after_a_plan_made_mid_minute(
    dashboard: WebDriver, demo: Demo
) -> None:
    """Made at 12:03:27 UTC, the first slot ends at 14:00 UTC sharp: its 116.55 min, sent as 116.5, still read 14:00."""
    card_of(dashboard)
    live = demo.state("sensor.demo_home_next_action")["attributes"]["plan"]
    slots = len(live["buy"])
    plan = {
        **live,
        "start": "2026-01-14T12:03:27+00:00",
        "t": [0, *(116.5 + 15 * index for index in range(slots))],
        "next": {**live["next"], "s": 0, "e": 1},
    }
    locale = {"language": "en", "time_format": "24", "time_zone": "server"}
    shown = _mount(dashboard, "v2g-plan-card", plan, locale)
    (sentence,) = [t for t in shown["text"] if "kW" in t]
    assert sentence.endswith("until 15:00"), sentence  # 14:00 UTC in Copenhagen
