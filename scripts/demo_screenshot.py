"""Screenshots of the running demo in headless Chromium: the dashboard with the plan card, the Energy settings."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time

import aiohttp
from demo_config import DEMO_DIR
from demo_ha import DemoSetupError, HomeAssistantClient, Login
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
READY_FILE = DEMO_DIR / "ready.json"
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
)
# Counts the page's elements with a tag (and a data-status) once the frontend is connected, through shadow roots.
COUNT_JS = """
const [tag, status] = arguments;
const ha = document.querySelector("home-assistant");
if (!ha || !ha.hass || !ha.hass.connected) { return 0; }
const count = (root) => {
  let found = 0;
  for (const el of root.querySelectorAll("*")) {
    if (el.tagName === tag && (status === null || el.dataset.status === status)) { found += 1; }
    if (el.shadowRoot) { found += count(el.shadowRoot); }
  }
  return found;
};
return count(document);
"""
# The dashboard is ready once the plan card has drawn its chart; the Energy settings once a battery is listed.
PLAN_DRAWN = ("V2G-PLAN-CARD", "ok")
BATTERIES_LISTED = ("HA-ENERGY-BATTERY-SETTINGS", None)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "screenshot-demo.png"
    )
    parser.add_argument(
        "--energy-out",
        type=Path,
        default=ROOT / "docs" / "screenshot-energy.png",
        help="the Energy dashboard's settings with the batteries and the return to grid",
    )
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1200)
    parser.add_argument(
        "--min-wait",
        type=float,
        default=45.0,
        help="seconds to let values move before the shot",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start the demo from an empty config (clean graphs)",
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def wait_for_demo(
    demo: subprocess.Popen[bytes] | None, timeout_s: float
) -> dict[str, str]:
    """Wait for scripts/demo to say it is ready and return its URLs."""
    deadline = time.monotonic() + timeout_s
    while not READY_FILE.exists():
        if demo is not None and demo.poll() is not None:
            raise DemoSetupError(f"scripts/demo exited with {demo.returncode}")
        if time.monotonic() > deadline:
            raise DemoSetupError(f"the demo was not ready within {timeout_s:.0f} s")
        time.sleep(1)
    return dict(json.loads(READY_FILE.read_text()))


async def battery_and_power(client: HomeAssistantClient) -> dict[str, tuple[str, str]]:
    """The demo's state-of-charge (device class battery) and power sensors: their class and state."""
    return {
        state["entity_id"]: (state["attributes"]["device_class"], state["state"])
        for state in await client.get_json("/api/states")
        if state["entity_id"].startswith("sensor.")
        and state["attributes"].get("device_class") in ("battery", "power")
    }


async def wait_for_motion(base_url: str, min_wait_s: float, timeout_s: float) -> None:
    """Wait at least min_wait_s and until every state of charge has changed; print before and after."""
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantClient(session, base_url)
        await client.onboard_or_login(Login())
        before = await battery_and_power(client)
        print(f"screenshot: before {before}")
        socs = [
            entity_id
            for entity_id, (device_class, _) in before.items()
            if device_class == "battery"
        ]
        start = time.monotonic()
        while True:
            await asyncio.sleep(5)
            after = await battery_and_power(client)
            moved = all(after.get(entity_id) != before[entity_id] for entity_id in socs)
            elapsed = time.monotonic() - start
            if socs and moved and elapsed >= min_wait_s:
                print(f"screenshot: after {elapsed:.0f} s {after}")
                return
            if elapsed > timeout_s:
                raise DemoSetupError(
                    f"the states of charge did not all move within {timeout_s:.0f} s: {after}"
                )


