"""A site with reserves on: sensors and offer, accepted bids across a restart, dispatches, the income."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
import json
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import FrequencyTrace
from custom_components.v2g_home.devices.simulator.grid_meter import SimulatedGridMeter
from custom_components.v2g_home.planner.reserve_plan import reserve_income_between
from tests.grid.helpers import meter_options
from tests.helpers.ha import poll
from tests.helpers.recorded import FIXTURES
from tests.helpers.scheduling import (
    CHARGER_MODE,
    NEXT_ACTION,
    PACK_MODE,
    capture,
    flat,
    forecast,
    scheduler_of,
    select,
    set_prices,
)
from tests.helpers.services import charger_device, subentry_of
from tests.helpers.site import charger_subentry, pack_subentry, site_entry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.config_entries import ConfigSubentryData
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.devices.simulator import SimulatedQuasar
    from custom_components.v2g_home.planner.model import Plan

FCR_URL = "https://api.energidataservice.dk/dataset/FcrNdDK2"
FCR_FIXTURE = FIXTURES.parent / "reserves" / "FcrNdDK2_dk2_2025-03-30_dst.json"
RESERVES = {
    "reserves_on": True,
    "reserve_products": ["fcr_n", "fcr_d_up", "fcr_d_down"],
    "aggregator_share_pct": 40,
    "reserve_offer_from": "00:00:00",
    "reserve_offer_to": "00:00:00",
    "reserve_soc_low_pct": 20,
    "reserve_soc_high_pct": 90,
}


@pytest.fixture
async def meter_server() -> AsyncIterator[ModbusSimulator]:
    """A grid meter on a quiet 50 Hz grid: the site's frequency source, so FCR can be delivered."""
    trace = FrequencyTrace(SimClock(speed=1.0), noise=False)
    trace.fixed_hz = 50.0
    server = ModbusSimulator({1: SimulatedGridMeter(trace)})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def entry(
    quasar_server: ModbusSimulator,
    pack_server: ModbusSimulator,
    meter_server: ModbusSimulator,
    aioclient_mock: AiohttpClientMocker,
) -> MockConfigEntry:
    """The simulated site with reserves on and a grid meter; the FCR results come from the recorded reply."""
    aioclient_mock.get(
        FCR_URL, json=json.loads(FCR_FIXTURE.read_text(encoding="utf-8"))
    )
    return reserve_site(
        [charger_subentry(quasar_server.port), pack_subentry(pack_server.port)],
        "DK2",  # the FCR-N/FCR-D area
        RESERVES,
        **meter_options(meter_server.port),
    )


def reserve_site(
    subentries: list[ConfigSubentryData],
    area: str,
    reserves: dict[str, Any],
    **options: Any,
) -> MockConfigEntry:
    """A site in `area` with these devices, reserve options and extra options (the frequency source)."""
    site = site_entry(subentries)
    return MockConfigEntry(
        domain=DOMAIN,
        title=site.title,
        data={**site.data, "price_area": area},
        options={**site.options, "reserves": reserves, **options},
        subentries_data=subentries,
    )


