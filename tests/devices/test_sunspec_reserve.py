"""The pack's own reserve (SunSpec model 124 MinRsvPct): written by the driver, held by the pack's firmware."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.errors import (
    DeviceError,
    UnsupportedDeviceError,
)
from custom_components.v2g_home.devices.simulator import (
    ModbusSimulator,
    SimClock,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.sunspec import SunSpecPack

from .conftest import open_transport

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.transport import ModbusTransport


async def test_the_reserve_is_read_and_written(
    pack: SimulatedSunSpecPack, pack_transport: ModbusTransport
) -> None:
    """MinRsvPct reads 0 at power-on; a write is verified and rounded up to whole percent (SF 0)."""
    driver = SunSpecPack(pack_transport)
    reading = await driver.read()
    assert reading.reserve_pct == 0
    assert driver.has_reserve
    assert await driver.set_reserve_pct(20.0) == 20.0
    assert pack.settings[124, "MinRsvPct"] == 20
    assert (await driver.read()).reserve_pct == 20
    assert await driver.set_reserve_pct(17.2) == 18.0  # never less than asked
    assert pack.settings[124, "MinRsvPct"] == 18
    for wrong in (-1.0, 101.0, float("nan")):
        with pytest.raises(ValueError, match="out of range"):
            await driver.set_reserve_pct(wrong)


async def test_a_pack_without_model_124_has_no_reserve(sim_clock: SimClock) -> None:
    """Nothing to write: the driver says so instead of writing elsewhere."""
    server = ModbusSimulator({1: SimulatedSunSpecPack(sim_clock, with_model_124=False)})
    await server.start()
    transport = await open_transport(server)
    try:
        driver = SunSpecPack(transport)
        assert (await driver.read()).reserve_pct is None
        assert not driver.has_reserve
        with pytest.raises(UnsupportedDeviceError):
            await driver.set_reserve_pct(20.0)
    finally:
        await transport.close()
        await server.stop()


def test_a_remote_discharge_stops_exactly_at_the_reserve(clock: SimClock) -> None:
    """Commanded to discharge at 5 kW, the pack stops at its reserve by itself; the meter is exact."""
    pack = SimulatedSunSpecPack(clock, soc_pct=30.0)
    pack.settings[124, "MinRsvPct"] = 20
    pack.settings[124, "StorCtl_Mod"] = 2  # the DISCHARGE limit: OutWRte 100 % of 5 kW
    clock.advance(3600)
    assert pack.soc_pct == pytest.approx(20.0, abs=1e-9)
    assert pack.power_kw == 0
    # 1 kWh left the cells; 95 % of it reached the grid.
    assert pack.meter.energy_out_kwh == pytest.approx(1.0 * 0.95, rel=1e-9)


def test_the_packs_own_logic_keeps_the_reserve_too(clock: SimClock) -> None:
    """Serving the house on its own, the pack stops at the reserve; charging from below is allowed."""
    pack = SimulatedSunSpecPack(clock, soc_pct=25.0)
    pack.settings[124, "MinRsvPct"] = 20
    pack.local_power_kw = -0.8
    clock.advance(6 * 3600)
    assert pack.soc_pct == pytest.approx(20.0, abs=1e-9)
    pack.settings[124, "MinRsvPct"] = 30  # raised above the SoC: no discharge at all
    clock.advance(60)
    assert pack.soc_pct == pytest.approx(20.0, abs=1e-9)
    pack.local_power_kw = 1.5
    clock.advance(600)
    assert pack.soc_pct > 20.0


def test_without_a_reserve_the_pack_empties(clock: SimClock) -> None:
    """MinRsvPct 0 (the default) keeps nothing back: the rule above is the reserve's doing."""
    pack = SimulatedSunSpecPack(clock, soc_pct=10.0)
    pack.local_power_kw = -5.0
    clock.advance(3600)
    assert pack.soc_pct == pytest.approx(0.0, abs=1e-9)


async def test_an_out_of_range_reserve_is_refused_by_the_pack(
    pack: SimulatedSunSpecPack, pack_transport: ModbusTransport
) -> None:
    """The simulated pack answers a reserve above 100 % with an exception, as a real one would."""
    driver = SunSpecPack(pack_transport)
    await driver.read()
    address = driver._poll["s.MinRsvPct"].address
    with pytest.raises(DeviceError):
        await pack_transport.write_register(address, 101)
    assert pack.settings[124, "MinRsvPct"] == 0
