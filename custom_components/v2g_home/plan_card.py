"""The plan card: served from the integration's own folder and loaded by every dashboard (no second download)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components.frontend import add_extra_js_url

from .common.compat import StaticPathConfig
from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

CARD_DIR = Path(__file__).parent / "frontend"
CARD_MODULE = "v2g-plan-card.js"


def card_version() -> str:
    """A short digest of the card's files: a new URL after every change, so browsers never run stale code."""
    digest = hashlib.sha256()
    for path in sorted(CARD_DIR.glob("*.js")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def card_url(version: str) -> str:
    """Where the card's folder is served (its modules import each other relatively, so all share it)."""
    return f"/{DOMAIN}/card/{version}"


async def async_register_card(hass: HomeAssistant) -> str | None:
    """Serve the card's folder and add its module to the frontend; the URL, or None without a frontend."""
    if hass.http is None or "frontend" not in hass.config.components:
        return None  # no web server here (a test, or a headless install)
    url = card_url(await hass.async_add_executor_job(card_version))
    await hass.http.async_register_static_paths(
        [StaticPathConfig(url, str(CARD_DIR), cache_headers=True)]
    )
    add_extra_js_url(hass, f"{url}/{CARD_MODULE}")
    return url
