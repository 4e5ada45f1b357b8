"""The price repairs that do not need the coordinator's state: a tariff preset past its sourced rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from ..prices.schedule import danish_day

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from ..prices.tariffs import GridRate


def update_tariff_issue(
    hass: HomeAssistant, issue_id: str, grid: GridRate | None, now: datetime
) -> None:
    """Tell the user when the grid tariff preset has no sourced rates for today (rates carry on)."""
    if grid is None or grid.holds_on(danish_day(now)):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="tariff_outdated",
        translation_placeholders={
            "preset": grid.name,
            "valid_to": str(grid.valid_to or "-"),
        },
    )
