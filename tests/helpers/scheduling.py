"""Helpers for the scheduler tests: scripted prices, mode selection, captured events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.select import (
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from custom_components.v2g_home.prices.models import BuyAndSell, PriceForecast
from tests.helpers.ha import CHARGER, PACK

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.scheduling.scheduler import Scheduler

CHARGER_MODE = f"select.{CHARGER}_control_mode"
PACK_MODE = f"select.{PACK}_control_mode"
NEXT_ACTION = "sensor.home_next_action"
QUARTER = timedelta(minutes=15)

type PriceFn = Callable[[int], tuple[float, float]]


def quarter_start(when: datetime) -> datetime:
    """The start of the quarter hour holding the instant."""
    return when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)


def flat(buy: float, sell: float) -> PriceFn:
    """The same buy and sell price in every slot."""
    return lambda _index: (buy, sell)


def first_slot(first: tuple[float, float], rest: tuple[float, float]) -> PriceFn:
    """One price for the current slot, another for every later one."""
    return lambda index: first if index == 0 else rest


def forecast(
    prices: PriceFn, *, hours: int = 24, start: datetime | None = None
) -> PriceForecast:
    """Quarter-hour buy/sell prices from the current slot on."""
    begin = quarter_start(start or dt_util.utcnow())
    slots = []
    for index in range(hours * 4):
        buy, sell = prices(index)
        slots.append(
            BuyAndSell(
                start=begin + index * QUARTER,
                duration=QUARTER,
                spot_per_kwh=sell,
                buy_per_kwh=buy,
                sell_per_kwh=sell,
            )
        )
    return PriceForecast(
        currency="DKK",
        source="test",
        slots=tuple(slots),
        fetched_at=dt_util.utcnow(),
        tomorrow_known=True,
        next_update=None,
    )


async def set_prices(
    hass: HomeAssistant, entry: MockConfigEntry, prices: PriceFn
) -> None:
    """Publish scripted prices as if the price coordinator had fetched them."""
    entry.runtime_data.prices.async_set_updated_data(forecast(prices))
    await hass.async_block_till_done(wait_background_tasks=True)


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Choose a control mode as a user would."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, "option": option},
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)


def scheduler_of(entry: MockConfigEntry) -> Scheduler:
    """The site's scheduler."""
    scheduler = entry.runtime_data.scheduler
    assert scheduler is not None
    return scheduler


def capture(hass: HomeAssistant, event_type: str) -> list[dict[str, Any]]:
    """Collect the data of every event of a type fired from now on."""
    seen: list[dict[str, Any]] = []

    @callback  # in the loop, in firing order (a plain function would run in the executor)
    def _store(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(event_type, _store)
    return seen
