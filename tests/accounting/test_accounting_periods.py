"""The ledger across restarts, midnight and month ends: nothing lost, nothing counted twice."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.accounting.entities import LEDGER_SENSORS
from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.planner.accounting import PERIODS
from tests.helpers.accounting import (
    PACK_LEDGER,
    SITE,
    FrozenClock,
    hold_scheduler,
    price_all_day,
    run,
    v2g_drives_pack,
    value,
)
from tests.helpers.ha import setup
from tests.helpers.site import PACK_SERIAL

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

BEFORE_MIDNIGHT = datetime(2026, 1, 14, 22, 50, tzinfo=UTC)  # 23:50 in Denmark
BEFORE_MONTH_END = datetime(2026, 1, 31, 22, 55, tzinfo=UTC)  # 23:55 on 31 January


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


def ledger_states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Every ledger sensor's state, for the site and the pack (all enabled in these tests)."""
    registry = er.async_get(hass)
    states = {}
    for description in LEDGER_SENSORS:
        for owner in (entry.entry_id, PACK_SERIAL):
            entity_id = registry.async_get_entity_id(
                "sensor", DOMAIN, f"{owner}_{description.key}"
            )
            assert entity_id is not None
            if (state := hass.states.get(entity_id)) is not None:
                states[entity_id] = state.state
    assert len(states) == 2 * len(LEDGER_SENSORS)
    return states


def totals(entry: MockConfigEntry) -> dict[tuple[str | None, str], Any]:
    """The ledger's exact totals for the site and every device."""
    ledger = entry.runtime_data.ledger
    return {
        (device, period): ledger.totals(device, period)
        for device in (None, *entry.runtime_data.devices)
        for period in PERIODS
    }


