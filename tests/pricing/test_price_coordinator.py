"""PriceCoordinator: fetch schedule, tariffs, staleness, repair issue, entity sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2g_home.const import (
    CONF_CUSTOM_TOU,
    CONF_PRICE_ENTITY,
    CONF_PRICE_SOURCE,
    CONF_TARIFF_PRESET,
    DOMAIN,
    SOURCE_ENTITY,
)
from custom_components.v2g_home.pricing.settings import tariff_settings_from
from tests.helpers.pricing import EDS_URL, SITE, forecast, start_coordinator
from tests.helpers.recorded import load_fixture

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

NOW = datetime(2026, 1, 14, 13, 0, tzinfo=UTC)  # 14:00 Danish time, tomorrow published


async def test_fetches_prices_and_applies_the_tariff(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Today and tomorrow from Energi Data Service, Radius winter tariff, next fetch tomorrow 13:00."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(hass)
    data = forecast(coordinator)
    assert len(data.slots) == 192
    assert data.tomorrow_known
    assert not data.stale
    assert data.fetched_at == NOW
    assert data.next_update == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert coordinator.update_interval == timedelta(hours=23)
    slot = data.slot_at(datetime(2026, 1, 14, 17, 0, tzinfo=UTC))  # 18:00, peak
    assert slot is not None
    assert slot.buy_per_kwh == pytest.approx(
        (slot.spot_per_kwh + 0.05 + 0.8788 + 0.115 + 0.008) * 1.25
    )
    assert slot.sell_per_kwh == pytest.approx(slot.spot_per_kwh - 0.0103)
    query = aioclient_mock.mock_calls[0][1].query
    assert (query["start"], query["end"]) == ("2026-01-14", "2026-01-16")
    assert ir.async_get(hass).async_get_issue(DOMAIN, coordinator.issue_id) is None
    await coordinator.async_shutdown()


async def test_before_publication_waits_until_13(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With only today known in the morning, the next fetch is at 13:00 Danish time."""
    freezer.move_to(datetime(2026, 1, 14, 7, 0, tzinfo=UTC))
    aioclient_mock.get(EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14.json"))
    coordinator = await start_coordinator(hass)
    data = forecast(coordinator)
    assert not data.tomorrow_known
    assert data.next_update == datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    # Tomorrow at expected prices (learned from today), priced by the same tariffs; never a known slot.
    assert len(data.expected) == 96
    assert data.expected[0].start == data.known_until()
    assert data.expected[-1].end == datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
    peak = data.expected[17 * 4]  # 18:00 Danish time tomorrow
    assert peak.buy_per_kwh == pytest.approx(
        (peak.spot_per_kwh + 0.05 + 0.8788 + 0.115 + 0.008) * 1.25
    )
    assert data.slot_at(peak.start) is None
    await coordinator.async_shutdown()


async def test_failure_keeps_known_prices_marks_stale_and_raises_issue_then_clears(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Known prices survive a failed fetch; with under 12 h known a repair issue appears; prices back → gone."""
    freezer.move_to(datetime(2026, 1, 14, 7, 0, tzinfo=UTC))
    aioclient_mock.get(EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14.json"))
    coordinator = await start_coordinator(hass)
    issues = ir.async_get(hass)
    assert (
        issues.async_get_issue(DOMAIN, coordinator.issue_id) is None
    )  # 16 h known ahead

    aioclient_mock.clear_requests()
    aioclient_mock.get(EDS_URL, status=500)
    freezer.move_to(
        datetime(2026, 1, 14, 13, 0, tzinfo=UTC)
    )  # 14:00: only 10 h known ahead
    await coordinator.async_refresh()
    data = forecast(coordinator)
    assert data.stale
    assert "server error 500" in (data.last_error or "")
    assert len(data.slots) == 96
    assert data.fetched_at == datetime(2026, 1, 14, 7, 0, tzinfo=UTC)
    assert data.next_update == datetime(2026, 1, 14, 13, 1, tzinfo=UTC)
    assert (
        aioclient_mock.call_count == 1
    )  # no retry inside the update; the schedule retries
    issue = issues.async_get_issue(DOMAIN, coordinator.issue_id)
    assert issue is not None
    assert issue.translation_key == "no_prices"

    aioclient_mock.clear_requests()
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh()
    assert not forecast(coordinator).stale
    assert issues.async_get_issue(DOMAIN, coordinator.issue_id) is None
    await coordinator.async_shutdown()


async def test_rate_limit_pushes_the_next_fetch_back(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 with Retry-After 900 s schedules the next attempt no sooner; nothing known → issue."""
    freezer.move_to(NOW)
    aioclient_mock.get(EDS_URL, status=429, headers={"Retry-After": "900"})
    coordinator = await start_coordinator(hass)
    data = forecast(coordinator)
    assert data.stale
    assert data.slots == ()
    assert data.next_update == NOW + timedelta(seconds=900)
    assert ir.async_get(hass).async_get_issue(DOMAIN, coordinator.issue_id) is not None
    await coordinator.async_shutdown()


async def test_malformed_reply_is_stale_not_a_crash(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A reply without records is logged and marked stale."""
    freezer.move_to(NOW)
    aioclient_mock.get(EDS_URL, json={"error": "maintenance"})
    coordinator = await start_coordinator(hass)
    assert forecast(coordinator).stale
    assert "'records' list" in (forecast(coordinator).last_error or "")
    await coordinator.async_shutdown()


async def test_old_slots_are_dropped(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Slots older than yesterday are forgotten as days go by."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(hass)
    aioclient_mock.clear_requests()
    aioclient_mock.get(EDS_URL, json={"records": []})
    freezer.move_to(datetime(2026, 1, 16, 13, 0, tzinfo=UTC))
    await coordinator.async_refresh()
    data = forecast(coordinator)
    assert data.slots[0].start == datetime(
        2026, 1, 14, 23, 0, tzinfo=UTC
    )  # 2026-01-15 00:00 Danish
    assert not data.tomorrow_known
    await coordinator.async_shutdown()


async def test_hacs_entity_source(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A HACS Nord Pool sensor is read every 5 minutes; no network."""
    freezer.move_to(NOW)
    hass.states.async_set(
        "sensor.nordpool_kwh_dk1_dkk",
        "0.5",
        load_fixture("entity_nordpool_hacs_dk1_2026-01-14.json"),
    )
    coordinator = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_PRICE_SOURCE: SOURCE_ENTITY,
            CONF_PRICE_ENTITY: "sensor.nordpool_kwh_dk1_dkk",
        },
    )
    data = forecast(coordinator)
    assert (data.source, len(data.slots), data.stale) == ("nordpool_hacs", 96, False)
    assert data.next_update == NOW + timedelta(minutes=5)
    await coordinator.async_shutdown()


async def test_a_price_entity_going_away_is_noticed_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The entity is watched: unavailable now means stale now, not at the next 5-minute read."""
    freezer.move_to(NOW)
    entity = "sensor.nordpool_kwh_dk1_dkk"
    attributes = load_fixture("entity_nordpool_hacs_dk1_2026-01-14.json")
    hass.states.async_set(entity, "0.5", attributes)
    coordinator = await start_coordinator(
        hass, {**SITE, CONF_PRICE_SOURCE: SOURCE_ENTITY, CONF_PRICE_ENTITY: entity}
    )
    assert not forecast(coordinator).stale
    hass.states.async_set(entity, "unavailable", {})
    await hass.async_block_till_done()
    assert forecast(coordinator).stale
    assert "no price forecast" in (forecast(coordinator).last_error or "")
    hass.states.async_set(entity, "0.5", attributes)
    await hass.async_block_till_done()
    assert not forecast(coordinator).stale
    await coordinator.async_shutdown()


@pytest.mark.parametrize(
    ("state", "settings", "error"),
    [
        (None, {}, "does not exist"),
        ({"currency": "EUR"}, {}, "is in EUR, the site is set to DKK"),
        ({"today": [1, 2]}, {}, "no price forecast in a known shape"),
        (None, {CONF_PRICE_ENTITY: None}, "no price entity"),
    ],
)
async def test_entity_source_problems(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    state: dict[str, object] | None,
    settings: dict[str, object],
    error: str,
) -> None:
    """A missing, mismatched or unreadable entity makes stale prices with the reason."""
    freezer.move_to(NOW)
    if state is not None:
        attributes = {
            **load_fixture("entity_nordpool_hacs_dk1_2026-01-14.json"),
            **state,
        }
        if "today" in state:
            attributes = dict(state)
        hass.states.async_set("sensor.prices", "0.5", attributes)
    coordinator = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_PRICE_SOURCE: SOURCE_ENTITY,
            CONF_PRICE_ENTITY: "sensor.prices",
            **settings,
        },
    )
    assert forecast(coordinator).stale
    assert error in (forecast(coordinator).last_error or "")
    await coordinator.async_shutdown()


async def test_core_nordpool_through_its_action(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A core Nord Pool sensor: prices come from nordpool.get_prices_for_date; tomorrow may be unpublished."""
    freezer.move_to(NOW)
    nordpool_entry = MockConfigEntry(
        domain="nordpool", data={"areas": ["DK1"], "currency": "DKK"}
    )
    nordpool_entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        "nordpool",
        "DK1-current_price",
        config_entry=nordpool_entry,
        suggested_object_id="nord_pool_dk1_current_price",
    )
    hass.states.async_set(
        "sensor.nord_pool_dk1_current_price", "0.5", {"unit_of_measurement": "DKK/kWh"}
    )
    calls: list[ServiceCall] = []

    async def get_prices_for_date(call: ServiceCall) -> dict[str, object]:
        calls.append(call)
        if call.data["date"] != "2026-01-14":
            raise ServiceValidationError("empty response")
        return load_fixture("nordpool_core_get_prices_for_date_dk1_2026-01-14.json")  # type: ignore[no-any-return]

    hass.services.async_register(
        "nordpool",
        "get_prices_for_date",
        get_prices_for_date,
        supports_response=SupportsResponse.ONLY,
    )
    coordinator = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_PRICE_SOURCE: SOURCE_ENTITY,
            CONF_PRICE_ENTITY: "sensor.nord_pool_dk1_current_price",
        },
    )
    data = forecast(coordinator)
    assert (data.source, len(data.slots), data.stale) == ("nordpool_core", 96, False)
    assert [c.data["date"] for c in calls] == ["2026-01-14", "2026-01-15"]
    assert calls[0].data["config_entry"] == nordpool_entry.entry_id
    assert calls[0].data["areas"] == "DK1"
    assert data.next_update == datetime(2026, 1, 14, 13, 10, tzinfo=UTC)
    await coordinator.async_shutdown()


