"""The Leaf's SoC across a reload or restart: kept while the car stayed on the gun, dropped otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.select import (
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.v2g_home.coordinators.charger import (
    MAX_RESTORED_SOC_AGE,
    ChargerCoordinator,
)
from custom_components.v2g_home.sensor import LeafSocMemory
from tests.helpers.ha import CHARGER, LEAF, poll, setup, state

if TYPE_CHECKING:
    from collections.abc import Callable

    from custom_components.v2g_home.devices.simulator import SimulatedQuasar

OLDER_THAN_TRUSTED_MIN = MAX_RESTORED_SOC_AGE.total_seconds() / 60 + 1
BATTERY = f"sensor.{LEAF}_battery"
MEASURED_AT = f"sensor.{LEAF}_state_of_charge_measured"


def _charger(entry: MockConfigEntry) -> ChargerCoordinator:
    return next(
        coordinator
        for coordinator in entry.runtime_data.devices.values()
        if isinstance(coordinator, ChargerCoordinator)
    )


async def _select_mode(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: f"select.{CHARGER}_control_mode", "option": option},
        blocking=True,
    )


async def _charge_then_idle(hass: HomeAssistant) -> None:
    """Charge briefly so the Quasar reports the SoC, then stop: idle, it reads 0 again."""
    await _select_mode(hass, "charge")
    await poll(hass)
    assert float(state(hass, BATTERY)) == pytest.approx(50, abs=1)
    await _select_mode(hass, "off")
    await poll(hass)


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_soc_is_kept_across_a_reload_while_plugged_in(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """The car stayed plugged in and idle: after the reload the planner still knows its SoC."""
    await _charge_then_idle(hass)
    measured_at = state(hass, MEASURED_AT)
    await _reload(hass, loaded_entry)
    assert quasar.power_kw == 0, "idle: the charger itself reports no SoC"
    assert float(state(hass, BATTERY)) == pytest.approx(50, abs=1)
    assert state(hass, MEASURED_AT) == measured_at
    assert _charger(loaded_entry).data.car.soc.soc_pct == pytest.approx(50, abs=1)
    await poll(hass)
    assert float(state(hass, BATTERY)) == pytest.approx(50, abs=1)


async def test_soc_is_dropped_when_the_car_was_unplugged_in_between(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Unplugged and plugged in again before the reload: the car may have been driven."""
    await _charge_then_idle(hass)
    quasar.plugged_in = False
    await poll(hass)
    quasar.plugged_in = True
    await poll(hass)
    await _reload(hass, loaded_entry)
    assert state(hass, BATTERY) == "unknown"


def _stored(minutes_ago: float, **changes: Any) -> dict[str, Any]:
    memory = LeafSocMemory(
        soc_pct=72.0,
        measured_at=dt_util.utcnow() - timedelta(minutes=minutes_ago),
        stayed_plugged_in=True,
    )
    return {**memory.as_dict(), **changes}


async def _restart_with(
    hass: HomeAssistant, entry: MockConfigEntry, extra: dict[str, Any]
) -> None:
    mock_restore_cache_with_extra_data(hass, [(State(BATTERY, "72.0"), extra)])
    await setup(hass, entry)


async def test_recent_soc_is_restored_after_a_restart(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Home Assistant restarted ten minutes after the last reading: the car is at 72 %."""
    await _restart_with(hass, entry, _stored(10))
    assert float(state(hass, BATTERY)) == 72.0
    assert float(state(hass, f"sensor.{LEAF}_stored_energy")) == pytest.approx(26.64)
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("extra", "plugged_in_now"),
    [
        # Factories, not values: the timestamps must be taken when the test runs, not at collection.
        pytest.param(lambda: _stored(OLDER_THAN_TRUSTED_MIN), True, id="too-old"),
        pytest.param(
            lambda: _stored(1, stayed_plugged_in=False), True, id="unplugged-before"
        ),
        pytest.param(lambda: _stored(1), False, id="unplugged-now"),
        pytest.param(lambda: _stored(-5), True, id="from-the-future"),
        pytest.param(lambda: {"soc_pct": 72.0}, True, id="malformed"),
        pytest.param(
            lambda: _stored(1, measured_at="2026-01-15T08:00:00"), True, id="naive"
        ),
    ],
)
async def test_untrusted_soc_is_not_restored_after_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    extra: Callable[[], dict[str, Any]],
    plugged_in_now: bool,
) -> None:
    """Too old, the car off the gun, or a damaged cache: the SoC stays unknown until it charges."""
    quasar.plugged_in = plugged_in_now
    await _restart_with(hass, entry, extra())
    assert state(hass, BATTERY) == "unknown"
    await hass.config_entries.async_unload(entry.entry_id)
