"""End to end: reloading the site in the middle of the day keeps every total, and nothing is counted twice."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from .test_e2e_harness import (  # noqa: F401  # fixtures are found by name
    DAY_START,
    Day,
    connect_without_settle,
    prices_api,
    recorder_config,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )
    from custom_components.v2g_home.prices.models import PriceForecast

PERIODS = ("lifetime", "today", "month")
MID_EXPORT = datetime(
    2026, 1, 15, 8, 20, tzinfo=UTC
)  # 09:20 Danish time, selling at the peak
END = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
BEFORE_PEAK = datetime(2026, 1, 15, 7, 59, tzinfo=UTC)
# One poll interval at full power for the car (10 s at 7.4 kW) and the pack (20 s here at 5 kW).
TAIL_KWH = (7.4 * 10 + 5.0 * 20) / 3600


def _totals(entry: MockConfigEntry) -> dict[tuple[str | None, str], dict[str, Any]]:
    """Every amount the ledger keeps: per device and for the site, per period."""
    ledger = entry.runtime_data.ledger
    return {
        (device_id, period): asdict(ledger.totals(device_id, period))
        for device_id in (None, *entry.runtime_data.devices)
        for period in PERIODS
    }


def _sensor_values(hass: HomeAssistant) -> dict[str, float]:
    """The site's and devices' money and energy sensors as the user sees them."""
    return {
        state.entity_id: float(state.state)
        for state in hass.states.async_all("sensor")
        if state.attributes.get("device_class") in ("energy", "monetary")
        and state.attributes.get("state_class") is not None
        and state.state not in ("unknown", "unavailable")
    }


async def test_reload_mid_export_keeps_every_total(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """Totals survive a reload exactly, and the day's totals still equal the simulator's meters."""
    day = Day(hass, freezer, clock, quasar, pack)
    await day.start(entry)
    await day.run(int((MID_EXPORT - DAY_START).total_seconds()))
    assert quasar.power_kw < 0 or pack.power_kw < 0, "the reload should hit an export"
    before, sensors_before = _totals(entry), _sensor_values(hass)
    assert before[(None, "lifetime")]["energy_sold_kwh"] > 1

    assert await hass.config_entries.async_reload(entry.entry_id)
    await day.settle()

    after, sensors_after = _totals(entry), _sensor_values(hass)
    for key, amounts in before.items():
        assert after[key] == pytest.approx(amounts, rel=1e-9), key
    assert sensors_after.keys() == sensors_before.keys()
    assert sensors_after == pytest.approx(sensors_before, rel=1e-6)

    await day.run(int((END - MID_EXPORT).total_seconds()))
    prices: PriceForecast = entry.runtime_data.prices.data
    site = entry.runtime_data.ledger.totals(None, "today")
    meters = (day.car_meter, day.pack_meter)
    metered_kwh = sum(sum(m.exported_kwh.values()) for m in meters)
    metered_revenue = sum(m.revenue(prices) for m in meters)
    assert site.energy_sold_kwh > before[(None, "today")]["energy_sold_kwh"]
    # Nothing is counted twice; at most what flowed since each device's last poll before the
    # reload is missing.
    assert metered_kwh - TAIL_KWH <= site.energy_sold_kwh <= metered_kwh * 1.001
    assert site.export_revenue <= metered_revenue * 1.001
    assert site.export_revenue >= metered_revenue - TAIL_KWH * 2.4


async def test_energy_flowing_at_a_reload_is_booked(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """A restart while the pack sells loses no kWh: the day still equals the meter within 0.1 %.

    Every commanded step is polled right before and after it, so the ledger books it where it happened.
    """
    day = Day(hass, freezer, clock, quasar, pack)
    await day.start(entry, at=BEFORE_PEAK)
    await day.run(int((MID_EXPORT - BEFORE_PEAK).total_seconds()))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await day.settle()
    await day.run(10 * 60)
    pack_id = list(entry.runtime_data.devices)[1]
    sold = entry.runtime_data.ledger.totals(pack_id, "today").energy_sold_kwh
    metered = sum(day.pack_meter.exported_kwh.values())
    assert metered > 0.5, "the pack should have sold before and after the reload"
    assert sold == pytest.approx(metered, rel=1e-3)


async def test_car_sells_again_after_a_reload_at_the_peak(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    clock: SimClock,
    quasar: SimulatedQuasar,
) -> None:
    """A restart during the peak must not end the car's selling while it is well above its floor."""
    day = Day(hass, freezer, clock, quasar)
    await day.start(entry)
    await day.run(int((MID_EXPORT - DAY_START).total_seconds()))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await day.settle()
    assert quasar.soc_pct > 85, "still far above the 80 % departure target"
    reloaded_at = len(day.car_meter.powers_kw)
    await day.run(30 * 60)
    assert quasar.soc_pct >= 80, "sold down to the departure target, never below"
    after_reload = list(day.car_meter.powers_kw.values())[reloaded_at:]
    assert any(kw < 0 for kws in after_reload for kw in kws)
