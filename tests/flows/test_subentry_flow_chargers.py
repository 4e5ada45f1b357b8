"""Adding the chargers on sale: a BiDiPro 10 and a SunSpec DER device are detected; others are chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.v2g_home.devices.simulator import (
    ConnectorKind,
    ModbusSimulator,
    SimClock,
    SimulatedBiDiPro,
)
from tests.devices.profile_charger_device import ExampleCharger
from tests.helpers.flows import (
    CONNECTION_FORM,
    PACK_FORM,
    configure,
    form_answers,
    start_subentry_flow,
)
from tests.helpers.site import charger_data, pack_data, site_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry


async def _connect(
    hass: HomeAssistant, entry: MockConfigEntry, port: int
) -> dict[str, Any]:
    result = await start_subentry_flow(hass, entry, "charger")
    return dict(
        await configure(hass, result, form_answers(charger_data(port), CONNECTION_FORM))
    )


def _fields(result: dict[str, Any]) -> dict[str, Any]:
    """The form's fields and their defaults."""
    return {
        str(key): key.default() if callable(key.default) else None
        for key in result["data_schema"].schema
    }


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    """A site with no device yet."""
    site = site_entry([])
    site.add_to_hass(hass)
    return site


async def test_a_bidipro_with_a_leaf_is_detected_and_added(
    hass: HomeAssistant, entry: MockConfigEntry, bidipro_server: ModbusSimulator
) -> None:
    """The model string tells the BiDiPro; CHAdeMO means a Leaf; its own fail-safe range applies."""
    result = await _connect(hass, entry, bidipro_server.port)
    assert result["step_id"] == "settings"
    fields = _fields(result)
    assert fields == {"leaf_pack": "40", "failsafe_timeout_s": 120}
    result = dict(
        await configure(hass, result, {"leaf_pack": "40", "failsafe_timeout_s": 120})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "EVTEC BiDiPro 10"
    (subentry,) = entry.subentries.values()
    assert subentry.data["charger_kind"] == "evtec_bidipro"
    assert subentry.data["connector"] == 1
    assert subentry.data["connector_type"] == "chademo"
    assert subentry.unique_id == "EVT10-000123"


async def test_a_ccs_car_on_connector_3_asks_for_its_capacity(
    hass: HomeAssistant, entry: MockConfigEntry, clock: SimClock
) -> None:
    """Behind CCS the car is not a Leaf: the flow asks for the usable capacity (50 kWh offered)."""
    evse = SimulatedBiDiPro(clock, connector=3, connector_kind=ConnectorKind.CCS)
    server = ModbusSimulator({1: evse}, clock=clock)
    await server.start()
    try:
        result = await _connect(hass, entry, server.port)
        assert _fields(result)["leaf_pack"] == "custom"
        result = dict(
            await configure(
                hass, result, {"leaf_pack": "custom", "failsafe_timeout_s": 60}
            )
        )
        assert result["step_id"] == "capacity"
        assert _fields(result) == {"usable_capacity_kwh": 50.0}
        result = dict(await configure(hass, result, {"usable_capacity_kwh": 72.0}))
    finally:
        await server.stop()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert (subentry.data["connector"], subentry.data["connector_type"]) == (3, "ccs")
    assert subentry.data["usable_capacity_kwh"] == 72.0


async def test_a_failsafe_outside_the_chargers_range_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry, bidipro_server: ModbusSimulator
) -> None:
    """The BiDiPro takes at most 600 s: the form refuses more."""
    result = await _connect(hass, entry, bidipro_server.port)
    with pytest.raises(Exception, match="failsafe_timeout_s"):
        await configure(hass, result, {"leaf_pack": "40", "failsafe_timeout_s": 3600})


async def test_a_sunspec_der_device_is_detected_as_a_charger(
    hass: HomeAssistant, entry: MockConfigEntry, der_server: ModbusSimulator
) -> None:
    """SunSpec with models 701, 704 and 713 is driven as a DER charger."""
    result = await _connect(hass, entry, der_server.port)
    assert _fields(result) == {"leaf_pack": "custom", "failsafe_timeout_s": 120}
    result = dict(
        await configure(
            hass, result, {"leaf_pack": "custom", "failsafe_timeout_s": 120}
        )
    )
    result = dict(await configure(hass, result, {"usable_capacity_kwh": 13.5}))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["charger_kind"] == "sunspec_der"


async def test_a_sunspec_battery_is_not_a_charger(
    hass: HomeAssistant, entry: MockConfigEntry, pack_server: ModbusSimulator
) -> None:
    """A SunSpec 802 battery at the charger's address: a translated error says where it belongs."""
    result = await _connect(hass, entry, pack_server.port)
    assert result["errors"] == {"base": "not_a_charger"}


async def test_an_unknown_charger_is_chosen_from_the_list_with_the_profiles(
    hass: HomeAssistant, entry: MockConfigEntry, clock: SimClock
) -> None:
    """Nothing tells what it is: the list offers the drivers and the profiles; a profile needs no fail-safe."""
    server = ModbusSimulator({1: ExampleCharger()}, clock=clock)
    await server.start()
    try:
        result = await _connect(hass, entry, server.port)
        assert result["step_id"] == "kind"
        (field,) = result["data_schema"].schema
        options = result["data_schema"].schema[field].config["options"]
        values = [option["value"] for option in options]
        assert values[:3] == ["quasar", "evtec_bidipro", "sunspec_der"]
        assert "profile:example_v2g_charger" in values
        wrong = dict(await configure(hass, result, {"charger_kind": "quasar"}))
        wrong = dict(
            await configure(
                hass,
                wrong,
                {
                    "leaf_pack": "40",
                    "setpoint_mode": "current",
                    "failsafe_timeout_s": 600,
                },
            )
        )
        assert wrong["errors"] == {"base": "unsupported_device"}
        result = await _connect(hass, entry, server.port)
        result = dict(
            await configure(
                hass, result, {"charger_kind": "profile:example_v2g_charger"}
            )
        )
        assert _fields(result) == {"leaf_pack": "custom"}
        result = dict(await configure(hass, result, {"leaf_pack": "custom"}))
        result = dict(await configure(hass, result, {"usable_capacity_kwh": 60.0}))
    finally:
        await server.stop()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["charger_kind"] == "profile"
    assert subentry.data["charger_profile"] == "example_v2g_charger"


async def test_a_der_battery_gets_the_der_driver(
    hass: HomeAssistant, entry: MockConfigEntry, der_server: ModbusSimulator
) -> None:
    """Add battery with SunSpec auto-detect stores the DER driver for a 701/704/713 device."""
    result = await start_subentry_flow(hass, entry, "pack")
    result = await configure(
        hass, result, form_answers(pack_data(der_server.port), PACK_FORM)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["pack_driver"] == "sunspec_der"
