"""Diagnostics help debugging without revealing where the devices are or their serial numbers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from tests.helpers.ha import poll
from tests.helpers.site import PACK_SERIAL, QUASAR_SERIAL

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from custom_components.v2g_home.devices.simulator import ModbusSimulator


async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    quasar_server: ModbusSimulator,
) -> None:
    """Settings, identity, last poll and control are there; hosts and serials are not."""
    quasar_server.faults.drop_connection = True
    await poll(hass)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, loaded_entry
    )
    text = json.dumps(diagnostics)
    assert "127.0.0.1" not in text
    assert QUASAR_SERIAL not in text
    assert PACK_SERIAL not in text
    charger, pack = diagnostics["devices"]
    assert charger["type"] == "charger"
    assert charger["settings"]["host"] == "**REDACTED**"
    assert charger["identity"]["model"] == "Quasar 1"
    assert charger["identity"]["serial"] == "**REDACTED**"
    assert charger["available"] is False
    assert "**REDACTED**" in charger["last_error"]
    assert charger["control"]["mode"] == "off"
    assert charger["data"]["reading"]["ac_voltage_v"] == 230.0
    assert pack["available"] is True
    assert pack["data"]["reading"]["soc_pct"] == 50.0
    assert diagnostics["entry"]["data"]["price_area"] == "DK1"
    assert diagnostics["prices"]["stale"] is False
    assert diagnostics["prices"]["currency"] == "DKK"
    assert diagnostics["scheduler"]["settings"]["reserve_soc_pct"] == 20.0
    assert diagnostics["scheduler"]["settings"]["departure_time"] == "07:00:00"
    assert diagnostics["ledger"]["export_source"] == "none"
    assert diagnostics["ledger"]["lifetime"]["energy_sold_kwh"] == 0.0
