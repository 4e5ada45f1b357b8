"""Fixtures (a pytest plugin) for the plan card in headless Chromium against a running demo.

scripts/test-card starts the demo and runs these tests without Home Assistant's test plugin: the browser talks
to a real Home Assistant, not to one inside the test process.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import sys
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts"))

from demo_ha import HomeAssistantClient, Login

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--force-device-scale-factor=1",
    "--window-size=1400,1200",
)
# The card inside Home Assistant's nested shadow roots.
FIND_CARD = """
const find = (root) => {
  for (const el of root.querySelectorAll("*")) {
    if (el.tagName === "V2G-PLAN-CARD") { return el; }
    if (el.shadowRoot) { const found = find(el.shadowRoot); if (found) { return found; } }
  }
  return null;
};
return find(document);
"""


class Demo:
    """The running demo's Home Assistant, read and changed over its REST and websocket APIs."""

    def __init__(self, url: str) -> None:
        """The demo at url (http://127.0.0.1:PORT)."""
        self.url = url

    def _run(self, work: Callable[[HomeAssistantClient], Any]) -> Any:
        async def session() -> Any:
            async with aiohttp.ClientSession() as http:
                client = HomeAssistantClient(http, self.url)
                await client.onboard_or_login(Login())
                return await work(client)

        return asyncio.run(session())

    def state(self, entity_id: str) -> dict[str, Any]:
        """An entity's state object."""
        return dict(self._run(lambda c: c.get_json(f"/api/states/{entity_id}")))

    def call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        """Call an action and wait for it to finish."""
        self._run(lambda c: c.call_service(domain, service, data))


def wait_for[T](what: Callable[[], T | None], timeout_s: float, message: str) -> T:
    """Poll until what() gives a truthy value; fail with message after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{message} (within {timeout_s:.0f} s; last: {value!r})")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def demo() -> Demo:
    """The demo scripts/test-card started."""
    return Demo(os.environ["V2G_DEMO_URL"])


@pytest.fixture(scope="session")
def ready_at() -> float:
    """When the demo said it was ready (seconds since the epoch)."""
    return float(os.environ["V2G_DEMO_READY_AT"])


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile (logged in through the demo's trusted network)."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("V2G_CHROMIUM", "/usr/bin/chromium")
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options,
        service=Service(
            executable_path=os.environ.get("V2G_CHROMEDRIVER", "/usr/bin/chromedriver")
        ),
    )
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def dashboard(browser: WebDriver) -> WebDriver:
    """The demo's dashboard open in the browser."""
    browser.get(os.environ["V2G_DEMO_DASHBOARD"])
    return browser


def card_of(browser: WebDriver) -> WebElement:
    """The plan card on the page, once Home Assistant has drawn it."""
    return wait_for(
        lambda: browser.execute_script(FIND_CARD),  # type: ignore[no-untyped-call]
        60,
        "the plan card was not drawn",
    )


def read_card(browser: WebDriver, card: WebElement) -> dict[str, Any]:
    """What the card shows: status, plan time, series, annotations, sentence, figures and message."""
    return dict(
        browser.execute_script(  # type: ignore[no-untyped-call]
            """
            const card = arguments[0];
            const root = card.shadowRoot;
            const all = (selector) => [...root.querySelectorAll(selector)];
            const text = (selector) => root.querySelector(selector)?.textContent.trim() ?? null;
            return {
              status: card.dataset.status,
              plannedAt: card.dataset.plannedAt,
              series: all("[data-series]").map((el) => el.dataset.series),
              annotations: all("[data-annotation]").map((el) => el.dataset.annotation),
              next: text('[data-role="next"]'),
              message: text(".status"),
              figures: Object.fromEntries(all("[data-figure]").map((el) => [el.dataset.figure, el.textContent.trim()])),
              reserve: text('[data-annotation="reserve"] text'),
              ticks: all("svg text.tick").map((el) => el.textContent),
            };
            """,
            card,
        )
    )
