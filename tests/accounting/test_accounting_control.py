"""Only what V2G Home did is V2G's: a pack's own house-serving and the owner's charging are kept apart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.accounting.books import Books, OutsideControl
from custom_components.v2g_home.planner.accounting import FlowEnergy
from tests.helpers.accounting import (
    PACK_LEDGER,
    SITE,
    FrozenClock,
    run,
    v2g_drives_pack,
    value,
)
from tests.helpers.ha import setup
from tests.helpers.scheduling import CHARGER_MODE, PACK_MODE, select

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimClock,
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

START = datetime(2026, 1, 14, 16, 40, tzinfo=UTC)  # inside the recorded price day
pytestmark = pytest.mark.freeze_time(START, tick=True)
HOUSE_KW = -0.8  # the simulated household's pack serves the house at 0.8 kW
V2G_AMOUNTS = (
    "energy_sold",
    "energy_to_home",
    "charging_energy",
    "export_revenue",
    "charging_cost",
    "avoided_import_cost",
    "wear_cost",
)


@pytest.fixture
def clock(freezer: FrozenDateTimeFactory) -> SimClock:
    """The simulator runs on Home Assistant's clock."""
    return FrozenClock()


def v2g_amounts(hass: HomeAssistant) -> dict[str, float]:
    """Every amount the site shows as V2G Home's."""
    return {name: value(hass, f"{SITE}_{name}") for name in V2G_AMOUNTS}


def device_id(entry: MockConfigEntry, kind: str) -> str:
    """The subentry id of the site's charger or pack."""
    return next(k for k, s in entry.subentries.items() if s.subentry_type == kind)


async def test_a_pack_serving_the_house_on_its_own_is_not_v2g_revenue(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    pack: SimulatedSunSpecPack,
) -> None:
    """Off: the pack's own logic is kept apart; auto: V2G's; off again: the pack's own. Nothing lost."""
    await setup(hass, entry)
    pack_id = device_id(entry, "pack")
    ledger = entry.runtime_data.ledger
    pack.local_power_kw = HOUSE_KW
    await run(hass, freezer, 10 * 60)
    own_kwh = pack.meter.energy_out_kwh
    assert own_kwh == pytest.approx(0.8 / 6, rel=0.02)
    assert v2g_amounts(hass) == dict.fromkeys(V2G_AMOUNTS, 0.0)
    outside = ledger.outside_control(pack_id)
    assert outside.discharged_kwh == pytest.approx(own_kwh, rel=1e-3)
    assert outside.charged_kwh == 0.0
    assert ledger.outside_control(None) == outside

    await v2g_drives_pack(hass, -2.0)  # V2G Home takes the pack and exports
    out_at_takeover = pack.meter.energy_out_kwh
    await run(hass, freezer, 10 * 60)
    v2g_kwh = pack.meter.energy_out_kwh - out_at_takeover
    assert v2g_kwh == pytest.approx(2.0 / 6, rel=0.02)
    assert value(hass, f"{PACK_LEDGER}_energy_sold") == pytest.approx(v2g_kwh, rel=1e-3)
    assert value(hass, f"{SITE}_export_revenue") > 0
    assert ledger.outside_control(pack_id).discharged_kwh == pytest.approx(
        own_kwh, rel=1e-3
    )

    await select(hass, PACK_MODE, "off")  # handed back: the pack serves the house again
    sold = value(hass, f"{SITE}_energy_sold")
    await run(hass, freezer, 5 * 60)
    assert value(hass, f"{SITE}_energy_sold") == sold
    # Every metered kWh is either V2G Home's or the pack's own, none twice.
    booked = sold + ledger.outside_control(pack_id).discharged_kwh
    assert booked == pytest.approx(pack.meter.energy_out_kwh, rel=1e-3)

    before_reload = ledger.outside_control(pack_id)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    kept = entry.runtime_data.ledger.outside_control(pack_id)
    assert kept.discharged_kwh == pytest.approx(before_reload.discharged_kwh, abs=1e-3)


async def test_the_owners_own_charging_is_not_v2g_charging_cost(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    quasar: SimulatedQuasar,
) -> None:
    """The owner's app charges the car before V2G Home controls the charger: no V2G cost; after: V2G's."""
    await setup(hass, entry)
    charger_id = device_id(entry, "charger")
    ledger = entry.runtime_data.ledger
    quasar.user_current_a = 10  # the owner's own setting: 2.3 kW while in user mode
    await run(hass, freezer, 10 * 60)
    own_kwh = quasar.meter.energy_in_kwh
    assert own_kwh == pytest.approx(2.3 / 6, rel=0.02)
    assert v2g_amounts(hass) == dict.fromkeys(V2G_AMOUNTS, 0.0)
    # The charger has no counter: its power is integrated between 10 s polls (exact at a steady power).
    assert ledger.outside_control(charger_id).charged_kwh == pytest.approx(
        own_kwh, rel=2e-3
    )

    await select(hass, CHARGER_MODE, "charge")  # V2G Home charges the car from now on
    in_at_takeover = quasar.meter.energy_in_kwh
    await run(hass, freezer, 5 * 60)
    v2g_kwh = quasar.meter.energy_in_kwh - in_at_takeover
    assert v2g_kwh > 0.2
    assert value(hass, f"{SITE}_charging_energy") == pytest.approx(v2g_kwh, rel=2e-3)
    assert value(hass, f"{SITE}_charging_cost") > 0
    assert ledger.outside_control(charger_id).charged_kwh == pytest.approx(
        own_kwh, rel=2e-3
    )


def test_books_price_only_what_v2g_home_moved() -> None:
    """A flow outside control adds kWh apart, never money; nothing flowing adds nothing."""
    books = Books(["pack"], day=START.date(), currency="DKK")
    span = (START, START.replace(minute=45))
    flow = FlowEnergy(charged_kwh=0.5, exported_kwh=0.25)
    assert books.add("pack", flow, span, controlled=False, windows=(), wear_per_kwh=0.1)
    assert not books.add(
        "pack", FlowEnergy(), span, controlled=False, windows=(), wear_per_kwh=0.1
    )
    assert books.outside["pack"] == OutsideControl(charged_kwh=0.5, discharged_kwh=0.25)
    assert books.unpriced == []
    assert books.site.period("lifetime").energy_charged_kwh == 0.0
    assert OutsideControl.from_dict(books.outside["pack"].as_dict()) == OutsideControl(
        charged_kwh=0.5, discharged_kwh=0.25
    )
    books.add("pack", flow, span, controlled=True, windows=(), wear_per_kwh=0.1)
    assert len(books.unpriced) == 1  # V2G's, waiting for its prices
