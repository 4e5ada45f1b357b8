"""SunSpec packs stop by themselves when Home Assistant goes silent (model 124 InOutWRte_RvrtTms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.sunspec import SunSpecPack

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )
    from custom_components.v2g_home.devices.transport import ModbusTransport

REVERT_S = 120
POLL_S = 15


async def _poll_and_refresh(driver: SunSpecPack, clock: SimClock, seconds: int) -> None:
    """What the pack coordinator does: every 15 s a reading, then a refresh of the command."""
    for _ in range(seconds // POLL_S):
        clock.advance(POLL_S)
        await driver.read()
        await driver.refresh_control()


async def test_silence_longer_than_the_timeout_stops_the_export(
    pack: SimulatedSunSpecPack, clock: SimClock, pack_transport: ModbusTransport
) -> None:
    """A discharge command arms 120 s; 10 s short of it the pack sells, 10 s past it it does not."""
    pack.local_power_kw = 0.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=REVERT_S)
    assert await driver.set_power_kw(-4.0) == pytest.approx(-4.0)
    assert pack.settings[124, "InOutWRte_RvrtTms"] == REVERT_S
    clock.advance(REVERT_S - 10)
    assert pack.power_kw == pytest.approx(-4.0)
    clock.advance(20)
    assert pack.power_kw == 0
    assert pack.meter.energy_out_kwh == pytest.approx(4.0 * REVERT_S / 3600)


async def test_regular_refreshes_keep_the_export_going(
    pack: SimulatedSunSpecPack,
    clock: SimClock,
    pack_server: ModbusSimulator,
    pack_transport: ModbusTransport,
) -> None:
    """Ten minutes of polls keep selling; each refresh is a single request; silence then stops it."""
    pack.local_power_kw = 0.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=REVERT_S)
    await driver.set_power_kw(-4.0)
    await driver.read()
    before = pack_server.request_count
    await driver.refresh_control()
    assert pack_server.request_count - before == 1
    await _poll_and_refresh(driver, clock, 600)
    assert pack.power_kw == pytest.approx(-4.0)
    assert pack.meter.energy_out_kwh == pytest.approx(4.0 * 600 / 3600)
    clock.advance(REVERT_S + 1)
    assert pack.power_kw == 0


async def test_refreshes_keep_charging_and_holding(
    pack: SimulatedSunSpecPack, clock: SimClock, pack_transport: ModbusTransport
) -> None:
    """Charging is refreshed through InWRte; a hold keeps local logic from exporting."""
    pack.local_power_kw = -2.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=REVERT_S)
    await driver.set_power_kw(3.0)
    await _poll_and_refresh(driver, clock, 300)
    assert pack.power_kw == pytest.approx(3.0)
    await driver.set_power_kw(0)
    await _poll_and_refresh(driver, clock, 300)
    assert pack.power_kw == 0, "the hold outlived the timeout while refreshed"
    clock.advance(REVERT_S + 1)
    assert pack.power_kw == pytest.approx(-2.0), "silent: local logic is back"


async def test_a_reverted_pack_gets_the_whole_command_again(
    pack: SimulatedSunSpecPack, clock: SimClock, pack_transport: ModbusTransport
) -> None:
    """After a gap longer than the timeout, the refresh writes mode, rates and timeout again."""
    pack.local_power_kw = 0.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=REVERT_S)
    await driver.set_power_kw(-4.0)
    clock.advance(REVERT_S + 30)
    await driver.read()
    assert pack.power_kw == 0
    await driver.refresh_control()
    assert pack.power_kw == pytest.approx(-4.0)
    assert pack.settings[124, "StorCtl_Mod"] == 2


async def test_release_clears_the_command(
    pack: SimulatedSunSpecPack,
    clock: SimClock,
    pack_server: ModbusSimulator,
    pack_transport: ModbusTransport,
) -> None:
    """After release the pack follows its own logic and a refresh writes nothing."""
    pack.local_power_kw = 1.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=REVERT_S)
    await driver.set_power_kw(-4.0)
    await driver.release()
    assert pack.settings[124, "StorCtl_Mod"] == 0
    before = pack_server.request_count
    await driver.refresh_control()
    clock.advance(600)
    assert pack_server.request_count == before
    assert pack.power_kw == pytest.approx(1.0)


async def test_zero_disables_the_timer(
    pack: SimulatedSunSpecPack,
    clock: SimClock,
    pack_server: ModbusSimulator,
    pack_transport: ModbusTransport,
) -> None:
    """revert_timeout_s=0 leaves the register alone: the command holds until changed."""
    pack.local_power_kw = 0.0
    driver = SunSpecPack(pack_transport, revert_timeout_s=0)
    await driver.set_power_kw(-4.0)
    assert pack.settings[124, "InOutWRte_RvrtTms"] == 0
    before = pack_server.request_count
    await driver.refresh_control()
    assert pack_server.request_count == before
    clock.advance(3600)
    assert pack.power_kw == pytest.approx(-4.0)


@pytest.mark.parametrize("seconds", [-1, 0x10000])
def test_timeout_out_of_range_is_refused(
    pack_transport: ModbusTransport, seconds: int
) -> None:
    """The register is an unsigned 16-bit count of seconds."""
    with pytest.raises(ValueError, match="revert timeout"):
        SunSpecPack(pack_transport, revert_timeout_s=seconds)
