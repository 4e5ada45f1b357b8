"""A DER device's own droop (model 711) set for a reserve, watched, reverted and restored."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.control.droop_curve import curve_for
from custom_components.v2g_home.control.reserve import ReservedPower
from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import (
    FrequencyStep,
    FrequencyTrace,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.sunspec_der import SunSpecDer
from custom_components.v2g_home.devices.sunspec_droop import DerDroop, SavedDroop

from .conftest import open_transport
from .simulator_helpers import serving

UP = ReservedPower(fcr_d_up_kw=3.0)


def _device(clock: SimClock) -> SimulatedDerStorage:
    trace = FrequencyTrace(
        clock, noise=False, steps=(FrequencyStep(start_s=10, duration_s=900, hz=49.7),)
    )
    return SimulatedDerStorage(clock, grid=trace, with_droop=True)


async def test_a_device_without_711_has_no_local_droop() -> None:
    """The plain DER simulator: None, the fast task responds instead."""
    async with serving(SimulatedDerStorage(SimClock(manual=True))) as server:
        driver = SunSpecDer(await open_transport(server))
        await driver.connect()
        assert await DerDroop.find(driver) is None
        await driver.close()


async def test_the_reserve_is_delivered_by_the_device_and_then_restored() -> None:
    """FCR-D up 3 kW on the 5 kW device: 1.5 kW more export at 49.7 Hz; afterwards its own curve."""
    clock = SimClock(manual=True)
    der = _device(clock)
    async with serving(der) as server:
        driver = SunSpecDer(await open_transport(server))
        await driver.connect()
        droop = await DerDroop.find(driver)
        assert droop is not None
        assert (droop.rated_kw, droop.spare_index) == (5.0, 2)
        curve = curve_for(UP, droop.rated_kw)
        assert curve is not None
        own = dict(der.droop.settings) if der.droop else {}
        saved = await droop.apply(curve, revert_s=30, saved=None)
        assert saved.ena == 0
        assert await droop.is_applied(curve, saved.active["PMin"])
        clock.advance(20)
        assert der.power_kw == pytest.approx(-1.5, rel=0.01)
        await droop.restore(saved)
        assert der.droop is not None
        # Everything as it was; the adoption request itself stays the last one written.
        assert {**der.droop.settings, "AdptCtlReq": 0} == own
        clock.advance(20)
        assert der.power_kw == pytest.approx(0.0, abs=0.01)
        await driver.close()


async def test_without_refreshes_the_device_reverts_to_its_own_curve() -> None:
    """Home Assistant gone: 30 s later the device runs its own curve again (and the watchdog sees it)."""
    clock = SimClock(manual=True)
    der = _device(clock)
    async with serving(der) as server:
        driver = SunSpecDer(await open_transport(server))
        await driver.connect()
        droop = await DerDroop.find(driver)
        assert droop is not None
        curve = curve_for(UP, droop.rated_kw)
        assert curve is not None
        saved = await droop.apply(curve, revert_s=30, saved=None)
        clock.advance(25)
        await droop.refresh(30)
        clock.advance(25)
        assert await droop.is_applied(curve, saved.active["PMin"])
        clock.advance(10)
        assert not await droop.is_applied(curve, saved.active["PMin"])
        assert await droop.read_set(1) == saved.active
        # Applied again after a restart: the saved state is the device's own, not ours.
        again = await droop.apply(curve, revert_s=30, saved=saved)
        assert again == saved
        assert SavedDroop.from_dict(saved.as_dict()) == saved
        await driver.close()