async def wait_for_statistics(base_url: str, timeout_s: float) -> None:
    """Wait until the Energy dashboard no longer warns that a sensor has no statistics (compiled every 5 minutes)."""
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantClient(session, base_url)
        await client.onboard_or_login(Login())
        deadline = time.monotonic() + timeout_s
        while True:
            # The same check as the settings page's warning (list_statistic_ids also names sensors not compiled yet).
            (validation,) = await client.websocket([{"type": "energy/validate"}])
            missing = [
                issue["affected_entities"]
                for groups in validation.values()
                if isinstance(groups, list)
                for group in groups
                for issue in (group if isinstance(group, list) else [group])
                if isinstance(issue, dict)
                and issue.get("type") == "statistics_not_defined"
            ]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise DemoSetupError(
                    f"no statistics within {timeout_s:.0f} s for {missing}"
                )
            await asyncio.sleep(10)


def _save(driver: webdriver.Chrome, out: Path) -> None:
    """A small PNG (128 colours) of what the browser shows."""
    raw = out.with_suffix(".raw.png")
    driver.save_screenshot(str(raw))
    with Image.open(raw) as image:
        image.convert("RGB").quantize(colors=128).save(out, optimize=True)
    raw.unlink()
    print(f"screenshot: wrote {out} ({out.stat().st_size // 1024} KiB)")


def _open(driver: webdriver.Chrome, url: str, ready: tuple[str, str | None]) -> None:
    """Open url and wait until the element that says the page is drawn is there."""
    driver.get(url)
    deadline = time.monotonic() + 90
    while driver.execute_script(COUNT_JS, *ready) < 1:  # type: ignore[no-untyped-call]
        if time.monotonic() > deadline:
            raise DemoSetupError(
                f"{url} did not draw {ready} within 90 s (at {driver.current_url})"
            )
        time.sleep(1)


def shoot(args: argparse.Namespace, urls: dict[str, str], user_data_dir: Path) -> None:
    """The dashboard and the Energy settings in headless Chromium (logged in through trusted_networks).

    The browser keeps its own defaults (en-US, UTC): the times shown follow the demo user's profile, that is
    Home Assistant's locale for a Danish home, not the browser's.
    """
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={args.width},{args.height}")
    options.add_argument(f"--user-data-dir={user_data_dir}")
    driver = webdriver.Chrome(
        options=options,
        service=Service(
            executable_path=args.chromedriver, env={**os.environ, "TZ": "UTC"}
        ),
    )
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": args.width,
                "height": args.height,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        _open(driver, urls["dashboard"], PLAN_DRAWN)
        time.sleep(8)  # let the history graphs fetch and draw their lines
        _save(driver, args.out)
        _open(driver, f"{urls['url']}/config/energy", BATTERIES_LISTED)
        time.sleep(3)
        _save(driver, args.energy_out)
    finally:
        driver.quit()


def main() -> int:
    """Start the demo unless it runs, wait for motion, take the shot, stop what was started."""
    args = parse_args()
    demo = None
    if not READY_FILE.exists():
        print("screenshot: starting scripts/demo")
        argv = [str(ROOT / "scripts" / "demo"), *(["--fresh"] if args.fresh else [])]
        demo = subprocess.Popen(argv, cwd=ROOT, start_new_session=True)  # noqa: S603 - our own script
    try:
        urls = wait_for_demo(demo, timeout_s=900)
        asyncio.run(
            wait_for_motion(urls["url"], args.min_wait, timeout_s=args.min_wait + 300)
        )
        asyncio.run(wait_for_statistics(urls["url"], timeout_s=420))
        user_data_dir = DEMO_DIR / "chromium-profile"
        shutil.rmtree(user_data_dir, ignore_errors=True)  # a fresh profile every time
        shoot(args, urls, user_data_dir)
    except (DemoSetupError, aiohttp.ClientError) as err:
        print(f"screenshot: {err}", file=sys.stderr)
        return 1
    finally:
        if demo is not None:
            # The whole session it was started in: bash passes no signal on to the demo it waits for.
            os.killpg(demo.pid, signal.SIGINT)
            demo.wait(timeout=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