@pytest.mark.freeze_time(datetime(2026, 1, 14, 16, 40, tzinfo=UTC), tick=True)
async def test_restart_keeps_every_total_and_adds_on_top(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Reloading the site in the middle of a discharge keeps every total exactly; later flow adds on."""
    await setup(hass, entry)
    await price_all_day(hass, entry)  # the recorded prices end at Danish midnight
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 5 * 60)
    shown, exact = ledger_states(hass, entry), totals(entry)
    assert float(shown[f"{SITE}_energy_sold"]) > 0.15

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    # The unload books what flowed since the last poll: milliseconds of the ticking clock, no more.
    assert {
        k: float(v) for k, v in ledger_states(hass, entry).items()
    } == pytest.approx({k: float(v) for k, v in shown.items()}, abs=1e-3)
    restored = totals(entry)
    for key, earned in exact.items():
        assert asdict(restored[key]) == pytest.approx(asdict(earned), abs=1e-3), key
        assert restored[key].energy_sold_kwh >= earned.energy_sold_kwh, key

    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 15)  # the first poll after the restart starts counting
    out_before = pack.meter.energy_out_kwh
    sold_before = value(hass, f"{SITE}_energy_sold")
    await run(hass, freezer, 2 * 60)
    added = value(hass, f"{SITE}_energy_sold") - sold_before
    assert added == pytest.approx(pack.meter.energy_out_kwh - out_before, rel=1e-3)
    assert value(hass, f"{SITE}_energy_sold") > float(shown[f"{SITE}_energy_sold"])


def metered_at(pack: SimulatedSunSpecPack, when: datetime) -> float:
    """The pack's metered export at a moment shortly before now, at its present (constant) power."""
    seconds = (dt_util.utcnow() - when).total_seconds()
    return pack.meter.energy_out_kwh + pack.power_kw * seconds / 3600


@pytest.mark.freeze_time(BEFORE_MIDNIGHT, tick=True)
async def test_midnight_resets_today_but_not_lifetime_or_month(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """KWh before Danish midnight stay in lifetime and this month; today starts again from 0."""
    await setup(hass, entry)
    await price_all_day(hass, entry)  # the recorded prices end at Danish midnight
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 15)
    start_sold = value(hass, f"{SITE}_energy_sold")
    start_out = pack.meter.energy_out_kwh
    await run(hass, freezer, 9 * 60)  # until 23:59:15
    today_before = hass.states.get(f"{SITE}_energy_sold_today")
    await run(hass, freezer, 6 * 60)
    midnight = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    sold = value(hass, f"{SITE}_energy_sold") - start_sold
    assert sold == pytest.approx(pack.meter.energy_out_kwh - start_out, rel=1e-3)
    today = value(hass, f"{SITE}_energy_sold_today")
    after_midnight = pack.meter.energy_out_kwh - metered_at(pack, midnight)
    assert today == pytest.approx(after_midnight, rel=1e-3)
    assert 0 < today < float(today_before.state)
    assert value(hass, f"{SITE}_energy_sold_this_month") == value(
        hass, f"{SITE}_energy_sold"
    )
    reset = hass.states.get(f"{SITE}_energy_sold_today").attributes["last_reset"]
    assert today_before.attributes["last_reset"] == "2026-01-13T23:00:00+00:00"
    assert reset == "2026-01-14T23:00:00+00:00"


@pytest.mark.freeze_time(BEFORE_MONTH_END, tick=True)
async def test_month_end_resets_the_month(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """The first of the month starts this month's totals again; lifetime goes on."""
    await setup(hass, entry)
    await price_all_day(hass, entry)  # the recorded prices end at Danish midnight
    await v2g_drives_pack(hass, -2.0)
    await run(hass, freezer, 4 * 60)
    month_before = value(hass, f"{SITE}_energy_sold_this_month")
    assert month_before > 0
    await run(hass, freezer, 2 * 60)
    month = value(hass, f"{SITE}_energy_sold_this_month")
    first_of_february = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    after = pack.meter.energy_out_kwh - metered_at(pack, first_of_february)
    assert month == pytest.approx(after, rel=1e-3)
    assert month < value(hass, f"{SITE}_energy_sold")
    reset = hass.states.get(f"{SITE}_energy_sold_this_month").attributes["last_reset"]
    assert reset == "2026-01-31T23:00:00+00:00"


def stored(day: str, sold_kwh: float, currency: str = "DKK") -> dict[str, Any]:
    """A ledger as the Store keeps it: the same amounts in every period."""
    amounts = {"currency": currency, "energy_sold_kwh": sold_kwh, "export_revenue": 3.0}
    return {
        "day": day,
        "lifetime": amounts,
        "today": amounts,
        "month": amounts,
    }


@pytest.mark.freeze_time(BEFORE_MIDNIGHT, tick=True)
async def test_totals_come_from_the_store_and_roll_without_flow(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Stored totals are shown as stored; at midnight today drops to 0 even while idle."""
    pack_id = next(
        key for key, sub in entry.subentries.items() if sub.subentry_type == "pack"
    )
    hass_storage[f"v2g_home.ledger.{entry.entry_id}"] = {
        "version": 1,
        "key": f"v2g_home.ledger.{entry.entry_id}",
        "data": {
            "site": stored("2026-01-14", 12.345678),
            "devices": {pack_id: stored("2026-01-14", 12.345678)},
        },
    }
    await setup(hass, entry)
    await price_all_day(hass, entry)  # the recorded prices end at Danish midnight
    await hold_scheduler(hass, entry)
    assert value(hass, f"{SITE}_energy_sold") == 12.345678
    assert value(hass, f"{SITE}_energy_sold_today") == 12.345678
    assert value(hass, f"{PACK_LEDGER}_export_revenue") == 3.0
    await run(hass, freezer, 11 * 60)
    assert value(hass, f"{SITE}_energy_sold_today") == 0.0
    assert value(hass, f"{SITE}_energy_sold_this_month") == 12.345678
    assert value(hass, f"{SITE}_energy_sold") == 12.345678


@pytest.mark.freeze_time(BEFORE_MIDNIGHT, tick=True)
@pytest.mark.parametrize(
    "data",
    [
        {"site": stored("2026-01-14", 5.0, currency="EUR"), "devices": {}},
        {"site": {"day": "yesterday"}, "devices": {}},
        {"devices": {}},
    ],
    ids=["other_currency", "malformed", "incomplete"],
)
async def test_unusable_store_starts_anew(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    data: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A ledger in another currency or damaged is not mixed in: the site starts from 0 and says so."""
    hass_storage[f"v2g_home.ledger.{entry.entry_id}"] = {
        "version": 1,
        "key": f"v2g_home.ledger.{entry.entry_id}",
        "data": data,
    }
    await setup(hass, entry)
    assert value(hass, f"{SITE}_energy_sold") == 0.0
    assert "ledger" in caplog.text


@pytest.mark.freeze_time(datetime(2026, 1, 15, 8, 0, tzinfo=UTC), tick=True)
async def test_a_stored_yesterday_is_rolled_on_load(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """After a night switched off, yesterday's totals are not today's."""
    hass_storage[f"v2g_home.ledger.{entry.entry_id}"] = {
        "version": 1,
        "key": f"v2g_home.ledger.{entry.entry_id}",
        "data": {"site": stored("2026-01-14", 2.5), "devices": {}},
    }
    await setup(hass, entry)
    assert value(hass, f"{SITE}_energy_sold") == 2.5
    assert value(hass, f"{SITE}_energy_sold_this_month") == 2.5
    assert value(hass, f"{SITE}_energy_sold_today") == 0.0
