"""Every way an action call can be wrong ends in a translated error, and nothing is forced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from tests.helpers.scheduling import flat, scheduler_of, set_prices
from tests.helpers.services import call, charger_device, pack_device
from tests.helpers.site import site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

HOUR = {"hours": 1}


async def refused(
    hass: HomeAssistant, action: str, **data: Any
) -> ServiceValidationError:
    """Call the action, expect a translated validation error, and return it."""
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, action, **data)
    assert caught.value.translation_domain == "v2g_home"
    return caught.value


@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        ("force_export", {"power_kw": 0, "duration": HOUR}, "invalid_power"),
        ("force_export", {"power_kw": 3700, "duration": HOUR}, "invalid_power"),
        (
            "force_export",
            {"power_kw": 3, "duration": {"hours": 25}},
            "invalid_duration",
        ),
        ("force_export", {"power_kw": 3, "duration": "00:00:00"}, "invalid_duration"),
        ("force_charge", {"duration": HOUR}, "power_or_target_required"),
        ("force_charge", {"power_kw": -2, "duration": HOUR}, "invalid_power"),
        ("force_charge", {"target_soc": 120, "duration": HOUR}, "invalid_target_soc"),
        ("force_charge", {"target_soc": 0, "duration": HOUR}, "invalid_target_soc"),
        ("set_departure", {"target_soc": 80}, "departure_time_required"),
        (
            "set_departure",
            {"time": "07:00", "datetime": "2030-01-01 07:00", "target_soc": 80},
            "departure_time_required",
        ),
        ("set_departure", {"time": "07:00", "target_soc": 101}, "invalid_target_soc"),
        (
            "set_departure",
            {"datetime": "2020-01-01 07:00", "target_soc": 80},
            "departure_in_past",
        ),
    ],
)
async def test_invalid_values_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Out-of-range power, duration or SoC and missing or past times name the problem."""
    error = await refused(hass, action, **data)
    assert error.translation_key == key
    scheduler = scheduler_of(loaded_entry)
    assert scheduler.forces == {}
    assert scheduler.departures == {}


async def test_the_error_message_is_translated(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The user reads what went wrong, with the value they gave."""
    error = await refused(hass, "force_export", power_kw=3700, duration=HOUR)
    # Home Assistant drops the final full stop of exception messages.
    assert str(error) == "The power must be more than 0 and at most 50 kW, not 3700 kW"


async def test_export_is_refused_while_the_site_does_not_allow_it(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """With export switched off, force_export says so instead of doing nothing."""
    await set_prices(hass, loaded_entry, flat(2.0, 0.5))
    await scheduler_of(loaded_entry).async_update_settings(export_allowed=False)
    error = await refused(hass, "force_export", power_kw=3, duration=HOUR)
    assert error.translation_key == "export_not_allowed"


async def test_a_departure_is_for_a_car_not_a_pack(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Aiming set_departure at the pack is refused."""
    error = await refused(
        hass, "set_departure", device_id=pack_device(hass), time="07:00", target_soc=80
    )
    assert error.translation_key == "departure_needs_car"


async def test_unknown_and_foreign_devices_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A device id that does not exist, or that belongs to another integration."""
    error = await refused(hass, "get_plan", device_id="no-such-device")
    assert error.translation_key == "device_not_found"
    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    lamp = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("demo", "lamp")}
    )
    error = await refused(hass, "get_plan", device_id=lamp.id)
    assert error.translation_key == "device_not_found"
    assert error.translation_placeholders == {"device_id": lamp.id}


async def test_site_errors(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Unknown site, a second site not loaded, a device of another site, no site named."""
    error = await refused(hass, "get_plan", config_entry_id="nope")
    assert error.translation_key == "entry_not_found"
    second = site_entry([])
    second.add_to_hass(hass)
    error = await refused(hass, "get_plan", config_entry_id=second.entry_id)
    assert error.translation_key == "entry_not_loaded"
    assert error.translation_placeholders == {"site": "Home"}
    error = await refused(
        hass,
        "force_charge",
        config_entry_id=second.entry_id,
        device_id=charger_device(hass),
        power_kw=3,
        duration=HOUR,
    )
    assert error.translation_key == "device_not_in_site"
    error = await refused(hass, "get_plan")
    assert error.translation_key == "site_required"
    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    error = await refused(hass, "get_plan", config_entry_id=other.entry_id)
    assert error.translation_key == "entry_not_found"


async def test_no_site_at_all(hass: HomeAssistant) -> None:
    """Before any site is set up the actions exist but say a site is needed."""
    assert await async_setup_component(hass, "v2g_home", {})
    error = await refused(hass, "get_plan")
    assert error.translation_key == "site_required"


async def test_schema_errors_reach_the_user_before_the_scheduler(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A power that is not a number or a duration that is not one fails in the schema."""
    with pytest.raises(vol.Invalid, match="power_kw"):
        await call(hass, "force_export", power_kw="lots", duration=HOUR)
    with pytest.raises(vol.Invalid, match="duration"):
        await call(hass, "force_export", power_kw=3, duration="soon")
    assert scheduler_of(loaded_entry).forces == {}
