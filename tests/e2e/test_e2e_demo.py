"""End to end, the demo as shipped: a plugged-in Leaf whose SoC is unknown exports at the evening peak.

The site is the one `scripts/demo` makes: the demo's price sensor (its made-up Danish day, from
scripts/demo_config.py), the Quasar with a 40 kWh Leaf and its 3600 s fail-safe, the SunSpec pack, and every
scheduler setting at its default (daily departure at 07:00 with 80 %). The owner charged the Leaf to 90 %
earlier; the Quasar is paused, so it reads the car's SoC as 0 and V2G Home does not know it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import importlib.util
from pathlib import Path
import sys
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.const import (
    CONF_PRICE_ENTITY,
    CONF_PRICE_SOURCE,
    SOURCE_ENTITY,
)
from tests.helpers.site import charger_subentry, pack_subentry, site_entry

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    Day,
    connect_without_settle,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from types import ModuleType

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

SCRIPTS = Path(__file__).parents[2] / "scripts"
DAY = datetime(2026, 1, 15, tzinfo=UTC).date()
START = datetime(
    2026, 1, 15, 15, 50, tzinfo=UTC
)  # 16:50 in Denmark, just before the peak
PEAK = (
    datetime(2026, 1, 15, 16, 0, tzinfo=UTC),
    datetime(2026, 1, 15, 18, 0, tzinfo=UTC),
)  # 17:00-19:00 in Denmark, the demo day's dearest hours


def _demo_config() -> ModuleType:
    """scripts/demo_config.py, as the demo uses it."""
    spec = importlib.util.spec_from_file_location(
        "demo_config", SCRIPTS / "demo_config.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("demo_config", module)
    spec.loader.exec_module(module)
    return module


def _raw_day(prices: tuple[float, ...], day_offset: int, factor: float) -> list[dict]:
    """The demo template sensor's raw_today/raw_tomorrow: hourly {start, end, value} in Danish time."""
    zone = dt_util.get_time_zone("Europe/Copenhagen")
    midnight = datetime.combine(
        DAY + timedelta(days=day_offset), datetime.min.time(), zone
    )
    return [
        {
            "start": (midnight + timedelta(hours=hour)).isoformat(),
            "end": (midnight + timedelta(hours=hour + 1)).isoformat(),
            "value": round(price * factor, 3),
        }
        for hour, price in enumerate(prices)
    ]


async def test_the_demo_leaf_with_an_unknown_soc_exports_at_the_peak(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
    pack_server: ModbusSimulator,
) -> None:
    """Auto learns the SoC at once and sells down to the 80 % trip target at the peak, never below."""
    demo = _demo_config()
    prices = demo.DEMO_DAY_PRICES
    freezer.move_to(START)
    hass.states.async_set(
        demo.DEMO_PRICE_ENTITY,
        str(prices[15]),
        {
            "unit_of_measurement": "DKK/kWh",
            "raw_today": _raw_day(prices, 0, 1.0),
            "raw_tomorrow": _raw_day(prices, 1, 0.9),
        },
    )
    quasar.soc_pct = 90.0
    entry = site_entry(
        [
            charger_subentry(quasar_server.port, failsafe_timeout_s=3600),
            pack_subentry(pack_server.port),
        ]
    )
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            CONF_PRICE_SOURCE: SOURCE_ENTITY,
            CONF_PRICE_ENTITY: demo.DEMO_PRICE_ENTITY,
        },
    )
    day = Day(hass, freezer, clock, quasar, pack)
    await day.start(entry, at=START)
    assert entry.runtime_data.prices.data.source != "energidataservice"
    await day.run(int((PEAK[1] - START).total_seconds()))

    exporting = day.car_meter.slots_where(lambda kw: kw < 0)
    assert exporting, "the Leaf never exported"
    assert all(PEAK[0] <= slot < PEAK[1] for slot in exporting)
    assert (
        sum(day.car_meter.exported_kwh.values()) > 2.5
    )  # 90 % to 80 % of 37 kWh, less losses
    assert day.car_meter.lowest_soc_discharging_pct >= 80.0
    assert quasar.soc_pct == pytest.approx(80.0, abs=0.5)
    await hass.config_entries.async_unload(entry.entry_id)
