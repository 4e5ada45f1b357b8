"""A car's SoC made known when it matters, cleared on unplug; actions that cannot act say why; overrides kept."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest

from tests.helpers.ha import LEAF, poll, state
from tests.helpers.scheduling import (
    CHARGER_MODE,
    PACK_MODE,
    flat,
    scheduler_of,
    select,
    set_prices,
)
from tests.helpers.services import call, charger_device, pack_device, subentry_of

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import (
        SimulatedQuasar,
        SimulatedSunSpecPack,
    )

STEADY = (1.0, 0.8)  # nothing to gain: the plan rests
LEAF_SOC = f"sensor.{LEAF}_battery"


async def test_an_unknown_car_soc_is_learnt_with_a_short_slow_charge(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """The idle Quasar reads SoC 0: in auto it charges at 1.38 kW until the car reports its SoC.

    The plan itself rests (flat prices), so only the probe can have made the SoC known; the poll right
    after the probe's command reads it, and the car rests again.
    """
    await set_prices(hass, loaded_entry, flat(*STEADY))
    assert state(hass, LEAF_SOC) == "unknown"
    setpoints: list[float] = []
    real_write = quasar.write_registers

    def spy(address: int, values: list[int]) -> None:
        if address == 258:  # the current setpoint (A x 230 V)
            setpoints.append(round(values[0] * 0.23, 2))
        real_write(address, values)

    quasar.write_registers = spy  # type: ignore[method-assign]
    await select(hass, CHARGER_MODE, "auto")
    assert pytest.approx(1.38) in setpoints, setpoints
    assert float(state(hass, LEAF_SOC)) == pytest.approx(50, abs=1)
    assert quasar.power_kw == 0  # known now: the plan rests


async def test_unplugging_clears_the_cars_soc(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Once the car leaves, its SoC is unknown (it may be driven, or another car may come)."""
    await select(hass, CHARGER_MODE, "charge")
    await poll(hass)
    assert state(hass, LEAF_SOC) != "unknown"
    quasar.plugged_in = False
    await poll(hass)
    assert state(hass, LEAF_SOC) == "unknown"


async def test_a_force_export_the_car_cannot_make_says_why(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """An export below the morning trip's target is refused with a translated reason, not done silently."""
    await set_prices(hass, loaded_entry, flat(*STEADY))
    await select(hass, CHARGER_MODE, "auto")
    scheduler = scheduler_of(loaded_entry)
    with pytest.raises(HomeAssistantError) as refused:
        await call(
            hass,
            "force_export",
            device_id=charger_device(hass),
            power_kw=3.0,
            duration={"hours": 1},
        )
    assert refused.value.translation_key == "force_departure_floor"
    assert not scheduler.forces


async def test_pending_overrides_survive_a_reload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, pack: SimulatedSunSpecPack
) -> None:
    """A force and a one-off trip set before a restart are still there, and still act, after it."""
    await set_prices(hass, loaded_entry, flat(*STEADY))
    await select(hass, PACK_MODE, "auto")
    await call(
        hass,
        "force_export",
        device_id=pack_device(hass),
        power_kw=2.0,
        duration={"hours": 2},
    )
    trip = dt_util.utcnow() + timedelta(hours=5)
    await call(hass, "set_departure", datetime=trip.isoformat(), target_soc=95)
    before = dict(scheduler_of(loaded_entry).forces)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    scheduler = scheduler_of(loaded_entry)
    assert scheduler.forces == before
    assert scheduler.departures[None].target_soc_pct == 95
    await poll(hass, 15)
    assert pack.power_kw == pytest.approx(-2.0, abs=0.1)


def charger_device_id(hass: HomeAssistant) -> str:
    """The charger's subentry id (the scheduler's device id)."""
    return subentry_of(hass, charger_device(hass))
