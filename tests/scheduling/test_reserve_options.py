"""The site's options turn reserves on: products, the aggregator's share, the hours offered, the band."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers.site import site_entry

from .test_load_forecast_options import TARIFFS
from .test_reserves import RESERVES

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


def dk2_site() -> MockConfigEntry:
    """A site without devices in DK2, where FCR-N and FCR-D are sold."""
    entry = site_entry([])
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        data={**entry.data, "price_area": "DK2"},
        options=dict(entry.options),
    )


async def test_reserves_are_stored_as_a_section_of_the_options(
    hass: HomeAssistant,
) -> None:
    """Turned on with three products from 17:00 to 07:00 and a 30-80 % band; reopened with them."""
    entry = dk2_site()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    chosen = {
        **RESERVES,
        "reserve_offer_from": "17:00:00",
        "reserve_offer_to": "07:00:00",
        "reserve_soc_low_pct": 30,
        "reserve_soc_high_pct": 80,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, "reserves": chosen}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["reserves"] == chosen
    reopened = await hass.config_entries.options.async_init(entry.entry_id)
    (section,) = (
        key for key in reopened["data_schema"].schema if str(key) == "reserves"
    )
    fields = reopened["data_schema"].schema[section].schema.schema
    defaults = {str(key): key.default() for key in fields}
    assert defaults["reserve_offer_from"] == "17:00:00"
    assert defaults["reserve_soc_low_pct"] == 30
    assert defaults["reserve_products"] == ["fcr_n", "fcr_d_up", "fcr_d_down"]


async def test_a_site_without_the_section_stays_without_reserves(
    hass: HomeAssistant,
) -> None:
    """The section is optional: tariffs alone still save."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], dict(TARIFFS)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "reserves" not in entry.options


async def test_no_products_or_an_upside_down_band_are_refused(
    hass: HomeAssistant,
) -> None:
    """Reserves on without a product, or a lowest SoC above the highest: errors on the section."""
    entry = dk2_site()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, "reserves": {**RESERVES, "reserve_products": []}}
    )
    assert result["errors"] == {"reserves": "reserve_products_empty"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **TARIFFS,
            "reserves": {
                **RESERVES,
                "reserve_soc_low_pct": 90,
                "reserve_soc_high_pct": 40,
            },
        },
    )
    assert result["errors"] == {"reserves": "reserve_band_invalid"}


def _products_field(result: dict[str, object]) -> tuple[list[str], list[str]]:
    """The options and the default of the products field in a shown options form."""
    schema = result["data_schema"].schema  # type: ignore[attr-defined]
    (section,) = (key for key in schema if str(key) == "reserves")
    fields = schema[section].schema.schema
    (key,) = (key for key in fields if str(key) == "reserve_products")
    return list(fields[key].config["options"]), list(key.default())


async def test_a_dk1_site_is_offered_dk1s_products(hass: HomeAssistant) -> None:
    """DK1 is in the continental area: its FCR and mFRR up, its FCR chosen at first; FCR-N is refused."""
    entry = site_entry([])
    assert entry.data["price_area"] == "DK1"
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert _products_field(result) == (["fcr_dk1", "mfrr_up"], ["fcr_dk1"])
    chosen = {**RESERVES, "reserve_products": ["fcr_dk1", "mfrr_up"]}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, "reserves": chosen}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["reserves"]["reserve_products"] == ["fcr_dk1", "mfrr_up"]
    again = await hass.config_entries.options.async_init(entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            again["flow_id"], {**TARIFFS, "reserves": RESERVES}
        )
