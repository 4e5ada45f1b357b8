"""The charger and its Leaf in Home Assistant: values, control mode, power numbers, availability."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components.number import DOMAIN as NUMBER_DOMAIN, SERVICE_SET_VALUE
from homeassistant.components.select import (
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
    mock_restore_cache_with_extra_data,
)

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.devices.errors import WriteVerificationError
from custom_components.v2g_home.devices.quasar import QuasarCharger
from tests.helpers.ha import CHARGER, LEAF, poll, setup, state

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.simulator import (
        ModbusSimulator,
        SimClock,
        SimulatedQuasar,
    )

MODE = f"select.{CHARGER}_control_mode"


async def select_mode(hass: HomeAssistant, option: str) -> None:
    """Choose a control mode as a user would."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: MODE, "option": option},
        blocking=True,
    )


async def set_power(hass: HomeAssistant, key: str, value: float) -> None:
    """Set the charge or discharge power number."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: f"number.{CHARGER}_{key}", "value": value},
        blocking=True,
    )


async def test_idle_charger(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Idle: no power, the Leaf plugged in but its SoC unknown (the charger reads 0 when idle)."""
    assert state(hass, f"sensor.{CHARGER}_power") == "0.0"
    assert state(hass, f"sensor.{CHARGER}_state") == "paused"
    assert state(hass, f"sensor.{CHARGER}_ac_voltage") == "230.0"
    assert state(hass, f"binary_sensor.{LEAF}_plug") == "on"
    assert state(hass, f"sensor.{LEAF}_battery") == "unknown"
    assert state(hass, f"sensor.{LEAF}_usable_capacity") == "37.0"
    assert state(hass, MODE) == "off"
    assert state(hass, f"number.{CHARGER}_charge_power") == "3.7"


async def test_charge_then_discharge_then_hold_then_off(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    clock: SimClock,
) -> None:
    """Each mode really commands the simulated charger, and the sensors follow."""
    await select_mode(hass, "charge")
    assert quasar.remote_control
    assert quasar.power_kw == pytest.approx(
        3.68
    )  # 16 A x 230 V: the 3.7 kW setting, rounded down
    assert state(hass, MODE) == "charge"
    assert float(state(hass, f"sensor.{CHARGER}_power")) == pytest.approx(3.68)
    assert state(hass, f"sensor.{CHARGER}_state") == "charging"
    assert float(state(hass, f"sensor.{LEAF}_battery")) == pytest.approx(50, abs=1)
    assert float(state(hass, f"sensor.{LEAF}_stored_energy")) == pytest.approx(
        18.5, abs=0.4
    )

    await set_power(hass, "discharge_power", 5.0)
    assert quasar.power_kw == pytest.approx(
        3.68
    )  # the discharge power only matters when discharging
    await select_mode(hass, "discharge")
    assert quasar.power_kw == pytest.approx(-4.83)  # 21 A
    await set_power(hass, "discharge_power", 2.3)
    assert quasar.power_kw == pytest.approx(
        -2.3
    )  # changed while running: commanded at once
    clock.advance(600)
    await poll(hass)
    assert float(state(hass, f"sensor.{CHARGER}_power")) == pytest.approx(-2.3)
    assert state(hass, f"sensor.{CHARGER}_state") == "discharging"
    assert quasar.meter.energy_out_kwh == pytest.approx(2.3 * 600 / 3600, rel=0.01)

    await select_mode(hass, "charge")
    await set_power(hass, "charge_power", 6.9)
    assert quasar.power_kw == pytest.approx(6.9)  # 30 A

    await select_mode(hass, "hold")
    assert quasar.power_kw == 0
    assert quasar.remote_control
    await select_mode(hass, "off")
    assert not quasar.remote_control
    assert state(hass, MODE) == "off"


