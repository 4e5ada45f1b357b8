"""The simulated SunSpec pack read and commanded with a raw pymodbus client: layout, 802 values, 124 control."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.simulator import SimClock, SimulatedSunSpecPack

from .simulator_helpers import (
    ModbusExceptionAnswer,
    int16,
    raw_client,
    read,
    serving,
    text,
    write,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from pymodbus.client import AsyncModbusTcpClient

BASE = 40000
COMMON = BASE + 2  # model 1 ID register
BATTERY = COMMON + 68  # model 802 ID register
STORAGE = BATTERY + 64  # model 124 ID register
END = STORAGE + 26
# Offsets from the model's ID register, per the SunSpec model definitions.
B_SOC, B_SOH, B_CHAST, B_STATE, B_A, B_W, B_SETOP = 11, 13, 16, 22, 44, 47, 50
B_WHRTG, B_WHRTG_SF, B_SOC_SF, B_W_SF, B_A_SF = 3, 53, 56, 63, 61
S_WCHAMAX, S_STORCTL, S_OUTWRTE, S_INWRTE, S_RVRT, S_CHAST = 2, 5, 12, 13, 15, 11
CHARGING, DISCHARGING, FULL, HOLDING = 4, 3, 5, 6


@pytest.fixture
def pack(sim_clock: SimClock) -> SimulatedSunSpecPack:
    """10 kWh, 5 kW, 95 % each way, at 50 %."""
    return SimulatedSunSpecPack(
        sim_clock, serial="PACK-42", manufacturer="Acme", model="Store 10"
    )


@pytest.fixture
async def client(pack: SimulatedSunSpecPack) -> AsyncIterator[AsyncModbusTcpClient]:
    """A raw client to the pack."""
    async with serving(pack) as server, raw_client(server) as connected:
        yield connected


def scaled(words: list[int], value_offset: int, sf_offset: int) -> float:
    """A SunSpec value times 10 ** its scale factor."""
    return int16(words[value_offset]) * 10.0 ** int16(words[sf_offset])


async def test_model_chain_from_the_suns_marker(client: AsyncModbusTcpClient) -> None:
    """'SunS', then models 1 (L 66), 802 (L 62), 124 (L 24) and the end marker."""
    assert text(await read(client, BASE, 2)) == "SunS"
    headers = [
        await read(client, address, 2) for address in (COMMON, BATTERY, STORAGE, END)
    ]
    assert headers == [[1, 66], [802, 62], [124, 24], [0xFFFF, 0]]


async def test_common_model_identity(client: AsyncModbusTcpClient) -> None:
    """Manufacturer, model, version and serial as NUL-padded strings."""
    words = await read(client, COMMON, 68)
    assert text(words[2:18]) == "Acme"
    assert text(words[18:34]) == "Store 10"
    assert text(words[42:50]) == "1.0.0"
    assert text(words[50:66]) == "PACK-42"
    assert words[66] == 1  # DA: the unit id


@pytest.mark.parametrize("base", [0, 50000])
async def test_other_base_addresses(sim_clock: SimClock, base: int) -> None:
    """Packs may put the marker at 0 or 50000; reading at 40000 is then an illegal address."""
    pack = SimulatedSunSpecPack(sim_clock, base_address=base)
    async with serving(pack) as server, raw_client(server) as client:
        assert text(await read(client, base, 2)) == "SunS"
        with pytest.raises(ModbusExceptionAnswer) as answer:
            await read(client, BASE, 2)
        assert answer.value.code == 2


async def test_battery_model_values(client: AsyncModbusTcpClient) -> None:
    """802: SoC 50 %, SoH 97 %, 10 kWh rating, holding, connected, no power."""
    words = await read(client, BATTERY, 64)
    assert scaled(words, B_SOC, B_SOC_SF) == pytest.approx(50.0)
    assert words[B_SOH] == 97
    assert scaled(words, B_WHRTG, B_WHRTG_SF) == pytest.approx(10_000)
    assert (words[B_CHAST], words[B_STATE]) == (HOLDING, 3)
    assert words[B_W] == 0


async def test_pack_without_model_124(sim_clock: SimClock) -> None:
    """The chain ends after 802, and reads past the end marker are illegal."""
    pack = SimulatedSunSpecPack(sim_clock, with_model_124=False)
    async with serving(pack) as server, raw_client(server) as client:
        assert await read(client, STORAGE, 2) == [0xFFFF, 0]
        with pytest.raises(ModbusExceptionAnswer):
            await read(client, STORAGE, 3)
        assert pack.wcha_max_w() == 5000
        pack.local_power_kw = 2.0  # without 124 only the local logic moves it
        sim_clock.advance(1800)
        assert pack.meter.energy_in_kwh == pytest.approx(1.0)


async def test_charge_command_and_exact_meter(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack, sim_clock: SimClock
) -> None:
    """StorCtl_Mod = CHARGE with InWRte 50 %: 2.5 kW for two hours is 5 kWh in, 4.75 kWh stored."""
    await write(client, STORAGE + S_INWRTE, 5000)
    await write(client, STORAGE + S_STORCTL, 1)
    sim_clock.advance(7200)
    words = await read(client, BATTERY, 64)
    assert scaled(words, B_W, B_W_SF) == pytest.approx(2500)
    assert scaled(words, B_A, B_A_SF) > 0
    assert words[B_CHAST] == CHARGING
    assert (await read(client, STORAGE + S_CHAST))[0] == CHARGING
    assert pack.meter.energy_in_kwh == pytest.approx(5.0)
    assert pack.soc_pct == pytest.approx(50.0 + 47.5)
    assert scaled(words, B_SOC, B_SOC_SF) == pytest.approx(97.5)


async def test_discharge_command_stops_at_empty(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack, sim_clock: SimClock
) -> None:
    """StorCtl_Mod = DISCHARGE at OutWRte 100 %: 5 kW out until the pack is empty, then nothing."""
    await write(client, STORAGE + S_STORCTL, 2)
    sim_clock.advance(3 * 3600)
    assert pack.soc_pct == 0.0
    assert pack.meter.energy_out_kwh == pytest.approx(5.0 * 0.95)
    words = await read(client, BATTERY, 64)
    assert (words[B_W], words[B_CHAST]) == (0, 2)


async def test_full_pack_reports_full(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack, sim_clock: SimClock
) -> None:
    """Charging stops at 100 % and ChaSt says FULL."""
    pack.soc_pct = 99.0
    await write(client, STORAGE + S_STORCTL, 1)
    sim_clock.advance(3600)
    assert pack.soc_pct == 100.0
    assert pack.meter.energy_in_kwh == pytest.approx(0.1 / 0.95)
    assert (await read(client, BATTERY + B_CHAST))[0] == FULL


async def test_window_mode_with_negative_rate_forces_charge(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack
) -> None:
    """Both bits set: a negative OutWRte forces charging at that rate (Fronius style); zeros hold."""
    await write(client, STORAGE + S_OUTWRTE, -4000)
    await write(client, STORAGE + S_INWRTE, 4000)
    await write(client, STORAGE + S_STORCTL, 3)
    assert pack.power_kw == pytest.approx(2.0)
    await write(client, STORAGE + S_OUTWRTE, 0)
    await write(client, STORAGE + S_INWRTE, 0)
    assert pack.power_kw == 0
    await write(client, STORAGE + S_STORCTL, 1)
    await write(client, STORAGE + S_INWRTE, -2000)
    assert pack.power_kw == pytest.approx(-1.0)


async def test_wchamax_caps_power(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack
) -> None:
    """WChaMax 2000 W makes 100 % mean 2 kW."""
    await write(client, STORAGE + S_WCHAMAX, 2000)
    await write(client, STORAGE + S_STORCTL, 2)
    assert pack.power_kw == pytest.approx(-2.0)


async def test_w_sign_option(sim_clock: SimClock) -> None:
    """With w_positive_means_charge=False, W and A are negative while charging; power_kw stays + charging."""
    pack = SimulatedSunSpecPack(sim_clock, w_positive_means_charge=False)
    async with serving(pack) as server, raw_client(server) as client:
        await write(client, STORAGE + S_STORCTL, 1)
        words = await read(client, BATTERY, 64)
        assert int16(words[B_W]) == -5000
        assert int16(words[B_A]) < 0
        assert words[B_CHAST] == CHARGING
        assert pack.power_kw == pytest.approx(5.0)


async def test_revert_timeout_returns_to_local(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack, sim_clock: SimClock
) -> None:
    """InOutWRte_RvrtTms = 900: the command lasts 900 s after the last control write."""
    await write(client, STORAGE + S_RVRT, 900)
    await write(client, STORAGE + S_STORCTL, 1)
    sim_clock.advance(3600)
    assert pack.meter.energy_in_kwh == pytest.approx(5.0 * 900 / 3600)
    assert await read(client, STORAGE + S_STORCTL) == [0]


async def test_disconnect_stops_flow(
    client: AsyncModbusTcpClient, pack: SimulatedSunSpecPack
) -> None:
    """802 SetOp = 2 disconnects: no flow, State DISCONNECTED."""
    await write(client, STORAGE + S_STORCTL, 1)
    await write(client, BATTERY + B_SETOP, 2)
    assert pack.power_kw == 0
    assert (await read(client, BATTERY + B_STATE))[0] == 1


@pytest.mark.parametrize(
    ("address", "value", "code"),
    [
        (STORAGE + S_INWRTE, 10001, 3),
        (STORAGE + S_OUTWRTE, -10001, 3),
        (STORAGE + S_STORCTL, 4, 3),
        (STORAGE + S_WCHAMAX, 5001, 3),
        (STORAGE + S_WCHAMAX, 0, 3),
        (BATTERY + B_SETOP, 3, 3),
        (BATTERY + B_SOC, 900, 2),
        (COMMON + 2, 65, 2),
    ],
)
async def test_refused_writes(
    client: AsyncModbusTcpClient, address: int, value: int, code: int
) -> None:
    """Out-of-range control values: exception 3; read-only points: exception 2."""
    with pytest.raises(ModbusExceptionAnswer) as answer:
        await write(client, address, value)
    assert answer.value.code == code


async def test_local_logic_runs_without_commands(
    pack: SimulatedSunSpecPack, sim_clock: SimClock
) -> None:
    """StorCtl_Mod 0 follows local_power_kw (the household's solar or house load)."""
    pack.local_power_kw = -1.0
    sim_clock.advance(3600)
    assert pack.meter.energy_out_kwh == pytest.approx(1.0)
    assert pack.stored_energy_kwh == pytest.approx(5.0 - 1.0 / 0.95)


def test_invalid_construction_is_refused(sim_clock: SimClock) -> None:
    """Nonsense parameters fail loudly."""
    with pytest.raises(ValueError, match="capacity"):
        SimulatedSunSpecPack(sim_clock, capacity_kwh=-1)


def test_large_pack_scales_its_ratings(sim_clock: SimClock) -> None:
    """A 100 kWh, 50 kW pack needs scale factors above 0 to fit uint16/int16 ratings."""
    pack = SimulatedSunSpecPack(sim_clock, capacity_kwh=100.0, max_power_kw=50.0)
    words = pack.read_registers(BATTERY, 64)
    assert scaled(words, B_WHRTG, B_WHRTG_SF) == pytest.approx(100_000)
    assert pack.wcha_max_w() == 50_000
