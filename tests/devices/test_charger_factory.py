"""Charger settings as stored, and the driver each kind gets; detection to a running driver."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.v2g_home.devices.bidipro import BiDiProCharger
from custom_components.v2g_home.devices.charger import ChargerKind, SessionState
from custom_components.v2g_home.devices.charger_factory import (
    FAILSAFE_RANGES,
    ChargerSettings,
    create_charger,
)
from custom_components.v2g_home.devices.charger_profile import (
    ProfileCharger,
    available_charger_profiles,
)
from custom_components.v2g_home.devices.detect import detect_device
from custom_components.v2g_home.devices.errors import ProfileError
from custom_components.v2g_home.devices.quasar import QuasarCharger, SetpointMode
from custom_components.v2g_home.devices.simulator import (
    SimClock,
    SimDevice,
    SimulatedBiDiPro,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.sunspec_der import SunSpecDer

from .simulator_helpers import serving

OLD_QUASAR_ENTRY = {
    "host": "192.0.2.7",
    "port": 502,
    "unit_id": 1,
    "setpoint_mode": "power",
    "failsafe_timeout_s": 900,
    "leaf_pack": "40",
    "usable_capacity_kwh": 37.0,
}


def test_an_entry_from_before_the_charger_kinds_is_a_quasar() -> None:
    """No migration: the stored data of an existing Quasar builds the same driver as before."""
    settings = ChargerSettings.from_mapping(OLD_QUASAR_ENTRY)
    assert settings.kind is ChargerKind.QUASAR
    driver = create_charger(settings)
    assert isinstance(driver, QuasarCharger)
    assert (driver.setpoint_mode, driver.failsafe_timeout_s) == (
        SetpointMode.POWER,
        900,
    )
    assert driver.transport.host == "192.0.2.7"


@pytest.mark.parametrize(
    ("kind", "driver_type", "failsafe"),
    [
        (ChargerKind.BIDIPRO, BiDiProCharger, 120),
        (ChargerKind.SUNSPEC_DER, SunSpecDer, 120),
        (ChargerKind.QUASAR, QuasarCharger, 600),
    ],
)
def test_each_kind_gets_its_driver_and_default_failsafe(
    kind: ChargerKind, driver_type: type, failsafe: int
) -> None:
    settings = ChargerSettings(kind=kind, host="h", port=502, unit_id=3)
    assert settings.failsafe_s == failsafe == FAILSAFE_RANGES[kind].default
    assert isinstance(create_charger(settings), driver_type)
    assert ChargerSettings.from_mapping(settings.as_mapping()) == settings


def test_stored_settings_keep_only_what_applies() -> None:
    bidipro = ChargerSettings(
        kind=ChargerKind.BIDIPRO,
        host="h",
        port=502,
        unit_id=1,
        connector=3,
        failsafe_timeout_s=300,
    )
    assert bidipro.as_mapping() == {
        "charger_kind": "evtec_bidipro",
        "host": "h",
        "port": 502,
        "unit_id": 1,
        "connector": 3,
        "failsafe_timeout_s": 300,
    }
    driver = create_charger(bidipro)
    assert isinstance(driver, BiDiProCharger)
    assert (driver.connector, driver.failsafe_timeout_s) == (3, 300)


def test_a_failsafe_outside_the_kind_s_range_is_refused() -> None:
    """The BiDiPro accepts at most 600 s: a Quasar-sized 900 s is a settings error."""
    settings = ChargerSettings(
        kind=ChargerKind.BIDIPRO, host="h", port=1, unit_id=1, failsafe_timeout_s=900
    )
    with pytest.raises(ValueError, match=r"outside 30\.\.600"):
        create_charger(settings)


def test_a_profile_charger_needs_its_profile_installed() -> None:
    """The profile's own fail-safe seconds apply unless the owner stored others."""
    settings = ChargerSettings(
        kind=ChargerKind.PROFILE,
        host="h",
        port=1,
        unit_id=1,
        profile="example_v2g_charger",
    )
    assert settings.as_mapping()["charger_profile"] == "example_v2g_charger"
    assert ChargerSettings.from_mapping(settings.as_mapping()) == settings
    with pytest.raises(ProfileError, match="not installed"):
        create_charger(settings)
    profiles = available_charger_profiles()
    driver = create_charger(settings, profiles)
    assert isinstance(driver, ProfileCharger)
    assert driver.failsafe_timeout_s == 120
    own = replace(settings, failsafe_timeout_s=45)
    driver = create_charger(own, profiles)
    assert isinstance(driver, ProfileCharger)
    assert driver.failsafe_timeout_s == 45


@pytest.mark.parametrize(
    "make", [SimulatedQuasar, SimulatedBiDiPro, SimulatedDerStorage]
)
async def test_detected_settings_build_a_driver_that_runs(make: type) -> None:
    """What the config flow does: detect, store, build, connect, poll the shared status."""
    device: SimDevice = make(SimClock(manual=True))
    async with serving(device) as server:
        found = await detect_device("127.0.0.1", server.port, 1, timeout_s=0.5)
        kind = found.kind.charger_kind
        assert kind is not None
        settings = ChargerSettings(
            kind=kind,
            host="127.0.0.1",
            port=server.port,
            unit_id=1,
            connector=found.connector,
        )
        charger = create_charger(ChargerSettings.from_mapping(settings.as_mapping()))
        try:
            await charger.connect()
            assert (await charger.identify()) == found.identity
            status = (await charger.read()).status
            assert status.state is not SessionState.UNKNOWN
            assert status.capabilities.max_charge_kw > 0
        finally:
            await charger.close()
