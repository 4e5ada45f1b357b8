"""Adding and reconfiguring a Quasar 1: detected, the connection tested against the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType

from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedQuasar,
)
from tests.helpers.flows import (
    CHARGER_FORM,
    CONNECTION_FORM,
    add_charger,
    configure,
    form_answers,
    free_port,
    start_reconfigure,
    start_subentry_flow,
)
from tests.helpers.site import QUASAR_SERIAL, charger_data, charger_subentry, site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


async def test_add_charger(hass: HomeAssistant, quasar_server: ModbusSimulator) -> None:
    """The Quasar is recognised: a subentry keyed by its serial, with the 40 kWh Leaf's usable capacity."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await start_subentry_flow(hass, entry, "charger")
    result = await configure(
        hass, result, form_answers(charger_data(quasar_server.port), CONNECTION_FORM)
    )
    assert result["step_id"] == "settings"
    assert {str(key) for key in result["data_schema"].schema} == set(CHARGER_FORM)
    result = await configure(
        hass, result, form_answers(charger_data(quasar_server.port), CHARGER_FORM)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Wallbox Quasar 1"
    (subentry,) = entry.subentries.values()
    assert subentry.unique_id == QUASAR_SERIAL
    assert subentry.subentry_type == "charger"
    assert subentry.data["charger_kind"] == "quasar"
    assert subentry.data["usable_capacity_kwh"] == 37.0
    assert subentry.data["port"] == quasar_server.port


async def test_add_charger_with_custom_capacity(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """Custom pack: a third step asks for the usable kWh."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await add_charger(
        hass, entry, charger_data(quasar_server.port, leaf_pack="custom")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "capacity"
    result = await configure(hass, result, {"usable_capacity_kwh": 33.5})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["usable_capacity_kwh"] == 33.5
    assert subentry.data["leaf_pack"] == "custom"


async def test_charger_errors_then_success(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """Bad host and nobody listening are told at the first step; a refusing charger at the last."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await start_subentry_flow(hass, entry, "charger")
    good = form_answers(charger_data(quasar_server.port), CONNECTION_FORM)
    result = await configure(hass, result, {**good, "host": "not a host!"})
    assert result["errors"] == {"host": "invalid_host"}
    result = await configure(hass, result, {**good, "port": free_port()})
    assert result["errors"] == {"base": "cannot_connect"}
    result = await configure(hass, result, good)
    assert result["step_id"] == "settings"
    quasar_server.faults.exception_code = 4
    settings = form_answers(charger_data(quasar_server.port), CHARGER_FORM)
    result = await configure(hass, result, settings)
    assert result["errors"] == {"base": "unsupported_device"}
    quasar_server.faults.exception_code = None
    result = await configure(hass, result, settings)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_custom_capacity_step_shows_connection_error(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """If the charger stops answering before the capacity step ends, that step shows the error."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await add_charger(
        hass, entry, charger_data(quasar_server.port, leaf_pack="custom")
    )
    await quasar_server.stop()
    result = await configure(hass, result, {"usable_capacity_kwh": 20.0})
    assert result["step_id"] == "capacity"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_error_is_unknown(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """A bug in a driver shows "unknown" instead of breaking the dialog."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    with patch(
        "custom_components.v2g_home.devices.quasar.QuasarCharger.identify",
        side_effect=RuntimeError("boom"),
    ):
        result = await add_charger(hass, entry, charger_data(quasar_server.port))
    assert result["errors"] == {"base": "unknown"}


async def test_charger_already_configured(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """The same charger (same serial) cannot be added twice, even under another address."""
    entry = site_entry([charger_subentry(quasar_server.port, host="localhost")])
    entry.add_to_hass(hass)
    result = await add_charger(hass, entry, charger_data(quasar_server.port))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure_charger(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """Reconfigure shows the current settings and stores the new ones for the same charger."""
    entry = site_entry([charger_subentry(quasar_server.port)])
    entry.add_to_hass(hass)
    result = await start_reconfigure(hass, entry, "charger")
    schema_defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(key.default)
    }
    assert schema_defaults["port"] == quasar_server.port
    new = charger_data(quasar_server.port, failsafe_timeout_s=120, leaf_pack="custom")
    result = await configure(hass, result, form_answers(new, CONNECTION_FORM))
    assert result["step_id"] == "settings"
    result = await configure(hass, result, form_answers(new, CHARGER_FORM))
    assert result["step_id"] == "capacity"
    result = await configure(hass, result, {"usable_capacity_kwh": 30.0})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    (subentry,) = entry.subentries.values()
    assert subentry.data["failsafe_timeout_s"] == 120
    assert subentry.data["usable_capacity_kwh"] == 30.0


async def _reconfigure(
    hass: HomeAssistant, entry: object, data: dict[str, object]
) -> dict[str, object]:
    result = await start_reconfigure(hass, entry, "charger")  # type: ignore[arg-type]
    result = await configure(hass, result, form_answers(data, CONNECTION_FORM))
    return dict(await configure(hass, result, form_answers(data, CHARGER_FORM)))


async def test_reconfigure_to_another_charger_is_refused(
    hass: HomeAssistant, quasar_server: ModbusSimulator, clock: SimClock
) -> None:
    """Pointing a charger's settings at a different charger aborts and keeps the old settings."""
    other = ModbusSimulator({1: SimulatedQuasar(clock, serial=999)}, clock=clock)
    await other.start()
    try:
        entry = site_entry([charger_subentry(quasar_server.port)])
        entry.add_to_hass(hass)
        result = await _reconfigure(hass, entry, charger_data(other.port))
    finally:
        await other.stop()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    (subentry,) = entry.subentries.values()
    assert subentry.data["port"] == quasar_server.port


async def test_reconfigure_fixes_a_site_waiting_to_retry(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """A charger added with a wrong port keeps the site retrying; correcting the port loads it now."""
    entry = site_entry([charger_subentry(free_port())])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    result = await _reconfigure(hass, entry, charger_data(quasar_server.port))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)
