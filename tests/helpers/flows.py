"""Driving subentry flows in tests: start, answer, reconfigure."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.data_entry_flow import FlowResultType

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

CONNECTION_FORM = ("host", "port", "unit_id")
CHARGER_FORM = (
    "leaf_pack",
    "setpoint_mode",
    "failsafe_timeout_s",
)  # the Quasar's settings step
PACK_FORM = ("host", "port", "unit_id", "pack_driver", "power_sign")


def form_answers(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The answers a user types into a form with these fields."""
    return {key: data[key] for key in fields}


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_subentry_flow(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_type: str
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def configure(
    hass: HomeAssistant, result: dict[str, Any], answers: dict[str, Any]
) -> Any:
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], answers
    )


async def start_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_type: str
) -> dict[str, Any]:
    (subentry_id,) = (
        s.subentry_id
        for s in entry.subentries.values()
        if s.subentry_type == subentry_type
    )
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    return result


async def add_charger(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any]
) -> Any:
    """Add a Quasar through both steps: where it is, then its car and settings."""
    result = await start_subentry_flow(hass, entry, "charger")
    result = await configure(hass, result, form_answers(data, CONNECTION_FORM))
    if result.get("step_id") != "settings":
        return result
    return await configure(hass, result, form_answers(data, CHARGER_FORM))
