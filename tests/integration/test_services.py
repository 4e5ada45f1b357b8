"""The actions at work: forcing export and charge, a one-off departure, and the plan as response."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util
import pytest

from tests.helpers.scheduling import (
    CHARGER_MODE,
    PACK_MODE,
    flat,
    scheduler_of,
    select,
    set_prices,
)
from tests.helpers.services import (
    call,
    charger_device,
    leaf_device,
    pack_device,
    site_device,
    subentry_of,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

STEADY = (2.0, 0.5)  # buy, sell: nothing worth doing, so the plan keeps still


@pytest.fixture
async def in_auto(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> MockConfigEntry:
    """The site with steady prices and both devices following the scheduler."""
    await set_prices(hass, loaded_entry, flat(*STEADY))
    await select(hass, CHARGER_MODE, "auto")
    await select(hass, PACK_MODE, "auto")
    return loaded_entry


async def test_force_export_discharges_the_chosen_device_for_a_while(
    hass: HomeAssistant,
    in_auto: MockConfigEntry,
    quasar: SimulatedQuasar,
    pack: SimulatedSunSpecPack,
) -> None:
    """Export 3 kW from the pack for an hour: the pack discharges, the Leaf is not exported."""
    before = dt_util.utcnow()
    await call(
        hass,
        "force_export",
        device_id=pack_device(hass),
        power_kw=3.0,
        duration={"hours": 1},
    )
    assert pack.power_kw == pytest.approx(-3.0, abs=0.1)
    assert quasar.power_kw >= 0.0  # at most the slow charge that makes its SoC known
    force = scheduler_of(in_auto).forces[subentry_of(hass, pack_device(hass))]
    assert force.power_kw == -3.0
    assert timedelta(minutes=59) < force.until - before <= timedelta(hours=1, seconds=5)


async def test_force_export_without_a_target_uses_every_device_of_the_only_site(
    hass: HomeAssistant,
    in_auto: MockConfigEntry,
    pack: SimulatedSunSpecPack,
) -> None:
    """No site or device named: every device of the only site that can export now; duration as text.

    The Leaf's SoC is not known yet (the Quasar reports it only while energy flows), so only the pack
    takes the force.
    """
    await call(hass, "force_export", power_kw=2.5, duration="00:30:00")
    assert pack.power_kw == pytest.approx(-2.5, abs=0.1)
    assert set(scheduler_of(in_auto).forces) == {subentry_of(hass, pack_device(hass))}


async def test_force_charge_to_a_target_soc_at_the_default_power(
    hass: HomeAssistant, in_auto: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """Only a target: the pack charges at 3.7 kW until 90 %."""
    await call(
        hass,
        "force_charge",
        device_id=pack_device(hass),
        target_soc=90,
        duration={"hours": 3},
    )
    assert pack.power_kw == pytest.approx(3.7, abs=0.1)
    force = scheduler_of(in_auto).forces[subentry_of(hass, pack_device(hass))]
    assert (force.power_kw, force.target_soc_pct) == (3.7, 90)


async def test_force_charge_at_a_chosen_power(
    hass: HomeAssistant, in_auto: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """A power and the site's id: the Leaf charges at that power."""
    await call(
        hass,
        "force_charge",
        config_entry_id=in_auto.entry_id,
        device_id=charger_device(hass),
        power_kw=5.0,
        duration={"minutes": 45},
    )
    assert quasar.power_kw == pytest.approx(5.0, abs=0.3)


async def test_set_departure_at_the_next_time_of_day(
    hass: HomeAssistant, in_auto: MockConfigEntry
) -> None:
    """A time already passed today means tomorrow; the Leaf's device means its charger."""
    now = dt_util.now()
    earlier = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    await call(
        hass,
        "set_departure",
        device_id=leaf_device(hass, in_auto.entry_id),
        time=earlier.isoformat(),
        target_soc=85,
    )
    departure = scheduler_of(in_auto).departures[
        subentry_of(hass, charger_device(hass))
    ]
    local = dt_util.as_local(departure.when)
    assert local.time() == earlier
    assert timedelta(hours=22) < departure.when - now < timedelta(hours=24)
    assert departure.target_soc_pct == 85


async def test_set_departure_on_a_date_for_every_car_of_the_site(
    hass: HomeAssistant, in_auto: MockConfigEntry
) -> None:
    """A date and time in local time, aimed at the site device: every car (None)."""
    when = (dt_util.now() + timedelta(days=2)).replace(
        hour=6, minute=45, second=0, microsecond=0
    )
    await call(
        hass,
        "set_departure",
        device_id=site_device(hass, in_auto.entry_id),
        datetime=when.replace(tzinfo=None).isoformat(sep=" "),
        target_soc=90,
    )
    departure = scheduler_of(in_auto).departures[None]
    assert departure.when == dt_util.as_utc(when)
    assert departure.target_soc_pct == 90
    assert scheduler_of(in_auto).last_reason == "departure"


async def test_set_departure_takes_a_time_object_and_an_aware_datetime(
    hass: HomeAssistant, in_auto: MockConfigEntry
) -> None:
    """From automations the values arrive as Python objects, with a time zone."""
    later = (dt_util.now() + timedelta(hours=2)).replace(microsecond=0)
    await call(hass, "set_departure", time=later.time(), target_soc=70)
    assert scheduler_of(in_auto).departures[None].when == dt_util.as_utc(later)
    when = datetime(2030, 1, 2, 7, 0, tzinfo=dt_util.UTC)
    await call(hass, "set_departure", datetime=when, target_soc=75)
    assert scheduler_of(in_auto).departures[None].when == when


async def test_get_plan_returns_the_slots_and_totals(
    hass: HomeAssistant, in_auto: MockConfigEntry
) -> None:
    """The response holds every planned slot with the devices' setpoints and the prices."""
    # No trip: a departure an hour or two away (the test's wall-clock time) could not be met.
    await scheduler_of(in_auto).async_update_settings(departure_time=None)
    await hass.async_block_till_done()
    response = await call(hass, "get_plan", config_entry_id=in_auto.entry_id)
    assert response is not None
    slots = response["slots"]
    assert isinstance(slots, list)
    assert len(slots) == 96
    assert slots[0]["buy_per_kwh"] == STEADY[0]
    assert set(slots[0]["devices"]) == set(in_auto.subentries)
    assert response["feasible"] is True, response["infeasibilities"]
    assert response == scheduler_of(in_auto).plan_as_dict()