async def test_core_nordpool_failure_today_is_stale(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """If even today's prices fail, the coordinator keeps going, stale."""
    freezer.move_to(NOW)
    nordpool_entry = MockConfigEntry(domain="nordpool")
    nordpool_entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor", "nordpool", "x", config_entry=nordpool_entry, suggested_object_id="np"
    )

    async def broken(call: ServiceCall) -> dict[str, object]:
        raise ServiceValidationError("connection error")

    hass.services.async_register(
        "nordpool",
        "get_prices_for_date",
        broken,
        supports_response=SupportsResponse.ONLY,
    )
    hass.states.async_set("sensor.np", "0.5", {})
    coordinator = await start_coordinator(
        hass, {**SITE, CONF_PRICE_SOURCE: SOURCE_ENTITY, CONF_PRICE_ENTITY: "sensor.np"}
    )
    assert "Nord Pool action failed" in (forecast(coordinator).last_error or "")
    await coordinator.async_shutdown()


async def test_tariff_settings_custom_table_and_template(hass: HomeAssistant) -> None:
    """A custom table or a template is used as the grid tariff; a broken table is ignored (the flow validates it)."""
    settings = tariff_settings_from(
        hass,
        {
            **SITE,
            CONF_TARIFF_PRESET: "custom",
            CONF_CUSTOM_TOU: "00-24 0.5",
            "vat_pct": 0,
        },
    )
    assert settings.grid is not None
    assert settings.grid.rate_per_kwh(NOW) == 0.5
    assert settings.vat_rate == 0
    assert (
        tariff_settings_from(
            hass, {CONF_TARIFF_PRESET: "custom", CONF_CUSTOM_TOU: "nonsense"}
        ).grid
        is None
    )
    assert tariff_settings_from(hass, {}).grid is None
    assert tariff_settings_from(hass, {CONF_TARIFF_PRESET: "n1"}).grid is not None
    template = tariff_settings_from(
        hass,
        {
            CONF_TARIFF_PRESET: "template",
            "tariff_template": "{{ 0.9 if 17 <= now().hour < 21 else 0.3 }}",
        },
    ).grid
    assert template is not None
    assert (
        template.rate_per_kwh(datetime(2026, 1, 14, 16, 0, tzinfo=UTC)) == 0.9
    )  # 17:00 Danish time
    assert template.rate_per_kwh(datetime(2026, 1, 14, 15, 45, tzinfo=UTC)) == 0.3
    assert template.holds_on(NOW.date())


