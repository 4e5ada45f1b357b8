"""The site's options name where the grid frequency comes from: a profiled Modbus meter or a sensor in Hz."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.data_entry_flow import FlowResultType
import pytest

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
METER = {
    "frequency_meter_host": "192.0.2.10",
    "frequency_meter_port": 502,
    "frequency_meter_unit_id": 1,
    "frequency_meter_profile": "example_grid_meter",
}


async def submit(hass: HomeAssistant, data: dict[str, Any]) -> tuple[Any, Any]:
    """Open the site's options and submit the form once; return the entry and the result."""
    hass.states.async_set("sensor.grid_hz", "50.01", {"unit_of_measurement": "Hz"})
    hass.states.async_set("sensor.grid_khz", "0.05", {"unit_of_measurement": "kHz"})
    hass.states.async_set("sensor.mains_volts", "230", {"unit_of_measurement": "V"})
    entry = site_entry([])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "frequency_meter_profile" in {
        str(key) for key in result["data_schema"].schema
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TARIFFS, **data}
    )
    return entry, result


@pytest.mark.parametrize(
    "source",
    [
        METER,
        {"frequency_entity": "sensor.grid_hz"},
        {"frequency_entity": "sensor.grid_khz"},
    ],
)
async def test_a_meter_or_a_sensor_in_hz_is_stored(
    hass: HomeAssistant, source: dict[str, Any]
) -> None:
    """A meter with a known profile, or a sensor in Hz or kHz, lands in the options as given."""
    entry, result = await submit(hass, source)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: entry.options[key] for key in source} == source


@pytest.mark.parametrize(
    ("source", "errors"),
    [
        (
            {"frequency_meter_host": "192.0.2.10"},
            {"frequency_meter_profile": "meter_profile_required"},
        ),
        (
            {**METER, "frequency_meter_port": 0, "frequency_meter_unit_id": 300},
            {
                "frequency_meter_port": "invalid_port",
                "frequency_meter_unit_id": "invalid_unit_id",
            },
        ),
        (
            {"frequency_entity": "sensor.gone"},
            {"frequency_entity": "frequency_entity_not_found"},
        ),
        (
            {"frequency_entity": "sensor.mains_volts"},
            {"frequency_entity": "frequency_entity_not_hz"},
        ),
    ],
)
async def test_a_wrong_source_is_refused_with_its_reason(
    hass: HomeAssistant, source: dict[str, Any], errors: dict[str, str]
) -> None:
    """A meter without its profile, ports out of range, a missing sensor or one not in Hz: each field says why."""
    entry, result = await submit(hass, source)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not set(source) & set(entry.options)