async def test_restored_mode_resumes_after_restart(
    hass: HomeAssistant, entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """After a restart the chosen mode and powers come back and the next poll commands the charger."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (State(MODE, "discharge"), {}),
            (
                State(f"number.{CHARGER}_discharge_power", "2.3"),
                {
                    "native_value": 2.3,
                    "native_min_value": 1.38,
                    "native_max_value": 7.4,
                    "native_step": 0.01,
                    "native_unit_of_measurement": "kW",
                },
            ),
        ],
    )
    await setup(hass, entry)
    assert state(hass, MODE) == "discharge"
    assert state(hass, f"number.{CHARGER}_discharge_power") == "2.3"
    assert quasar.power_kw == 0  # nothing is commanded before the first poll
    await poll(hass)
    assert quasar.remote_control
    assert quasar.power_kw == pytest.approx(-2.3)


async def test_refused_resume_turns_the_mode_off(
    hass: HomeAssistant, entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """A restored mode the charger refuses leaves the charger available, with the mode off."""
    mock_restore_cache(hass, [State(MODE, "charge")])
    await setup(hass, entry)
    with patch.object(
        QuasarCharger, "set_power_kw", side_effect=WriteVerificationError("258 reads 0")
    ):
        await poll(hass)
    assert state(hass, MODE) == "off"
    assert state(hass, f"sensor.{CHARGER}_power") == "0.0"


async def test_resume_waits_for_the_connection(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
) -> None:
    """A restored mode that cannot be sent yet is kept and sent once the charger answers again."""
    mock_restore_cache(hass, [State(MODE, "charge")])
    await setup(hass, entry)
    quasar_server.faults.drop_connection = True
    await poll(hass)
    assert state(hass, MODE) == STATE_UNAVAILABLE
    quasar_server.faults.drop_connection = False
    await poll(hass, 20)
    assert state(hass, MODE) == "charge"
    assert quasar.power_kw == pytest.approx(3.68)


async def test_off_right_after_restart_leaves_user_session_alone(
    hass: HomeAssistant, entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Choosing off before a restored mode was applied does not touch a session the user runs."""
    quasar.user_current_a = 10  # the owner charges from the Wallbox app at 10 A
    mock_restore_cache(hass, [State(MODE, "charge")])
    await setup(hass, entry)
    await select_mode(hass, "off")
    await poll(hass)
    assert not quasar.remote_control
    assert quasar.power_kw == pytest.approx(2.3)


async def test_unavailable_and_back(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar_server: ModbusSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A charger that stops answering goes unavailable (logged once), backs off, and comes back."""
    coordinator = next(iter(loaded_entry.runtime_data.devices.values()))
    quasar_server.faults.drop_connection = True
    caplog.set_level(logging.INFO)
    await poll(hass)
    assert state(hass, f"sensor.{CHARGER}_power") == STATE_UNAVAILABLE
    assert state(hass, f"sensor.{LEAF}_battery") == STATE_UNAVAILABLE
    assert coordinator.update_interval.total_seconds() == 20
    await poll(hass, 20)
    assert coordinator.update_interval.total_seconds() == 40
    assert caplog.text.count("Error fetching Wallbox Quasar 1 data") == 1
    with pytest.raises(
        HomeAssistantError
    ) as err:  # e.g. the scheduler, which calls it directly
        await coordinator.async_set_control(mode=ControlMode.CHARGE)
    assert err.value.translation_key == "device_unavailable"

    quasar_server.faults.drop_connection = False
    await poll(hass, 40)
    assert state(hass, f"sensor.{CHARGER}_power") == "0.0"
    assert coordinator.update_interval.total_seconds() == 10
    assert caplog.text.count("Fetching Wallbox Quasar 1 data recovered") == 1


async def test_backoff_is_capped(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar_server: ModbusSimulator,
) -> None:
    """Retries slow down to at most every five minutes."""
    coordinator = next(iter(loaded_entry.runtime_data.devices.values()))
    quasar_server.faults.drop_connection = True
    for _ in range(8):
        await poll(hass, coordinator.update_interval.total_seconds())
    assert coordinator.update_interval.total_seconds() == 300
    assert coordinator.failed_polls == 8


async def test_refused_command_is_reported(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar_server: ModbusSimulator
) -> None:
    """A charger that refuses the command: a translated error, and the mode does not change."""
    quasar_server.faults.exception_code = 4
    with pytest.raises(HomeAssistantError) as err:
        await select_mode(hass, "discharge")
    assert err.value.translation_key == "command_failed"
    assert state(hass, MODE) == "off"


async def test_failsafe_then_reconnect_recommands(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    quasar_server: ModbusSimulator,
    clock: SimClock,
) -> None:
    """Polling keeps the fail-safe from firing; after an outage that fired it, the mode is re-commanded."""
    await select_mode(hass, "charge")
    for _ in range(3):
        clock.advance(
            300
        )  # half the 600 s fail-safe between polls: the polls keep it alive
        await poll(hass)
    assert quasar.power_kw > 0

    quasar_server.faults.drop_connection = True
    await poll(hass)
    clock.advance(700)  # the fail-safe fires while the charger is cut off
    assert quasar.power_kw == 0
    assert not quasar.remote_control
    quasar_server.faults.drop_connection = False
    await poll(hass, 20)
    assert quasar.remote_control
    assert quasar.power_kw == pytest.approx(3.68)
    assert state(hass, MODE) == "charge"


async def test_taken_back_by_user(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
    clock: SimClock,
) -> None:
    """Back to its own control in a manual mode: the mode shows off and a repair says so at once."""
    await select_mode(hass, "charge")
    clock.advance(700)  # no request for longer than the fail-safe: it fires
    await poll(hass)
    assert state(hass, MODE) == "off"
    assert quasar.power_kw == 0
    issue = _control_issue(hass, loaded_entry)
    assert issue is not None
    assert issue.translation_key == "control_lost"
    await select_mode(
        hass, "charge"
    )  # the user takes it back: the issue has been seen to
    assert _control_issue(hass, loaded_entry) is None


async def test_auto_takes_a_rebooted_charger_back_at_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    quasar: SimulatedQuasar,
) -> None:
    """A charger that comes back in its own control in auto is taken back in the same poll, loudly."""
    await select_mode(hass, "auto")
    assert quasar.remote_control
    quasar._return_to_user("a reboot faster than one poll")
    # One poll, without moving the clock (which would also fire the timeouts of requests in flight).
    charger = next(iter(loaded_entry.runtime_data.devices.values()))
    await charger.async_refresh()
    await hass.async_block_till_done()
    assert quasar.remote_control
    assert state(hass, MODE) == "auto"
    issue = _control_issue(hass, loaded_entry)
    assert issue is not None
    assert issue.translation_key == "control_resumed"


def _control_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    charger_id = next(iter(entry.subentries))
    return ir.async_get(hass).async_get_issue(DOMAIN, f"control_lost_{charger_id}")


async def test_unload_hands_control_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, quasar: SimulatedQuasar
) -> None:
    """Unloading the site stops a discharge and returns the charger to the user."""
    await select_mode(hass, "discharge")
    assert quasar.remote_control
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert not quasar.remote_control
    assert quasar.power_kw == 0
