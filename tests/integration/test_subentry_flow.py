"""Adding and reconfiguring chargers and packs: the connection is tested against the simulator."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.data_entry_flow import FlowResultType

from custom_components.v2g_home.devices.profile import available_profiles
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedQuasar,
)

from .conftest import (
    PACK_SERIAL,
    QUASAR_SERIAL,
    charger_data,
    charger_subentry,
    pack_data,
    site_entry,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

CHARGER_FORM = (
    "host",
    "port",
    "unit_id",
    "leaf_pack",
    "setpoint_mode",
    "failsafe_timeout_s",
)
PACK_FORM = ("host", "port", "unit_id", "pack_driver", "power_sign")


def _form(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: data[key] for key in fields}


def _free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _start(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_type: str
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def _configure(
    hass: HomeAssistant, result: dict[str, Any], answers: dict[str, Any]
) -> Any:
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], answers
    )


async def test_add_charger(hass: HomeAssistant, quasar_server: ModbusSimulator) -> None:
    """The Quasar answers: a subentry keyed by its serial, with the 40 kWh Leaf's usable capacity."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    result = await _configure(
        hass, result, _form(charger_data(quasar_server.port), CHARGER_FORM)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Wallbox Quasar 1"
    (subentry,) = entry.subentries.values()
    assert subentry.unique_id == QUASAR_SERIAL
    assert subentry.subentry_type == "charger"
    assert subentry.data["usable_capacity_kwh"] == 37.0
    assert subentry.data["port"] == quasar_server.port


async def test_add_charger_with_custom_capacity(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """Custom pack: a second step asks for the usable kWh."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    answers = _form(charger_data(quasar_server.port, leaf_pack="custom"), CHARGER_FORM)
    result = await _configure(hass, result, answers)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "capacity"
    result = await _configure(hass, result, {"usable_capacity_kwh": 33.5})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["usable_capacity_kwh"] == 33.5
    assert subentry.data["leaf_pack"] == "custom"


async def test_charger_errors_then_success(
    hass: HomeAssistant, quasar_server: ModbusSimulator, pack_server: ModbusSimulator
) -> None:
    """Bad host, nobody listening, and a pack where a charger should be; then the right address."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    good = _form(charger_data(quasar_server.port), CHARGER_FORM)
    result = await _configure(hass, result, {**good, "host": "not a host!"})
    assert result["errors"] == {"host": "invalid_host"}
    result = await _configure(hass, result, {**good, "port": _free_port()})
    assert result["errors"] == {"base": "cannot_connect"}
    result = await _configure(hass, result, {**good, "port": pack_server.port})
    assert result["errors"] == {"base": "unsupported_device"}
    quasar_server.faults.exception_code = 4
    result = await _configure(hass, result, good)
    assert result["errors"] == {"base": "unsupported_device"}
    quasar_server.faults.exception_code = None
    result = await _configure(hass, result, good)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_custom_capacity_step_shows_connection_error(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """If the charger stops answering before the capacity step ends, that step shows the error."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    answers = _form(charger_data(_free_port(), leaf_pack="custom"), CHARGER_FORM)
    result = await _configure(hass, result, answers)
    result = await _configure(hass, result, {"usable_capacity_kwh": 20.0})
    assert result["step_id"] == "capacity"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_error_is_unknown(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """A bug in a driver shows "unknown" instead of breaking the dialog."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    with patch(
        "custom_components.v2g_home.devices.quasar.QuasarCharger.identify",
        side_effect=RuntimeError("boom"),
    ):
        result = await _configure(
            hass, result, _form(charger_data(quasar_server.port), CHARGER_FORM)
        )
    assert result["errors"] == {"base": "unknown"}


async def test_charger_already_configured(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """The same charger (same serial) cannot be added twice, even under another address."""
    entry = site_entry([charger_subentry(quasar_server.port, host="localhost")])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "charger")
    result = await _configure(
        hass, result, _form(charger_data(quasar_server.port), CHARGER_FORM)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def _reconfigure(
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


async def test_reconfigure_charger(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """Reconfigure shows the current settings and stores the new ones for the same charger."""
    entry = site_entry([charger_subentry(quasar_server.port)])
    entry.add_to_hass(hass)
    result = await _reconfigure(hass, entry, "charger")
    schema_defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(key.default)
    }
    assert schema_defaults["port"] == quasar_server.port
    answers = _form(
        charger_data(quasar_server.port, failsafe_timeout_s=120, leaf_pack="custom"),
        CHARGER_FORM,
    )
    result = await _configure(hass, result, answers)
    assert result["step_id"] == "capacity"
    result = await _configure(hass, result, {"usable_capacity_kwh": 30.0})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    (subentry,) = entry.subentries.values()
    assert subentry.data["failsafe_timeout_s"] == 120
    assert subentry.data["usable_capacity_kwh"] == 30.0


async def test_reconfigure_to_another_charger_is_refused(
    hass: HomeAssistant, quasar_server: ModbusSimulator, clock: SimClock
) -> None:
    """Pointing a charger's settings at a different charger aborts and keeps the old settings."""
    other = ModbusSimulator({1: SimulatedQuasar(clock, serial=999)}, clock=clock)
    await other.start()
    try:
        entry = site_entry([charger_subentry(quasar_server.port)])
        entry.add_to_hass(hass)
        result = await _reconfigure(hass, entry, "charger")
        result = await _configure(
            hass, result, _form(charger_data(other.port), CHARGER_FORM)
        )
    finally:
        await other.stop()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    (subentry,) = entry.subentries.values()
    assert subentry.data["port"] == quasar_server.port


async def test_add_sunspec_pack(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """A SunSpec pack is found by auto-detection and keyed by its model 1 serial."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "pack")
    result = await _configure(
        hass, result, _form(pack_data(pack_server.port), PACK_FORM)
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
    result = await _start(hass, entry, "pack")
    result = await _configure(
        hass, result, _form(pack_data(quasar_server.port), PACK_FORM)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unsupported_device"}


async def test_reconfigure_pack_power_sign(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """The power sign of a SunSpec pack can be set after the fact."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await _start(hass, entry, "pack")
    await _configure(hass, result, _form(pack_data(pack_server.port), PACK_FORM))
    result = await _reconfigure(hass, entry, "pack")
    result = await _configure(
        hass,
        result,
        _form(pack_data(pack_server.port, power_sign="positive_discharge"), PACK_FORM),
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
        "custom_components.v2g_home.config_flow_devices.available_profiles",
        side_effect=[installed, {}, {}],
    ):
        result = await _start(hass, entry, "pack")
        answers = pack_data(pack_server.port, pack_driver="generic_modbus_battery")
        result = await _configure(hass, result, _form(answers, PACK_FORM))
    assert result["errors"] == {"base": "profile_missing"}


async def test_reconfigure_fixes_a_site_waiting_to_retry(
    hass: HomeAssistant, quasar_server: ModbusSimulator
) -> None:
    """A charger added with a wrong port keeps the site retrying; correcting the port loads it now."""
    entry = site_entry([charger_subentry(_free_port())])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    result = await _reconfigure(hass, entry, "charger")
    result = await _configure(
        hass, result, _form(charger_data(quasar_server.port), CHARGER_FORM)
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)
