"""A site for the frequency tests: devices that ramp, a grid meter, flat prices, every device in auto."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
import time
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.control.reserve import Commitment, ReserveProduct
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimulatedBiDiPro,
)
from custom_components.v2g_home.devices.simulator.actuator import (
    BIDIPRO_DYNAMICS,
    DER_DYNAMICS,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.simulator.sunspec_der_droop import LocalDroop
from custom_components.v2g_home.grid.responder import FrequencyResponder
from tests.helpers.scheduling import flat, select, set_prices
from tests.helpers.site import bidipro_subentry, der_pack_subentry, site_entry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from homeassistant.config_entries import ConfigSubentryData
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.coordinators.charger import ChargerCoordinator
    from custom_components.v2g_home.devices.simulator import SimClock, SimDevice
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )


def meter_options(port: int) -> dict[str, Any]:
    """Site options naming the simulated grid meter as the frequency source."""
    return {
        "frequency_meter_host": "127.0.0.1",
        "frequency_meter_port": port,
        "frequency_meter_unit_id": 1,
        "frequency_meter_profile": "example_grid_meter",
    }


def grid_site(
    subentries: list[ConfigSubentryData], area: str = "DK2", **options: Any
) -> MockConfigEntry:
    """A site in `area` (DK2: FCR-N and FCR-D) with these devices and extra options (the frequency source)."""
    entry = site_entry(subentries)
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        data={**entry.data, "price_area": area},
        options={**entry.options, **options},
        subentries_data=subentries,
    )


@asynccontextmanager
async def serving(device: SimDevice) -> AsyncIterator[ModbusSimulator]:
    """A device on a loopback port for the length of a test."""
    server = ModbusSimulator({1: device})
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


DER_MODE = "select.v2g_home_simulated_der_storage_control_mode"
BIDIPRO_MODE = "select.evtec_bidipro_10_control_mode"


@dataclass(frozen=True)
class ChargerSite:
    """A site of one BiDiPro 10 that ramps in real time, the grid meter its frequency source, in auto."""

    evse: SimulatedBiDiPro
    server: ModbusSimulator
    entry: MockConfigEntry
    responder: FrequencyResponder
    device_id: str


@asynccontextmanager
async def bidipro_site(
    hass: HomeAssistant, clock: SimClock, meter_port: int, area: str = "DK2"
) -> AsyncIterator[ChargerSite]:
    """Serve a BiDiPro 10 and set a site in `area` up with it, for the length of a test."""
    evse = SimulatedBiDiPro(clock, dynamics=BIDIPRO_DYNAMICS)
    async with serving(evse) as server:
        entry = grid_site(
            [bidipro_subentry(server.port)], area=area, **meter_options(meter_port)
        )
        responder = await start(hass, entry, [BIDIPRO_MODE])
        (device_id,) = entry.runtime_data.devices
        yield ChargerSite(evse, server, entry, responder, device_id)


@dataclass(frozen=True)
class DroopSite:
    """A site of one SunSpec DER battery with its own model 711 droop, set up and in auto."""

    der: SimulatedDerStorage
    droop: LocalDroop
    server: ModbusSimulator
    entry: MockConfigEntry
    responder: FrequencyResponder
    device_id: str


@asynccontextmanager
async def droop_site(
    hass: HomeAssistant, clock: SimClock, grid: FrequencyTrace
) -> AsyncIterator[DroopSite]:
    """Serve a DER battery with model 711 and set a site up with it, for the length of a test."""
    der = SimulatedDerStorage(clock, grid=grid, with_droop=True, dynamics=DER_DYNAMICS)
    assert der.droop is not None
    async with serving(der) as server:
        entry = grid_site([der_pack_subentry(server.port)])
        responder = await start(hass, entry, [DER_MODE])
        (device_id,) = entry.runtime_data.devices
        yield DroopSite(der, der.droop, server, entry, responder, device_id)


async def start(
    hass: HomeAssistant, entry: MockConfigEntry, modes: list[str]
) -> FrequencyResponder:
    """Set the site up with flat prices and no trips, put the devices in auto; return the responder."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    scheduler = entry.runtime_data.scheduler
    await scheduler.async_update_settings(departure_time=None)
    await set_prices(hass, entry, flat(1.0, 1.0))
    for mode in modes:
        await select(hass, mode, "auto")
    return entry.runtime_data.responder


async def commit(
    responder: FrequencyResponder,
    device_id: str,
    product: ReserveProduct,
    kw: float,
    minutes: float = 30,
) -> None:
    """Hold a reserve on a device from now, through the interface issue 19 fills."""
    now = dt_util.utcnow()
    await responder.book.async_commit(
        [
            Commitment(
                device_id=device_id,
                product=product,
                kw=kw,
                start=now,
                end=now + timedelta(minutes=minutes),
                source="test",
            )
        ]
    )


async def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    """Wait in real time until `condition` holds; the seconds it took (fails after `timeout_s`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"not within {timeout_s} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def settle(hass: HomeAssistant, seconds: float) -> None:
    """Let real time pass with Home Assistant running."""
    await asyncio.sleep(seconds)
    await hass.async_block_till_done()


async def soc_known(coordinator: ChargerCoordinator, timeout_s: float = 30) -> None:
    """Poll until the charger reports the car's SoC (the Quasar does only while energy flows)."""
    started = time.monotonic()
    while coordinator.data is None or coordinator.data.car.soc.soc_pct is None:
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"the car's SoC is still unknown after {timeout_s} s")
        await asyncio.sleep(0.5)
        await coordinator.async_refresh()
