"""The site's options name the house, solar and grid meter sensors; wrong sensors are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.data_entry_flow import FlowResultType

from tests.helpers.site import site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

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
METERS = {
    "house_power_entity": "sensor.house_power",
    "solar_power_entity": "sensor.solar_power",
    "grid_meter_entity": "sensor.grid_export_energy",
}


def add_meters(hass: HomeAssistant) -> None:
    """A power sensor with a device class, one with only a unit, an energy meter, a thermometer."""
    hass.states.async_set(
        "sensor.house_power",
        "640",
        {"device_class": "power", "unit_of_measurement": "W"},
    )
    hass.states.async_set("sensor.solar_power", "1.2", {"unit_of_measurement": "kW"})
    hass.states.async_set(
        "sensor.grid_export_energy",
        "812.4",
        {"device_class": "energy", "unit_of_measurement": "kWh"},
    )
    hass.states.async_set(
        "sensor.living_room",
        "21.5",
        {"device_class": "temperature", "unit_of_measurement": "°C"},
    )


async def submit(hass: HomeAssistant, data: dict[str, Any]) -> tuple[Any, Any]:
    """Open the site's options and submit the form once; return the entry and the result."""
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)
    return entry, result


async def test_meters_are_stored_in_the_options(hass: HomeAssistant) -> None:
    """Power in W, power in kW without a device class, and an energy meter are all accepted."""
    add_meters(hass)
    entry, result = await submit(hass, {**TARIFFS, **METERS})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: entry.options[key] for key in METERS} == METERS
    reopened = await hass.config_entries.options.async_init(entry.entry_id)
    schema = reopened["data_schema"].schema
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema
        if str(key) in METERS
    }
    assert suggested == METERS
    await hass.config_entries.options.async_configure(
        reopened["flow_id"], dict(TARIFFS)
    )
    assert not set(METERS) & set(entry.options), "a cleared field removes the meter"


async def test_missing_and_non_power_sensors_are_refused(hass: HomeAssistant) -> None:
    """A sensor that does not exist and a thermometer each get their own error."""
    add_meters(hass)
    entry, result = await submit(
        hass,
        {
            **TARIFFS,
            "house_power_entity": "sensor.gone",
            "solar_power_entity": "sensor.living_room",
            "grid_meter_entity": "sensor.grid_export_energy",
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        "house_power_entity": "meter_entity_not_found",
        "solar_power_entity": "meter_entity_not_power_or_energy",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, **METERS}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["house_power_entity"] == "sensor.house_power"


async def test_tariff_and_meter_errors_show_together(hass: HomeAssistant) -> None:
    """A wrong tariff table and a wrong sensor are both reported in one go."""
    add_meters(hass)
    _, result = await submit(
        hass,
        {
            **TARIFFS,
            "tariff_preset": "custom",
            "custom_tou_table": "x",
            "grid_meter_entity": "sensor.living_room",
        },
    )
    assert result["errors"] == {
        "custom_tou_table": "invalid_tou_table",
        "grid_meter_entity": "meter_entity_not_power_or_energy",
    }