def _entity(hass: HomeAssistant, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None
    return entity_id


def _held(plan: Plan, device_id: str, moment: datetime) -> float:
    """KW of FCR-D up one device holds at a moment."""
    return sum(
        kw
        for reserve in plan.reserves
        if reserve.device_id == device_id and reserve.product == "fcr_d_up"
        for slot, kw in zip(plan.slots, reserve.kw, strict=True)
        if slot.start <= moment < slot.end
    )


async def _auto(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Flat prices, no trip; the Leaf reports its SoC once it has charged for a poll; both in auto.

    (With a trip ahead the car's floor is its departure target, and a car below it only charges.)
    """
    await scheduler_of(entry).async_update_settings(departure_time=None)
    await set_prices(hass, entry, flat(1.0, 0.8))
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    await poll(hass)
    await select(hass, CHARGER_MODE, "auto")
    await select(hass, PACK_MODE, "auto")


async def test_the_plan_holds_reserves_and_the_sensors_show_the_offer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Flat energy prices: the reserve prices pay, the sensor lists the next hours' offer."""
    offers = capture(hass, "v2g_home_reserve_offer_changed")
    await _auto(hass, loaded_entry)
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert plan.reserves
    assert plan.totals.reserve_income > 0
    state = hass.states.get(_entity(hass, f"{loaded_entry.entry_id}_reserved_fcr_n"))
    assert state is not None
    offer = state.attributes["offer"]
    assert 20 <= len(offer) <= 36
    assert set(offer[0]) == {"start", "kw", "expected_prices"}
    # The published prices (this test publishes no expected ones).
    assert not offer[0]["expected_prices"]
    assert state.attributes["committed_kw"] == 0.0
    assert offers
    assert set(offers[-1]["offer"]) == {"fcr_n", "fcr_d_up", "fcr_d_down"}
    response = await hass.services.async_call(
        DOMAIN, "get_plan", {}, blocking=True, return_response=True
    )
    assert response is not None
    assert response["totals"]["reserve_income"] == pytest.approx(
        plan.totals.reserve_income
    )
    held = [
        device["reserve_kw"]
        for slot in response["slots"]
        for device in slot["devices"].values()
    ]
    assert set(held[0]) == {"fcr_n", "fcr_d_up", "fcr_d_down"}
    now = dt_util.now()
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.home_plan",
            "start_date_time": now,
            "end_date_time": now + timedelta(days=2),
        },
        blocking=True,
        return_response=True,
    )
    assert events is not None
    summaries = [event["summary"] for event in events["calendar.home_plan"]["events"]]
    assert any(summary.startswith("Reserved FCR-D up (DK2)") for summary in summaries)
    card = hass.states.get(NEXT_ACTION)
    assert card is not None
    shown = card.attributes["plan"]
    assert shown["reserve_income"] == round(plan.totals.reserve_income, 2)
    assert shown["reserves"]
    assert {stretch["p"] for stretch in shown["reserves"]} <= set(offers[-1]["offer"])
    assert {stretch["d"] for stretch in shown["reserves"]} <= {0, 1}


async def test_the_offer_reaches_a_day_past_the_published_prices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """12 h published and a day expected: the plan drives 12 h, the offer lists 36 and marks what is expected."""
    await _auto(hass, loaded_entry)
    published = forecast(flat(1.0, 0.8), hours=12)
    after = forecast(flat(1.0, 0.8), hours=24, start=published.slots[-1].end)
    offers = capture(hass, "v2g_home_reserve_offer_changed")
    loaded_entry.runtime_data.prices.async_set_updated_data(
        replace(published, expected=after.slots)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert (
        plan.slots[-1].end == published.slots[-1].end
    )  # nothing is driven on an expected price
    assert plan.ahead_slots[-1].end == after.slots[-1].end
    assert offers  # the offer grew by a day
    state = hass.states.get(_entity(hass, f"{loaded_entry.entry_id}_reserved_fcr_d_up"))
    assert state is not None
    offer = state.attributes["offer"]
    assert len(offer) in (36, 37)  # the hours that begin within 36 h
    expected = [
        datetime.fromisoformat(item["start"])
        for item in offer
        if item["expected_prices"]
    ]
    assert expected[0] <= published.slots[-1].end < expected[0] + timedelta(hours=1)
    assert expected == [expected[0] + timedelta(hours=h) for h in range(len(expected))]
    assert any(item["kw"] > 0 for item in offer if item["expected_prices"])


async def test_an_accepted_bid_holds_in_every_plan_and_across_a_restart(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """commit_reserve: the plan holds exactly the bid in its hours, also after a reload."""
    await _auto(hass, loaded_entry)
    start = dt_util.utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(
        hours=2
    )
    await hass.services.async_call(
        DOMAIN,
        "commit_reserve",
        {
            "device_id": charger_device(hass),
            "product": "fcr_d_up",
            "start": dt_util.as_local(start),
            "hours": 2,
            "power_kw": 1.5,
        },
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    stored = hass_storage[f"{DOMAIN}.reservations.{loaded_entry.entry_id}"]["data"]
    assert [set(c) for c in stored["commitments"]] == [
        {"device_id", "product", "kw", "start", "end", "source"}
    ] * 2
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    charger = subentry_of(hass, charger_device(hass))
    for hour in (start, start + timedelta(hours=1)):
        assert _held(plan, charger, hour) == pytest.approx(1.5, abs=1e-3)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _auto(hass, loaded_entry)
    scheduler = scheduler_of(loaded_entry)
    assert len(scheduler.reserves.book.commitments) == 2
    plan = scheduler.plan
    assert plan is not None
    assert _held(plan, charger, start) == pytest.approx(1.5, abs=1e-3)


async def test_bad_bids_are_refused_with_a_reason(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A product the site does not offer, half an hour, no power, no device; dispatches out of range."""
    await _auto(hass, loaded_entry)
    start = dt_util.now().replace(minute=0, second=0, microsecond=0) + timedelta(
        hours=1
    )
    base = {"device_id": charger_device(hass), "start": start, "hours": 1}
    cases = (
        ({"product": "mfrr_up", "power_kw": 1.0}, "reserve_not_offered"),
        ({"product": "fcr_n", "power_kw": 0.0}, "invalid_reserve"),
        (
            {
                "product": "fcr_n",
                "power_kw": 1.0,
                "start": start + timedelta(minutes=30),
            },
            "reserve_not_whole_blocks",
        ),
        (
            {"product": "fcr_n", "power_kw": 1.0, "start": start - timedelta(days=2)},
            "reserve_in_the_past",
        ),
    )
    for data, key in cases:
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                DOMAIN, "commit_reserve", {**base, **data}, blocking=True
            )
        assert raised.value.translation_key == key
    without_device = {"start": start, "hours": 1, "product": "fcr_n", "power_kw": 1.0}
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "commit_reserve", without_device, blocking=True
        )
    assert raised.value.translation_key == "reserve_needs_device"
    dispatches = (
        ({"power_kw": 0.0, "duration": "00:05:00"}, "invalid_dispatch"),
        ({"power_kw": 1.0, "duration": "02:00:00"}, "invalid_dispatch_duration"),
    )
    for data, key in dispatches:
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                DOMAIN,
                "dispatch",
                {"device_id": charger_device(hass), **data},
                blocking=True,
            )
        assert raised.value.translation_key == key


async def test_a_bid_the_device_cannot_deliver_is_refused(
    hass: HomeAssistant,
    quasar_server: ModbusSimulator,
    pack_server: ModbusSimulator,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Without a grid frequency source no FCR can be delivered: the bid is refused and nothing is held."""
    aioclient_mock.get(
        FCR_URL, json=json.loads(FCR_FIXTURE.read_text(encoding="utf-8"))
    )
    entry = reserve_site(
        [charger_subentry(quasar_server.port), pack_subentry(pack_server.port)],
        "DK2",
        RESERVES,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _auto(hass, entry)
    start = dt_util.now().replace(minute=0, second=0, microsecond=0) + timedelta(
        hours=2
    )
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "commit_reserve",
            {
                "device_id": charger_device(hass),
                "product": "fcr_d_up",
                "start": start,
                "hours": 1,
                "power_kw": 1.0,
            },
            blocking=True,
        )
    assert raised.value.translation_key == "reserve_no_frequency_source"
    assert scheduler_of(entry).reserves.book.commitments == ()
    # Nor does the plan offer what cannot be delivered: no FCR is held, so none is bid.
    plan = scheduler_of(entry).plan
    assert plan is not None
    assert all(kw == 0.0 for reserve in plan.reserves for kw in reserve.kw)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_dispatch_goes_on_top_of_the_plan_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Charging 3 kW more: the charger takes it before the action returns, without waiting for a poll.

    (3 kW, not 2: at some hours the plan discharges at the Quasar's 1.38 kW dead band, and 2 kW on
    top of that would ask for 0.62 kW, which the charger cannot run.)
    """
    await _auto(hass, loaded_entry)
    before = quasar.power_kw
    await hass.services.async_call(
        DOMAIN,
        "dispatch",
        {"device_id": charger_device(hass), "power_kw": 3.0, "duration": "00:05:00"},
        blocking=True,
    )
    assert quasar.power_kw == pytest.approx(before + 3.0, abs=0.3)
    scheduler = scheduler_of(loaded_entry)
    (dispatch,) = scheduler.overrides.dispatches.values()
    assert dispatch.offset_kw == 3.0
    # A restart in the middle of the activation does not end it.
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    again = scheduler_of(loaded_entry)
    assert again is not scheduler
    assert list(again.overrides.dispatches.values()) == [dispatch]


async def test_a_dispatch_the_floors_do_not_allow_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Exporting more from a car at its reserve, or beyond its power: refused, nothing written."""
    await _auto(hass, loaded_entry)
    scheduler = scheduler_of(loaded_entry)
    await scheduler.async_update_settings(reserve_soc_pct=60.0)
    await hass.async_block_till_done(wait_background_tasks=True)
    device = charger_device(hass)
    # Whatever the plan does now, 15 kW less is a discharge, and 40 kW more beyond the charger.
    for power, key in (
        (-15.0, "dispatch_reserve_floor"),
        (40.0, "dispatch_power_limit"),
    ):
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                DOMAIN,
                "dispatch",
                {"device_id": device, "power_kw": power, "duration": "00:05:00"},
                blocking=True,
            )
        assert raised.value.translation_key == key
    assert not scheduler.overrides.dispatches
    await select(hass, CHARGER_MODE, "hold")
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "dispatch",
            {"device_id": device, "power_kw": 1.0, "duration": "00:05:00"},
            blocking=True,
        )
    assert raised.value.translation_key == "dispatch_user_mode"


async def test_income_is_booked_apart_from_energy(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The plan's reserves until two hours from now go into the reserve income, not the energy ledger."""
    await _auto(hass, loaded_entry)
    scheduler = scheduler_of(loaded_entry)
    plan, since = scheduler.plan, scheduler.planned_at
    assert plan is not None
    assert since is not None
    income = loaded_entry.runtime_data.reserve_income
    assert income is not None
    ledger = loaded_entry.runtime_data.ledger
    before = (income.lifetime(), ledger.totals(None, "lifetime"))
    until = dt_util.utcnow() + timedelta(hours=2)  # a whole hour at least
    scheduler.reserves.after_plan(plan, plan, until, "test")
    expected = sum(reserve_income_between(plan, since, until).values())
    assert expected > 0
    assert income.lifetime() - before[0] == pytest.approx(expected)
    assert income.today(None, since) >= income.lifetime() - before[0] - 1e-9
    await hass.async_block_till_done()
    state = hass.states.get(_entity(hass, f"{loaded_entry.entry_id}_reserve_income"))
    assert state is not None
    assert float(state.state) == pytest.approx(income.lifetime(), abs=1e-5)
    assert ledger.totals(None, "lifetime") == before[1]  # metered energy only
