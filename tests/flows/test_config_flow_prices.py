"""Price source and tariff forms, and their validation errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er
import pytest
import voluptuous as vol

from custom_components.v2g_home.const import (
    CONF_CURRENCY,
    CONF_CUSTOM_TOU,
    CONF_PRICE_AREA,
    CONF_PRICE_ENTITY,
    CONF_PRICE_SOURCE,
    CONF_TARIFF_PRESET,
    CONF_VAT_PCT,
    PRESET_CUSTOM,
    SOURCE_ENERGIDATASERVICE,
    SOURCE_ENTITY,
)
from custom_components.v2g_home.flows.prices import (
    PRESET_IDS,
    price_source_schema,
    tariff_schema,
    validate_price_source,
    validate_tariffs,
)
from tests.helpers.recorded import load_fixture

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

EDS = {
    CONF_PRICE_SOURCE: SOURCE_ENERGIDATASERVICE,
    CONF_PRICE_AREA: "DK2",
    CONF_CURRENCY: "EUR",
}


def test_price_source_schema_defaults_and_suggestion() -> None:
    """Defaults fill the form; a known entity is suggested, not forced."""
    filled = price_source_schema({})({})
    assert filled == {
        CONF_PRICE_SOURCE: SOURCE_ENERGIDATASERVICE,
        CONF_PRICE_AREA: "DK1",
        CONF_CURRENCY: "DKK",
    }
    schema = price_source_schema(
        {CONF_PRICE_ENTITY: "sensor.nordpool", CONF_PRICE_AREA: "DK2"}
    )
    assert schema({})[CONF_PRICE_AREA] == "DK2"
    key = next(k for k in schema.schema if k == CONF_PRICE_ENTITY)
    assert key.description == {"suggested_value": "sensor.nordpool"}
    with pytest.raises(vol.Invalid):
        schema({CONF_PRICE_AREA: "SE3"})


def test_tariff_schema_offers_presets_with_danish_defaults() -> None:
    """Presets, none and custom are offered; VAT defaults to 25 %."""
    assert PRESET_IDS[0] == "none"
    assert PRESET_IDS[-2:] == (PRESET_CUSTOM, "template")
    assert {"radius", "cerius", "n1"} <= set(PRESET_IDS)
    filled = tariff_schema({CONF_TARIFF_PRESET: "radius"})({})
    assert filled[CONF_TARIFF_PRESET] == "radius"
    assert filled[CONF_VAT_PCT] == 25.0
    assert "tariff_template" not in filled
    key = next(
        k
        for k in tariff_schema({"tariff_template": "{{ 0.3 }}"}).schema
        if k == "tariff_template"
    )
    assert key.description == {"suggested_value": "{{ 0.3 }}"}
    with pytest.raises(vol.Invalid):
        tariff_schema({})({CONF_TARIFF_PRESET: "atlantis"})


async def test_energidataservice_source_is_valid(hass: HomeAssistant) -> None:
    """Energi Data Service needs only a valid area and currency."""
    assert await validate_price_source(hass, EDS) == {}
    assert await validate_price_source(
        hass, {**EDS, CONF_PRICE_AREA: "NO1", CONF_CURRENCY: "SEK"}
    ) == {
        CONF_PRICE_AREA: "invalid_price_area",
        CONF_CURRENCY: "invalid_currency",
    }


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("entity_nordpool_hacs_dk1_2026-01-14.json", {}),
        ("entity_energidataservice_hacs_dk1_2026-01-14.json", {}),
        ("entity_entsoe_dk1_2026-01-14_15.json", {}),
        (None, {CONF_PRICE_ENTITY: "unknown_price_format"}),
    ],
)
async def test_entity_source_shapes(
    hass: HomeAssistant, fixture: str | None, expected: dict[str, str]
) -> None:
    """Known attribute layouts pass; anything else gets unknown_price_format."""
    attributes = load_fixture(fixture) if fixture else {"today": [0.1, 0.2]}
    hass.states.async_set("sensor.prices", "0.3", attributes)
    assert (
        await validate_price_source(
            hass,
            {
                **EDS,
                CONF_PRICE_SOURCE: SOURCE_ENTITY,
                CONF_PRICE_ENTITY: "sensor.prices",
            },
        )
        == expected
    )


async def test_entity_source_needs_an_existing_entity(hass: HomeAssistant) -> None:
    """No entity chosen, or one that does not exist."""
    entity_source = {**EDS, CONF_PRICE_SOURCE: SOURCE_ENTITY}
    assert await validate_price_source(hass, entity_source) == {
        CONF_PRICE_ENTITY: "price_entity_required"
    }
    assert await validate_price_source(
        hass, {**entity_source, CONF_PRICE_ENTITY: "sensor.gone"}
    ) == {CONF_PRICE_ENTITY: "price_entity_not_found"}


async def test_core_nordpool_sensor_is_accepted(hass: HomeAssistant) -> None:
    """A core Nord Pool sensor has no forecast attributes but is read through its action."""
    er.async_get(hass).async_get_or_create(
        "sensor",
        "nordpool",
        "DK1-current_price",
        suggested_object_id="nord_pool_dk1_current_price",
    )
    hass.states.async_set(
        "sensor.nord_pool_dk1_current_price", "0.5", {"unit_of_measurement": "DKK/kWh"}
    )
    errors = await validate_price_source(
        hass,
        {
            **EDS,
            CONF_PRICE_SOURCE: SOURCE_ENTITY,
            CONF_PRICE_ENTITY: "sensor.nord_pool_dk1_current_price",
        },
    )
    assert errors == {}


def test_validate_tariffs() -> None:
    """Presets pass; a custom table must parse; unknown presets are refused."""
    assert validate_tariffs({CONF_TARIFF_PRESET: "radius"}) == {}
    assert (
        validate_tariffs(
            {
                CONF_TARIFF_PRESET: PRESET_CUSTOM,
                CONF_CUSTOM_TOU: "00-17 0.2\n17-21 0.9\n21-24 0.2",
            }
        )
        == {}
    )
    assert validate_tariffs(
        {CONF_TARIFF_PRESET: PRESET_CUSTOM, CONF_CUSTOM_TOU: "17-21 0.9"}
    ) == {CONF_CUSTOM_TOU: "invalid_tou_table"}
    assert validate_tariffs({CONF_TARIFF_PRESET: "atlantis"}) == {
        CONF_TARIFF_PRESET: "unknown_tariff_preset"
    }


async def test_validate_template_tariff(hass: HomeAssistant) -> None:
    """A template must be given and, with hass, render a number."""
    good = {
        CONF_TARIFF_PRESET: "template",
        "tariff_template": "{{ 0.9 if 17 <= start.hour < 21 else 0.3 }}",
    }
    assert validate_tariffs(good, hass) == {}
    assert validate_tariffs(good) == {}
    assert validate_tariffs(
        {CONF_TARIFF_PRESET: "template", "tariff_template": " "}
    ) == {"tariff_template": "invalid_tariff_template"}
    assert validate_tariffs(
        {CONF_TARIFF_PRESET: "template", "tariff_template": "{{ 'cheap' }}"}, hass
    ) == {"tariff_template": "invalid_tariff_template"}
    assert validate_tariffs(
        {CONF_TARIFF_PRESET: "template", "tariff_template": "{{ 0.9 "}, hass
    ) == {"tariff_template": "invalid_tariff_template"}
