"""Adding and reconfiguring packs: SunSpec auto-detection and profiles, against the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.data_entry_flow import FlowResultType

from custom_components.v2g_home.devices.profile import available_profiles
from tests.helpers.flows import (
    PACK_FORM,
    configure,
    form_answers,
    start_reconfigure,
    start_subentry_flow,
)
from tests.helpers.site import PACK_SERIAL, pack_data, site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import ModbusSimulator


async def test_add_sunspec_pack(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """A SunSpec pack is found by auto-detection and keyed by its model 1 serial."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await start_subentry_flow(hass, entry, "pack")
    result = await configure(
        hass, result, form_answers(pack_data(pack_server.port), PACK_FORM)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "V2G Home Simulated SunSpec pack"
    (subentry,) = entry.subentries.values()
    assert subentry.unique_id == PACK_SERIAL


async def test_pack_flow_refuses_a_charger(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """A Quasar has no SunSpec models: unsupported device."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await start_subentry_flow(hass, entry, "pack")
    result = await configure(
        hass, result, form_answers(pack_data(quasar_server.port), PACK_FORM)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unsupported_device"}


async def test_reconfigure_pack_power_sign(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """The power sign of a SunSpec pack can be set after the fact."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await start_subentry_flow(hass, entry, "pack")
    await configure(hass, result, form_answers(pack_data(pack_server.port), PACK_FORM))
    result = await start_reconfigure(hass, entry, "pack")
    result = await configure(
        hass,
        result,
        form_answers(
            pack_data(pack_server.port, power_sign="positive_discharge"), PACK_FORM
        ),
    )
    assert result["reason"] == "reconfigure_successful"
    (subentry,) = entry.subentries.values()
    assert subentry.data["power_sign"] == "positive_discharge"


async def test_profile_removed_while_the_form_is_open(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """A profile deleted between showing the form and submitting it gives a clear error."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    installed = available_profiles()
    with patch(
        "custom_components.v2g_home.flows.devices.available_profiles",
        side_effect=[installed, {}, {}],
    ):
        result = await start_subentry_flow(hass, entry, "pack")
        answers = pack_data(pack_server.port, pack_driver="generic_modbus_battery")
        result = await configure(hass, result, form_answers(answers, PACK_FORM))
    assert result["errors"] == {"base": "profile_missing"}