async def test_template_tariff_in_use_and_broken(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A template that renders per slot start; one that gives no number makes stale prices with the reason."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    template = "{{ 0.9 if 17 <= start.hour < 21 else 0.3 }}"
    coordinator = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_TARIFF_PRESET: "template",
            "tariff_template": template,
            "vat_pct": 0,
            "supplier_markup_per_kwh": 0,
        },
    )
    slot = forecast(coordinator).slot_at(datetime(2026, 1, 14, 17, 0, tzinfo=UTC))
    assert slot is not None
    assert slot.buy_per_kwh == pytest.approx(slot.spot_per_kwh + 0.9 + 0.115 + 0.008)
    await coordinator.async_shutdown()

    broken = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_TARIFF_PRESET: "template",
            "tariff_template": "{{ states('sensor.nothing') }}",
        },
    )
    data = forecast(broken)
    assert data.stale
    assert "gave no number" in (data.last_error or "")
    assert data.slots == ()
    await broken.async_shutdown()


async def test_a_tariff_that_breaks_later_keeps_the_prices_but_expects_none(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The last good prices go on (stale); no expected ones are made from a tariff that gives no number."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    hass.states.async_set("sensor.grid_rate", "0.4")
    coordinator = await start_coordinator(
        hass,
        {
            **SITE,
            CONF_TARIFF_PRESET: "template",
            "tariff_template": "{{ states('sensor.grid_rate') }}",
        },
    )
    good = forecast(coordinator)
    assert len(good.expected) == 96
    hass.states.async_set("sensor.grid_rate", "unknown")
    await coordinator.async_refresh()
    data = forecast(coordinator)
    assert data.stale
    assert data.slots == good.slots
    assert data.expected == ()
    await coordinator.async_shutdown()


async def test_outdated_tariff_preset_raises_an_issue(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a preset's last sourced date its last rates carry on, and the user is told to check them."""
    freezer.move_to(datetime(2027, 4, 2, 13, 0, tzinfo=UTC))
    aioclient_mock.get(EDS_URL, json={"records": []})
    coordinator = await start_coordinator(hass)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, coordinator.tariff_issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "preset": "Radius Elnet",
        "valid_to": "2027-04-01",
    }
    await coordinator.async_shutdown()

    fresh = await start_coordinator(hass, {**SITE, CONF_TARIFF_PRESET: "none"})
    assert ir.async_get(hass).async_get_issue(DOMAIN, fresh.tariff_issue_id) is None
    await fresh.async_shutdown()


async def test_options_override_data(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Tariff options changed after setup win over the entry's data."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(
        hass,
        SITE,
        {CONF_TARIFF_PRESET: "none", "vat_pct": 0.0, "supplier_markup_per_kwh": 0.0},
    )
    slot = forecast(coordinator).slot_at(NOW)
    assert slot is not None
    assert slot.buy_per_kwh == pytest.approx(slot.spot_per_kwh + 0.115 + 0.008)
    await coordinator.async_shutdown()


async def test_refresh_within_a_minute_does_not_call_the_service(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An early manual refresh keeps the known prices and is scheduled after the one-minute rule."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(hass)
    await coordinator.async_refresh()
    assert aioclient_mock.call_count == 1
    data = forecast(coordinator)
    assert data.stale
    assert len(data.slots) == 192
    assert (
        NOW + timedelta(seconds=55) <= data.next_update <= NOW + timedelta(seconds=61)
    )
    await coordinator.async_shutdown()
