"""The frequency benchmark's site: simulated devices on loopback, and Home Assistant driving them.

Home Assistant runs in this process with the recorder (SQLite in a temporary config folder) and the
integration loaded from this checkout, as in the tests (pytest-homeassistant-custom-component's
harness); the site is the config entry the flows would store: a Wallbox Quasar 1 and an EVtec
BiDiPro 10, each with a Leaf, and two SunSpec DER batteries (one with model 711, its own frequency
droop), the simulated grid meter as the frequency source, and flat prices from a price sensor so the
plan holds every device at 0 kW.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from aiohttp import ThreadedResolver
from homeassistant import loader
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.helpers import (
    aiohttp_client,
    entity_registry as er,
    frame,
    recorder as recorder_helper,
)
from homeassistant.helpers.recorder import get_instance
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.v2g_home.const import DEFAULTS, DOMAIN
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimDevice,
    SimulatedBiDiPro,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.simulator.actuator import (
    BIDIPRO_DYNAMICS,
    DER_DYNAMICS,
    QUASAR_DYNAMICS,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )

HOST = "127.0.0.1"
PRICE_ENTITY = "sensor.benchmark_spot_price"
PRICE_KEYS = ("price_source", "price_area", "currency")


@dataclass(kw_only=True)
class Device:
    """One simulated device of the site: its kind, the simulator, and the reserve the steps commit."""

    kind: str
    sim: SimDevice
    reserve_kw: (
        float  # a whole number of amperes on the Quasar (it sets current in 1 A steps)
    )
    server: ModbusSimulator | None = None
    device_id: str = ""  # the subentry id, once the site is set up

    @property
    def power_kw(self) -> float:
        """What the device runs at now (+ charging), as its meter sees it."""
        return float(getattr(self.sim, "power_kw"))  # noqa: B009 - every simulated device has it


def devices(clock: SimClock, grid: FrequencyTrace) -> list[Device]:
    """The four charger kinds, each with its dead time and ramp (devices/simulator/README.md)."""
    return [
        Device(
            kind="quasar",
            sim=SimulatedQuasar(clock, soc_pct=60.0, dynamics=QUASAR_DYNAMICS),
            reserve_kw=3.68,  # 16 A at 230 V
        ),
        Device(
            kind="evtec_bidipro",
            sim=SimulatedBiDiPro(clock, soc_pct=60.0, dynamics=BIDIPRO_DYNAMICS),
            reserve_kw=6.0,
        ),
        Device(
            kind="sunspec_der",
            sim=SimulatedDerStorage(clock, grid=grid, dynamics=DER_DYNAMICS),
            reserve_kw=4.0,
        ),
        Device(
            kind="sunspec_der_711",
            sim=SimulatedDerStorage(
                clock,
                grid=grid,
                dynamics=DER_DYNAMICS,
                with_droop=True,
                serial="SIMDER0711",
                model="Simulated DER storage with droop",
            ),
            reserve_kw=4.0,
        ),
    ]


def _subentry(device: Device, port: int) -> ConfigSubentryData:
    """The device as the charger or battery flow stores it."""
    connection = {"host": HOST, "port": port, "unit_id": 1}
    car = {"leaf_pack": "40", "usable_capacity_kwh": 37.0}
    if device.kind == "quasar":
        data = {**connection, **car, "setpoint_mode": "current"}
        data["failsafe_timeout_s"] = 600
        return ConfigSubentryData(
            data=data,
            subentry_type="charger",
            title="Wallbox Quasar 1",
            unique_id="123456",
        )
    if device.kind == "evtec_bidipro":
        data = {**connection, **car, "charger_kind": "evtec_bidipro", "connector": 1}
        data |= {"connector_type": "chademo", "failsafe_timeout_s": 120}
        return ConfigSubentryData(
            data=data,
            subentry_type="charger",
            title="EVTEC BiDiPro 10",
            unique_id="EVT10-000123",
        )
    serial = "SIMDER0711" if device.kind == "sunspec_der_711" else "SIMDER0001"
    data = {**connection, "pack_driver": "sunspec_der", "power_sign": "auto"}
    return ConfigSubentryData(
        data=data, subentry_type="pack", title=f"DER {serial}", unique_id=serial
    )


def site_entry(
    site_devices: list[Device], meter_port: int, area: str = "DK2"
) -> MockConfigEntry:
    """The site in `area` as the flows store it: flat prices from a sensor, the grid meter as the frequency source."""
    options: dict[str, Any] = {k: v for k, v in DEFAULTS.items() if k not in PRICE_KEYS}
    options |= {
        "frequency_meter_host": HOST,
        "frequency_meter_port": meter_port,
        "frequency_meter_unit_id": 1,
        "frequency_meter_profile": "example_grid_meter",
    }
    subentries = []
    for device in site_devices:
        assert device.server is not None  # noqa: S101 - started before the site is built
        subentries.append(_subentry(device, device.server.port))
    return MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={
            "name": "Home",
            "price_source": "entity",
            "price_entity": PRICE_ENTITY,
            "price_area": area,
            "currency": "DKK",
        },
        options=options,
        subentries_data=subentries,
    )


def publish_flat_prices(hass: HomeAssistant, price: float = 1.0) -> None:
    """A Nord Pool (HACS) style price sensor with the same spot price every hour of today and tomorrow."""
    midnight = dt_util.start_of_local_day()

    def day(offset: int) -> list[dict[str, Any]]:
        start = midnight + timedelta(days=offset)
        return [
            {
                "start": (start + timedelta(hours=h)).isoformat(),
                "end": (start + timedelta(hours=h + 1)).isoformat(),
                "value": price,
            }
            for h in range(24)
        ]

    hass.states.async_set(
        PRICE_ENTITY,
        str(price),
        {"unit_of_measurement": "DKK/kWh", "raw_today": day(0), "raw_tomorrow": day(1)},
    )


def control_mode_selects(hass: HomeAssistant, entry_id: str) -> dict[str, str]:
    """Each device's control mode select, by subentry id."""
    registry = er.async_get(hass)
    return {
        str(entity.config_subentry_id): entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, entry_id)
        if entity.domain == "select" and entity.unique_id.endswith("control_mode")
    }


@asynccontextmanager
async def home_assistant(config_dir: Path) -> AsyncIterator[HomeAssistant]:
    """Home Assistant with the recorder and this checkout's custom integration, in Copenhagen.

    Its HTTP client resolves names with the system resolver, as in the tests, instead of starting
    zeroconf: everything the benchmark talks to is on loopback.
    """
    resolver = ThreadedResolver()
    with patch.object(
        aiohttp_client, "_async_get_or_create_resolver", lambda _: resolver
    ):
        async with _hass(config_dir) as hass:
            yield hass


@asynccontextmanager
async def _hass(config_dir: Path) -> AsyncIterator[HomeAssistant]:
    async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
        frame.async_setup(hass)
        await hass.config.async_set_time_zone("Europe/Copenhagen")
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        recorder_helper.async_initialize_recorder(hass)
        database = f"sqlite:///{config_dir / 'home-assistant_v2.db'}"
        await async_setup_component(
            hass, "recorder", {"recorder": {"db_url": database}}
        )
        await get_instance(hass).async_db_ready
        try:
            yield hass
        finally:
            # The harness leaves stopping to its caller (the recorder's thread would keep us alive).
            await hass.async_stop(force=True)


async def serve(*sims: SimDevice) -> list[ModbusSimulator]:
    """Each simulated device on its own loopback port."""
    servers = []
    for sim in sims:
        server = ModbusSimulator({1: sim})
        await server.start()
        servers.append(server)
    return servers
