"""Price entities: current buy/sell price with forecast, next update, tomorrow known, quarter-hour tick."""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import TYPE_CHECKING

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockEntityPlatform,
    async_fire_time_changed,
)

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.pricing.entities import (
    async_add_price_binary_sensors,
    async_add_price_sensors,
)
from tests.helpers.pricing import EDS_URL, start_coordinator
from tests.helpers.recorded import load_fixture
from tests.helpers.registry import find_device

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.pricing.coordinator import PriceCoordinator

NOW = datetime(2026, 1, 14, 16, 50, tzinfo=UTC)  # 17:50 Danish time: peak


ADDED: dict[str, Entity] = {}


async def _add_entities(
    hass: HomeAssistant, coordinator: PriceCoordinator
) -> dict[str, str]:
    """Add the price entities through entity platforms bound to the site entry; return unique id suffix -> entity id."""
    entry = coordinator.config_entry
    ADDED.clear()
    for domain, add in (
        ("sensor", async_add_price_sensors),
        ("binary_sensor", async_add_price_binary_sensors),
    ):
        platform = MockEntityPlatform(hass, domain=domain, platform_name=DOMAIN)
        platform.config_entry = entry
        collected: list[Entity] = []
        add(
            coordinator,
            entry,
            lambda entities, *_, into=collected: into.extend(entities),
        )
        await platform.async_add_entities(collected)
        ADDED.update({entity.entity_id: entity for entity in collected})
    registry = er.async_get(hass)
    return {
        e.unique_id.removeprefix(f"{entry.entry_id}_"): e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities_show_current_prices_and_forecast(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Buy and sell now with the forecast, next update and tomorrow known as attributes, on the site device."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(hass)
    ids = await _add_entities(hass, coordinator)
    assert set(ids) == {"buy_price", "sell_price", "tomorrow_prices_known"}

    slot = coordinator.data.slot_at(NOW)
    assert slot is not None
    buy = hass.states.get(ids["buy_price"])
    assert buy is not None
    assert float(buy.state) == pytest.approx(slot.buy_per_kwh, abs=1e-5)
    assert buy.attributes["unit_of_measurement"] == "DKK/kWh"
    assert buy.attributes["device_class"] == "monetary"
    assert buy.attributes["stale"] is False
    forecast = buy.attributes["forecast"]
    assert forecast[0]["start"] == "2026-01-14T16:45:00+00:00"
    assert len(forecast) == 25 + 96  # 16:45-23:00 UTC today, then all of tomorrow
    assert len(json.dumps(forecast)) < 16_000 / 2
    sell = hass.states.get(ids["sell_price"])
    assert sell is not None
    assert float(sell.state) == pytest.approx(slot.sell_per_kwh, abs=1e-5)
    assert buy.attributes["next_update"] == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert buy.attributes["tomorrow_known"] is True
    assert hass.states.get(ids["tomorrow_prices_known"]).state == "on"  # type: ignore[union-attr]

    entry_id = coordinator.config_entry.entry_id
    device = find_device(hass, entry_id, entry_id)
    assert device is not None
    assert all(
        er.async_get(hass).async_get(entity_id).device_id == device.id
        for entity_id in ids.values()
    )  # type: ignore[union-attr]

    # At 18:00 the next quarter starts: the state follows without a fetch.
    calls = aioclient_mock.call_count
    freezer.move_to(datetime(2026, 1, 14, 17, 0, tzinfo=UTC))
    async_fire_time_changed(hass, datetime(2026, 1, 14, 17, 0, tzinfo=UTC))
    await hass.async_block_till_done()
    later = coordinator.data.slot_at(datetime(2026, 1, 14, 17, 0, tzinfo=UTC))
    assert later is not None
    assert float(hass.states.get(ids["buy_price"]).state) == pytest.approx(
        later.buy_per_kwh, abs=1e-5
    )  # type: ignore[union-attr]
    assert aioclient_mock.call_count == calls
    await coordinator.async_shutdown()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_without_prices_the_price_sensors_are_unavailable(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No known price for now: unavailable rather than a made-up number; tomorrow not known."""
    freezer.move_to(NOW)
    aioclient_mock.get(EDS_URL, status=503)
    coordinator = await start_coordinator(hass)
    ids = await _add_entities(hass, coordinator)
    assert hass.states.get(ids["buy_price"]).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(ids["tomorrow_prices_known"]).state == "off"  # type: ignore[union-attr]
    await coordinator.async_shutdown()


async def test_forecast_is_not_recorded(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The forecast and the next update are excluded from the recorder; stale and source are recorded."""
    freezer.move_to(NOW)
    aioclient_mock.get(
        EDS_URL, json=load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    )
    coordinator = await start_coordinator(hass)
    ids = await _add_entities(hass, coordinator)
    for key in ("buy_price", "sell_price"):
        unrecorded = ADDED[ids[key]]._state_info["unrecorded_attributes"]
        assert {"forecast", "next_update"} <= unrecorded
        assert "stale" not in unrecorded
    await coordinator.async_shutdown()
