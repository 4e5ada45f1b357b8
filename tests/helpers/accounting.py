"""Helpers for the accounting tests: moving Home Assistant's and the simulator's clocks together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.sunspec import SunSpecPack
from custom_components.v2g_home.devices.transport import ModbusTransport
from tests.helpers.scheduling import PACK_MODE, forecast, select

if TYPE_CHECKING:
    from collections.abc import Callable

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimulatedSunSpecPack,
    )
    from custom_components.v2g_home.prices.models import PriceForecast

SITE = "sensor.home"
PACK_LEDGER = "sensor.v2g_home_simulated_sunspec_pack"
STEP_S = 5


class FrozenClock(SimClock):
    """Simulated time that is Home Assistant's (frozen, ticking) time, so both meter the same seconds."""

    def __init__(self) -> None:
        """Start at Home Assistant's now."""
        super().__init__(manual=True)
        self._origin = dt_util.utcnow()

    def now(self) -> float:
        """Seconds of Home Assistant time since the clock was made."""
        return (dt_util.utcnow() - self._origin).total_seconds()


def with_options(entry: MockConfigEntry, **options: Any) -> MockConfigEntry:
    """The same site with extra options (house, solar or grid meter sensors)."""
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        data=dict(entry.data),
        options={**entry.options, **options},
        subentries_data=[
            {
                "data": dict(sub.data),
                "subentry_type": sub.subentry_type,
                "title": sub.title,
                "unique_id": sub.unique_id,
            }
            for sub in entry.subentries.values()
        ],
    )


async def command_pack(server: ModbusSimulator, power_kw: float) -> None:
    """Set the pack's power over SunSpec, as a scheduler would."""
    driver = SunSpecPack(ModbusTransport("127.0.0.1", server.port, 1))
    try:
        await driver.connect()
        await driver.set_power_kw(power_kw)
    finally:
        await driver.close()


async def v2g_drives_pack(hass: HomeAssistant, power_kw: float) -> None:
    """V2G Home drives the pack: auto, and the user's force at `power_kw` (+ charge, - export) for 2 h.

    The ledger books only what V2G Home did; a pack commanded by anyone else is outside its control.
    """
    await select(hass, PACK_MODE, "auto")
    await hass.services.async_call(
        DOMAIN,
        "force_charge" if power_kw > 0 else "force_export",
        {"power_kw": abs(power_kw), "duration": {"hours": 2}},
        blocking=True,
    )
    await poll_now(hass)


async def hold_scheduler(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Switch the site's scheduler off so that only the test commands the devices."""
    scheduler = getattr(entry.runtime_data, "scheduler", None)
    if scheduler is not None:
        await scheduler.async_update_settings(enabled=False)
        await hass.async_block_till_done()


@dataclass
class Metered:
    """What the simulated pack exported, in total and priced slot by slot at the sell price."""

    exported_kwh: float = 0.0
    revenue: float = 0.0
    by_slot: dict[str, float] = field(default_factory=dict)


async def poll_now(hass: HomeAssistant) -> None:
    """Poll every device now, so the ledger has counted up to this moment (polls drift off the steps)."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        for coordinator in entry.runtime_data.devices.values():
            await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


async def run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seconds: int,
    *,
    pack: SimulatedSunSpecPack | None = None,
    prices: PriceForecast | None = None,
    metered: Metered | None = None,
    on_step: Callable[[], None] | None = None,
) -> None:
    """Let `seconds` pass in small steps, polling as due; meter the pack's export slot by slot.

    `on_step` runs after each step's clock tick, before the polls (to move a meter the test plays).
    """
    await poll_now(hass)
    last_at = dt_util.utcnow()
    last_out = pack.meter.energy_out_kwh if pack is not None else 0.0
    for _ in range(seconds // STEP_S):
        freezer.tick(timedelta(seconds=STEP_S))
        if on_step is not None:
            on_step()
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if pack is None or metered is None or prices is None:
            continue
        out, last_out = pack.meter.energy_out_kwh - last_out, pack.meter.energy_out_kwh
        slot = prices.slot_at(last_at)
        assert slot is not None, f"no price at {last_at}"
        last_at = dt_util.utcnow()
        metered.exported_kwh += out
        metered.revenue += out * slot.sell_per_kwh
        key = slot.start.isoformat()
        metered.by_slot[key] = metered.by_slot.get(key, 0.0) + out
    await poll_now(hass)


def value(hass: HomeAssistant, entity_id: str) -> float:
    """The numeric state of an entity that must exist."""
    current = hass.states.get(entity_id)
    assert current is not None, f"{entity_id} does not exist"
    return float(current.state)


async def price_all_day(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Prices for the next 24 hours (buy 1.0, sell 0.5 a kWh), so every flow can be booked at once."""
    start = dt_util.utcnow() - timedelta(minutes=30)
    entry.runtime_data.prices.async_set_updated_data(
        forecast(lambda _: (1.0, 0.5), start=start)
    )
    await hass.async_block_till_done()
