"""Energy that flows while no price is known waits, and is booked at its own prices once they come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.accounting.unpriced import (
    HOLD_FOR,
    PendingFlow,
    covered,
    split_ready,
)
from custom_components.v2g_home.planner.accounting import FlowEnergy
from custom_components.v2g_home.prices.models import BuyAndSell
from tests.helpers.accounting import (
    SITE,
    FrozenClock,
    Metered,
    run,
    value,
)
from tests.helpers.ha import setup
from tests.helpers.scheduling import PACK_MODE, forecast, select

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedSunSpecPack,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
pytestmark = pytest.mark.freeze_time(START, tick=True)
QUARTER = timedelta(minutes=15)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


def _slot(start: datetime) -> BuyAndSell:
    return BuyAndSell(
        start=start,
        duration=QUARTER,
        spot_per_kwh=1.0,
        buy_per_kwh=2.0,
        sell_per_kwh=1.0,
    )


def test_covered_needs_every_instant_priced() -> None:
    """Touching slots cover an interval; a gap anywhere does not."""
    t0 = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
    slots = [_slot(t0), _slot(t0 + QUARTER), _slot(t0 + 3 * QUARTER)]
    assert covered(slots, t0 + timedelta(minutes=5), t0 + timedelta(minutes=25))
    assert not covered(slots, t0 + timedelta(minutes=25), t0 + timedelta(minutes=35))
    assert not covered([], t0, t0 + timedelta(seconds=10))


def test_waiting_flows_are_booked_when_priced_or_too_old() -> None:
    """A flow waits for its prices, at most HOLD_FOR; then it is booked anyway (without money)."""
    t0 = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
    flow = PendingFlow(
        device_id="pack",
        flow=FlowEnergy(exported_kwh=0.5),
        start=t0,
        end=t0 + timedelta(minutes=5),
    )
    assert split_ready([flow], [], t0 + timedelta(hours=1)) == ([], [flow])
    assert split_ready([flow], [_slot(t0)], t0 + timedelta(hours=1)) == ([flow], [])
    assert split_ready([flow], [], flow.end + HOLD_FOR + QUARTER) == ([flow], [])
    assert PendingFlow.from_dict(flow.as_dict()) == flow


async def test_energy_sold_while_no_price_is_known_is_booked_when_prices_come(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack_server: ModbusSimulator,
    pack: SimulatedSunSpecPack,
) -> None:
    """Two days after the recorded prices: nothing is booked at 0 money; then all of it at its prices."""
    freezer.move_to(START + timedelta(days=2))
    await setup(hass, entry)
    prices = entry.runtime_data.prices
    assert prices.data.slot_at(dt_util.utcnow()) is None
    later = forecast(lambda index: (2.0 + index / 10, 1.0 + index / 10), hours=3)
    metered = Metered()
    # Without prices the plan exports nothing: the user discharges the pack by hand (V2G Home drives it).
    await select(hass, PACK_MODE, "discharge")
    await run(hass, freezer, 20 * 60, pack=pack, prices=later, metered=metered)
    assert metered.exported_kwh > 1.5  # 5 kW for 20 minutes
    assert value(hass, f"{SITE}_energy_sold") == 0.0
    assert value(hass, f"{SITE}_export_revenue") == 0.0
    prices.async_set_updated_data(later)  # the prices of that time arrive
    await hass.async_block_till_done()
    assert value(hass, f"{SITE}_energy_sold") == pytest.approx(
        metered.exported_kwh, rel=1e-3
    )
    assert value(hass, f"{SITE}_export_revenue") == pytest.approx(
        metered.revenue, rel=1e-3
    )
    await hass.config_entries.async_unload(entry.entry_id)
