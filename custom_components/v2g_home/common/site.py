"""Facts about a site that several parts of the glue read from its config entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..const import CONF_PRICE_AREA, DEFAULTS

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry


def price_area(entry: ConfigEntry) -> str:
    """The site's price area (DK1 or DK2): its prices, and the reserves sold there."""
    return str(
        {**entry.data, **entry.options}.get(CONF_PRICE_AREA, DEFAULTS[CONF_PRICE_AREA])
    )
