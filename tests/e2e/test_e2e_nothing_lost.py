"""End to end, nothing lost: a price gap, an outage, an unplug and a restart in one morning, booked as metered.

A Quasar 1 with a Leaf (no energy counters: its power is integrated between polls) and a SunSpec DER battery
(lifetime energy counters) in auto with the default settings, on the recorded price days. In one run:
- the first half hour has no prices yet (the feed delivers it late): the owner charges both meanwhile;
- the battery stops answering for three minutes while it sells;
- the Leaf is unplugged while it sells, and another car at 95 % is plugged in;
- Home Assistant stops while both sell and starts again a minute later (the devices run on meanwhile).
At the end every kWh and krone V2G Home booked is compared with the simulator's own meters, priced slot by slot.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.const import CHARGER_POLL_INTERVAL
from tests.helpers.site import (
    DAY_AHEAD_URL,
    charger_subentry,
    der_pack_subentry,
    site_entry,
)

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    TWO_DAYS,
    Day,
    Meter,
    connect_without_settle,
    price_at,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedQuasar,
    )
    from custom_components.v2g_home.devices.simulator.sunspec_der import (
        SimulatedDerStorage,
    )
    from custom_components.v2g_home.prices.models import PriceForecast

START = datetime(
    2026, 1, 15, 6, 30, tzinfo=UTC
)  # 07:30 in Denmark; the peak is from 08:00 UTC
GAP_END = datetime(2026, 1, 15, 7, 0, tzinfo=UTC)
OUTAGE = datetime(2026, 1, 15, 8, 20, tzinfo=UTC)
UNPLUG = datetime(2026, 1, 15, 8, 40, tzinfo=UTC)
REPLUG = datetime(2026, 1, 15, 8, 50, tzinfo=UTC)
STOP = datetime(2026, 1, 15, 9, 20, tzinfo=UTC)
END = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
DER_MODE = "select.v2g_home_simulated_der_storage_control_mode"


def _api_reply(*, gap: bool) -> dict[str, Any]:
    """The recorded two days; with `gap`, the half hour from START not published yet."""
    reply = json.loads(TWO_DAYS.read_text(encoding="utf-8"))
    if gap:
        hole = (START.isoformat()[:19], GAP_END.isoformat()[:19])
        reply["records"] = [
            r for r in reply["records"] if not hole[0] <= r["TimeUTC"] < hole[1]
        ]
    return reply


def _serve(aioclient_mock: AiohttpClientMocker, *, gap: bool) -> None:
    aioclient_mock.clear_requests()
    aioclient_mock.get(DAY_AHEAD_URL, json=_api_reply(gap=gap))


def _metered(meter: Meter, prices: PriceForecast) -> dict[str, float]:
    """What a device's AC meter says, priced at the slot each kWh flowed in."""
    return {
        "sold": sum(meter.exported_kwh.values()),
        "revenue": meter.revenue(prices),
        "charged": sum(meter.charged_kwh.values()),
        "cost": sum(
            kwh * price_at(prices, start).buy_per_kwh
            for start, kwh in meter.charged_kwh.items()
        ),
    }


def _booked(entry: MockConfigEntry, device_id: str | None) -> dict[str, float]:
    """What V2G Home booked, in the same terms."""
    earned = entry.runtime_data.ledger.totals(device_id, "today")
    return {
        "sold": earned.energy_sold_kwh,
        "revenue": earned.export_revenue,
        "charged": earned.energy_charged_kwh,
        "cost": earned.charge_cost,
    }


async def _run_until(day: Day, when: datetime) -> None:
    await day.run(int((when - dt_util.utcnow()).total_seconds()))


