"""End-to-end harness: a recorded price day, the simulator on loopback, Home Assistant's and the simulator's clocks moved together.

The other test_e2e_* modules import it; its own tests check the harness itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pymodbus.client.base
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.simulator.battery import SimulatedBattery
from tests.helpers.ha import setup
from tests.helpers.scheduling import CHARGER_MODE, PACK_MODE, select
from tests.helpers.site import DAY_AHEAD_URL

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.prices.models import BuyAndSell, PriceForecast

# Recorded Energi Data Service reply for two days (real DK1 hours of 2025-01-14/15 placed on 2026-01-14/15,
# see tests/fixtures/prices/README.md): a flat night, then a peak above 2 DKK/kWh from 08:00 on the 15th.
TWO_DAYS = (
    Path(__file__).parent.parent
    / "fixtures"
    / "prices"
    / "dayaheadprices_dk1_2026-01-14_15.json"
)
# 03:00 Danish time on 15 January 2026, the cheapest hours still ahead and the peak from 08:00.
DAY_START = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
STEP_S = 10  # the charger polls every 10 s, the pack every 15 s (so at 20 s here)


@pytest.fixture(autouse=True)
def prices_api(aioclient_mock: AiohttpClientMocker) -> None:
    """Energi Data Service answers with the recorded two days (overrides the conftest's one day)."""
    aioclient_mock.get(
        DAY_AHEAD_URL, json=json.loads(TWO_DAYS.read_text(encoding="utf-8"))
    )


@pytest.fixture
def recorder_config() -> dict[str, Any]:
    """Keep the site's entities out of the recorder: a simulated day writes thousands of states."""
    return {"exclude": {"domains": [*RECORDED_ELSEWHERE]}}


RECORDED_ELSEWHERE = ("sensor", "binary_sensor", "number", "select", "switch", "time")


class _ConnectWithoutSettle:
    """asyncio for pymodbus's client module, minus the 0.1 s pause after connecting.

    Under the frozen clock that pause is a timer that only fires when the test moves time, and Home
    Assistant's block_till_done would wait for it forever.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(_delay: float) -> None:
        await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def connect_without_settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the drivers connect while the clock is frozen (older pymodbus releases pause after connecting)."""
    if hasattr(pymodbus.client.base, "asyncio"):
        monkeypatch.setattr(pymodbus.client.base, "asyncio", _ConnectWithoutSettle())


@dataclass
class Meter:
    """What the simulator metered, slot by slot, and what it looked like along the way."""

    exported_kwh: dict[datetime, float] = field(default_factory=dict)
    charged_kwh: dict[datetime, float] = field(default_factory=dict)
    powers_kw: dict[datetime, list[float]] = field(default_factory=dict)
    lowest_soc_pct: float = 100.0
    lowest_soc_discharging_pct: float = 100.0
    soc_pct: dict[datetime, float] = field(default_factory=dict)

    def revenue(self, prices: PriceForecast) -> float:
        """Metered export priced at the sell price of the slot in which it flowed."""
        return sum(
            kwh * price_at(prices, start).sell_per_kwh
            for start, kwh in self.exported_kwh.items()
        )

    def slots_where(self, test: Callable[[float], bool]) -> list[datetime]:
        """Slot starts where the device's power passed the test at every step."""
        return sorted(s for s, kws in self.powers_kw.items() if all(map(test, kws)))


def price_at(prices: PriceForecast, when: datetime) -> BuyAndSell:
    """The price slot holding an instant, which the recorded day must have."""
    slot = prices.slot_at(when)
    assert slot is not None, f"no price for {when}"
    return slot


def _slot_start(when: datetime) -> datetime:
    return when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)


@dataclass
class Day:
    """Moves Home Assistant (freezer) and the simulator (manual clock) forward together."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    clock: SimClock
    car: SimulatedBattery  # a Quasar or a BiDiPro with its car
    pack: SimulatedBattery | None = None  # a SunSpec pack or DER battery
    car_meter: Meter = field(default_factory=Meter)
    pack_meter: Meter = field(default_factory=Meter)
    charger_mode: str = CHARGER_MODE
    pack_mode: str = PACK_MODE

    async def start(self, entry: MockConfigEntry, at: datetime = DAY_START) -> None:
        """Set the site up at `at` in Copenhagen with every device in auto."""
        # Debug mode records a stack for every callback: far too slow for thousands of steps.
        asyncio.get_running_loop().set_debug(False)
        await self.hass.config.async_set_time_zone("Europe/Copenhagen")
        self.freezer.move_to(at)
        await setup(self.hass, entry)
        await select(self.hass, self.charger_mode, "auto")
        if self.pack is not None:
            await select(self.hass, self.pack_mode, "auto")

    async def settle(self) -> None:
        """Let everything due now run."""
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def run(
        self,
        seconds: int,
        *,
        every_step: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Let `seconds` pass in steps of STEP_S, metering each device in the slot the step began."""
        for _ in range(seconds // STEP_S):
            slot = _slot_start(dt_util.utcnow())
            before = [
                (d, d.meter.energy_out_kwh, d.meter.energy_in_kwh)
                for d in self._devices()
            ]
            self.freezer.tick(timedelta(seconds=STEP_S))
            self.clock.advance(STEP_S)
            for (device, out_kwh, in_kwh), meter in zip(
                before, self._meters(), strict=True
            ):
                meter.exported_kwh[slot] = meter.exported_kwh.get(slot, 0.0) + (
                    device.meter.energy_out_kwh - out_kwh
                )
                meter.charged_kwh[slot] = meter.charged_kwh.get(slot, 0.0) + (
                    device.meter.energy_in_kwh - in_kwh
                )
                meter.powers_kw.setdefault(slot, []).append(device.power_kw)
                meter.lowest_soc_pct = min(meter.lowest_soc_pct, device.soc_pct)
                meter.soc_pct[dt_util.utcnow()] = device.soc_pct
                if device.power_kw < 0:
                    meter.lowest_soc_discharging_pct = min(
                        meter.lowest_soc_discharging_pct, device.soc_pct
                    )
            await self.settle()
            if every_step is not None:
                await every_step()

    def _devices(self) -> list[Any]:
        return [self.car] if self.pack is None else [self.car, self.pack]

    def _meters(self) -> list[Meter]:
        return (
            [self.car_meter] if self.pack is None else [self.car_meter, self.pack_meter]
        )


def test_recorded_day_has_a_cheap_night_and_a_dear_peak() -> None:
    """The scripted day is worth planning: the morning peak sells for far more than the night costs."""
    records = json.loads(TWO_DAYS.read_text(encoding="utf-8"))["records"]
    spot = {r["TimeDK"]: r["DayAheadPriceDKK"] / 1000 for r in records}
    night = [v for k, v in spot.items() if "2026-01-15T03:00" <= k < "2026-01-15T05:00"]
    peak = [v for k, v in spot.items() if "2026-01-15T08:00" <= k < "2026-01-15T13:00"]
    assert max(night) < 0.8
    assert min(peak) > 2.0
