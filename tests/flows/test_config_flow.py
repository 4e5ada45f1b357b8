"""The site flow: name, price source, tariffs; its reconfigure and options flows."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.data_entry_flow import FlowResultType

from custom_components.v2g_home.const import DOMAIN
from tests.helpers.site import site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

SETUP = "custom_components.v2g_home.async_setup_entry"
TARIFFS = {
    "tariff_preset": "none",
    "custom_tou_table": "",
    "supplier_markup_per_kwh": 0.05,
    "energinet_tariff_per_kwh": 0.115,
    "electricity_tax_per_kwh": 0.008,
    "vat_pct": 25.0,
    "export_fee_per_kwh": 0.01,
    "feed_in_tariff_per_kwh": 0.0103,
}
EDS_DK2 = {"price_source": "energidataservice", "price_area": "DK2", "currency": "DKK"}


async def test_site_flow_creates_entry(hass: HomeAssistant) -> None:
    """Name, then price source, then tariffs: one entry, prices in data and tariffs in options."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": " Sommerhus "}
    )
    assert result["step_id"] == "prices"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], EDS_DK2)
    assert result["step_id"] == "tariffs"
    with patch(SETUP, return_value=True) as setup:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], TARIFFS
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Sommerhus"
    entry = result["result"]
    assert entry.data == {"name": "Sommerhus", **EDS_DK2}
    assert entry.options == TARIFFS
    assert len(setup.mock_calls) == 1


async def test_site_name_taken(hass: HomeAssistant) -> None:
    """A second site with the same name is refused."""
    site_entry([]).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Home"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_price_entity_required_then_fixed(hass: HomeAssistant) -> None:
    """Choosing an entity source without an entity shows the error; fixing it goes on."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Home"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**EDS_DK2, "price_source": "entity"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "prices"
    assert result["errors"] == {"price_entity": "price_entity_required"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], EDS_DK2)
    assert result["step_id"] == "tariffs"


async def test_invalid_custom_tariff_table(hass: HomeAssistant) -> None:
    """An unreadable custom time-of-use table is shown as an error on the tariff step."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Home"}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], EDS_DK2)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**TARIFFS, "tariff_preset": "custom", "custom_tou_table": "not a table"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"custom_tou_table": "invalid_tou_table"}


async def test_reconfigure_site(hass: HomeAssistant) -> None:
    """Rename the site and move it to DK2; the entry is updated and reloaded."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**EDS_DK2, "price_source": "entity", "name": "Hjem"}
    )
    assert result["errors"] == {"price_entity": "price_entity_required"}
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**EDS_DK2, "name": "Hjem"}
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Hjem"
    assert entry.data == {"name": "Hjem", **EDS_DK2}


async def test_options_change_tariffs(hass: HomeAssistant) -> None:
    """The options flow edits the tariffs; an invalid table is refused first."""
    entry: MockConfigEntry = site_entry([])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**TARIFFS, "tariff_preset": "custom", "custom_tou_table": "x"},
    )
    assert result["errors"] == {"custom_tou_table": "invalid_tou_table"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, "vat_pct": 0.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["vat_pct"] == 0.0