async def test_a_morning_with_a_gap_an_outage_an_unplug_and_a_restart_is_booked_as_metered(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
    der: SimulatedDerStorage,
    der_server: ModbusSimulator,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Booked energy, revenue and charging cost equal the meters within 0.1 %, per device and for the site."""
    quasar.soc_pct = (
        90.0  # paused, so the Quasar reads its SoC as 0: unknown to V2G Home
    )
    der.soc_pct = 60.0
    _serve(aioclient_mock, gap=True)
    entry = site_entry(
        [charger_subentry(quasar_server.port), der_pack_subentry(der_server.port)]
    )
    day = Day(hass, freezer, clock, quasar, der, pack_mode=DER_MODE)
    await day.start(entry, at=START)
    ledger = entry.runtime_data.ledger
    car_id, der_id = entry.runtime_data.devices

    # The price gap: the owner charges everything for 20 minutes; nothing is booked without money.
    await hass.services.async_call(
        "v2g_home",
        "force_charge",
        {"power_kw": 3.7, "duration": {"minutes": 20}},
        blocking=True,
    )
    await _run_until(day, GAP_END)
    assert sum(day.car_meter.charged_kwh.values()) > 1
    assert sum(day.pack_meter.charged_kwh.values()) > 1
    assert ledger.totals(None, "today").energy_charged_kwh == 0.0
    _serve(aioclient_mock, gap=False)  # the late half hour is published
    await entry.runtime_data.prices.async_refresh()
    await day.settle()
    assert ledger.totals(None, "today").energy_charged_kwh > 2

    # The peak: both sell; the battery goes silent for three minutes.
    await _run_until(day, OUTAGE)
    assert quasar.power_kw < -1, "the Leaf sells at the peak with the default settings"
    assert der.power_kw < -1
    der_server.faults.drop_connection = True
    der_server.drop_connections()
    await day.run(3 * 60)
    der_server.faults.clear()

    # The Leaf leaves while it sells; another car comes at 95 %. Without an energy counter, when
    # between two polls it left is not known: the ledger takes the mean power of the two polls, off by
    # up to half a poll at the power it sold at (10 Wh at 7.4 kW).
    await _run_until(day, UNPLUG)
    assert quasar.power_kw < -1
    unplug_kwh = -quasar.power_kw * CHARGER_POLL_INTERVAL.total_seconds() / 2 / 3600
    unplug_sell = price_at(entry.runtime_data.prices.data, UNPLUG).sell_per_kwh
    quasar.plugged_in = False
    await _run_until(day, REPLUG)
    quasar.soc_pct = 95.0
    quasar.plugged_in = True

    # Home Assistant stops while both sell; for a minute nothing reaches the devices.
    await _run_until(day, STOP)
    assert quasar.power_kw < -1
    assert der.power_kw < -1
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    for server in (quasar_server, der_server):
        server.faults.drop_connection = True
        server.drop_connections()
    await day.run(60)
    for server in (quasar_server, der_server):
        server.faults.clear()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await day.settle()
    await _run_until(day, END)

    ledger = entry.runtime_data.ledger
    prices: PriceForecast = entry.runtime_data.prices.data
    metered = {
        car_id: _metered(day.car_meter, prices),
        der_id: _metered(day.pack_meter, prices),
    }
    site = {k: metered[car_id][k] + metered[der_id][k] for k in metered[car_id]}
    assert site["sold"] > 8
    assert site["charged"] > 2
    unplugged = {"sold": unplug_kwh, "revenue": unplug_kwh * unplug_sell}
    for device_id, expected in (*metered.items(), (None, site)):
        booked = _booked(entry, device_id)
        for amount, value in expected.items():
            # Within 0.1 %, and the car's (so the site's) export by the unplug's half poll at most.
            known = 0.0 if device_id == der_id else unplugged.get(amount, 0.0)
            assert booked[amount] == pytest.approx(value, abs=1e-3 * value + known), (
                device_id,
                amount,
            )
        outside = ledger.outside_control(device_id)
        assert (outside.charged_kwh, outside.discharged_kwh) == (0.0, 0.0)
    assert not ledger._books.unpriced
    await hass.config_entries.async_unload(entry.entry_id)
