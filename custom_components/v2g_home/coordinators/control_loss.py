"""Loud loss of control: a repair issue the moment a charger stops following V2G Home, with what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


def _issue_id(subentry_id: str) -> str:
    return f"control_lost_{subentry_id}"


def report_control_lost(
    hass: HomeAssistant,
    subentry_id: str,
    device: str,
    *,
    resumed: bool,
    mode: str,
    pack: bool = False,
) -> None:
    """The charger returned to its own control (a reboot, its fail-safe, or its app).

    In auto V2G Home takes it back at once and says so; in a manual mode the mode turns off, since the
    user's command may no longer be wanted, and the issue stays until a mode is chosen again. A pack
    (its revert timer, a restart) is always taken back: its modes are V2G Home's own commands.
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(subentry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="pack_control_resumed"
        if pack
        else "control_resumed"
        if resumed
        else "control_lost",
        translation_placeholders={
            "device": device,
            "mode": mode,
            "time": dt_util.as_local(dt_util.utcnow()).strftime("%H:%M"),
        },
    )


def clear_control_lost(hass: HomeAssistant, subentry_id: str) -> None:
    """The user chose a mode again: the loss has been seen to."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(subentry_id))
