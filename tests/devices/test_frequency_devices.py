"""Frequency-response reads against the simulator: fast power reads, 701 Hz, the profiled grid meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.bidipro import BiDiProCharger
from custom_components.v2g_home.devices.errors import ProfileError
from custom_components.v2g_home.devices.fast_read import der_frequency_hz, fast_reader
from custom_components.v2g_home.devices.frequency_meter import (
    FrequencyMeter,
    available_meter_profiles,
    parse_meter_profile,
)
from custom_components.v2g_home.devices.quasar import QuasarCharger
from custom_components.v2g_home.devices.simulator import (
    SimClock,
    SimulatedBiDiPro,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.simulator.grid_frequency import (
    FrequencyStep,
    FrequencyTrace,
)
from custom_components.v2g_home.devices.simulator.grid_meter import SimulatedGridMeter
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.sunspec import SunSpecPack
from custom_components.v2g_home.devices.sunspec_der import SunSpecDer

from .conftest import open_transport
from .simulator_helpers import serving

if TYPE_CHECKING:
    from pathlib import Path


async def test_fast_power_reads_take_one_request_and_leave_the_driver_alone() -> None:
    """Quasar, BiDiPro and DER: the power now in one request, + charging; control state untouched."""
    clock = SimClock(manual=True)
    quasar = SimulatedQuasar(clock)
    quasar.user_current_a = 10  # the owner's app charges at 2.3 kW
    evse = SimulatedBiDiPro(clock)
    evse.setpoint_w = -4000
    der = SimulatedDerStorage(clock)
    der.local_power_kw = -1.5
    cases = (
        (quasar, QuasarCharger, "quasar", 2.3),
        (evse, BiDiProCharger, "evtec_bidipro", -4.0),
        (der, SunSpecDer, "sunspec_der", -1.5),
    )
    for device, driver_type, key, expected in cases:
        async with serving(device) as server:
            transport = await open_transport(server)
            driver = driver_type(transport)
            await driver.connect()
            reader = fast_reader(driver)
            assert reader is not None
            before = server.request_count
            assert await reader.power_kw() == pytest.approx(expected)
            assert server.request_count == before + 1
            assert reader.speed_key == key
            assert not driver.in_control
            await transport.close()


async def test_a_device_without_a_fast_read_cannot_take_part() -> None:
    """A SunSpec 802 pack has no figures and no fast read."""
    async with serving(SimulatedSunSpecPack(SimClock(manual=True))) as server:
        transport = await open_transport(server)
        pack = SunSpecPack(transport)
        await pack.connect()
        assert fast_reader(pack) is None
        await transport.close()


async def test_the_der_device_gives_its_701_frequency() -> None:
    """701 Hz with its scale factor, as the grid trace has it."""
    clock = SimClock(manual=True)
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=1, duration_s=9, hz=49.71),)
    )
    async with serving(SimulatedDerStorage(clock, grid=trace)) as server:
        transport = await open_transport(server)
        driver = SunSpecDer(transport)
        await driver.connect()
        assert await der_frequency_hz(driver) == pytest.approx(50.0)
        clock.advance(1)
        assert await der_frequency_hz(driver) == pytest.approx(49.71)
        await transport.close()


async def test_the_example_meter_profile_reads_the_simulated_meter() -> None:
    """The shipped example profile: float32 Hz at 100; NaN (the garbage fault) is no value."""
    (profile,) = available_meter_profiles().values()
    assert profile.id == "example_grid_meter"
    clock = SimClock(manual=True)
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=0, duration_s=9, hz=49.8),)
    )
    async with serving(SimulatedGridMeter(trace)) as server:
        meter = FrequencyMeter(await open_transport(server), profile)
        assert await meter.read_hz() == pytest.approx(49.8)
        server.faults.garbage = True
        assert await meter.read_hz() is None
        await meter.close()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"frequency": {"address": 1, "type": "string", "count": 4}}, "number"),
        ({"frequency": {"address": 1, "type": "uint16", "unit": "kHz"}}, "in Hz"),
        ({"frequency": {"address": 70000, "type": "uint16"}}, "frequency.address"),
        ({"id": "Bad Id"}, "id"),
    ],
)
def test_a_broken_meter_profile_names_its_field(
    changes: dict[str, object], message: str
) -> None:
    """Each mistake is refused with where it is."""
    data = {
        "id": "meter",
        "name": "Meter",
        "frequency": {"address": 30, "type": "uint16", "scale": 0.01},
        **changes,
    }
    with pytest.raises(ProfileError, match=message):
        parse_meter_profile(data, "meter.yaml")


def test_meter_profiles_are_read_from_their_folder(tmp_path: Path) -> None:
    """Broken files are left out, the rest loaded by id."""
    (tmp_path / "good.yaml").write_text(
        "id: good\nname: Good\nfrequency: {address: 5, type: uint16, scale: 0.01}\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.yaml").write_text("id: bad\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    profiles = available_meter_profiles(tmp_path)
    assert list(profiles) == ["good"]
    assert profiles["good"].frequency.scale == 0.01
