"""The Leaf behind the charger: capacity presets, the SoC glitch filter and plug detection."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.leaf import (
    LEAF_PACKS,
    LeafMonitor,
    SocFilter,
    plugged_in,
)
from custom_components.v2g_home.devices.models import ChargerReading, ChargerState
from custom_components.v2g_home.devices.quasar import QuasarCharger

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.simulator import SimClock, SimulatedQuasar
    from custom_components.v2g_home.devices.transport import ModbusTransport

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
CHARGING = ChargerState.CHARGING


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_presets_cover_the_four_packs_below_nominal() -> None:
    """Usable capacity is below the nominal size for every pack; 40 kWh is the reported 37 kWh."""
    assert set(LEAF_PACKS) == {"24", "30", "40", "62"}
    assert LEAF_PACKS["40"] == 37.0
    assert LEAF_PACKS["24"] == 22.6
    assert all(0.85 * int(size) < kwh < int(size) for size, kwh in LEAF_PACKS.items())


def test_zero_while_idle_keeps_the_last_good_value_and_its_time() -> None:
    """After a session the charger reads 0: the filter keeps 63 % measured when it was measured."""
    soc = SocFilter()
    assert soc.update(63, CHARGING, minutes(0)).soc_pct == 63
    kept = soc.update(0, ChargerState.PAUSED, minutes(90))
    assert (kept.soc_pct, kept.measured_at, kept.rejected_last) == (
        63,
        minutes(0),
        False,
    )


def test_unknown_before_any_session() -> None:
    """With no reading yet the SoC is unknown, not 0 %."""
    reading = SocFilter().update(0, ChargerState.NO_CAR, T0)
    assert reading.soc_pct is None
    assert reading.measured_at is None


@pytest.mark.parametrize("glitch", [1, 98, 100])
def test_single_outlier_is_rejected_and_the_next_reading_wins(glitch: int) -> None:
    """A lone 1 % or > 97 % is dropped; the following normal value is accepted."""
    soc = SocFilter()
    soc.update(60, CHARGING, minutes(0))
    rejected = soc.update(glitch, CHARGING, minutes(1))
    assert (rejected.soc_pct, rejected.rejected_last, rejected.measured_at) == (
        60,
        True,
        minutes(0),
    )
    assert soc.update(60, CHARGING, minutes(2)).soc_pct == 60


def test_outlier_confirmed_by_the_next_reading_is_accepted() -> None:
    """Two readings of 98 % in a row are real (a full pack), so the second is taken."""
    soc = SocFilter()
    soc.update(96, CHARGING, minutes(0))
    assert soc.update(98, CHARGING, minutes(5)).rejected_last
    accepted = soc.update(98, CHARGING, minutes(10))
    assert (accepted.soc_pct, accepted.rejected_last, accepted.measured_at) == (
        98,
        False,
        minutes(10),
    )


def test_implausible_jump_for_the_elapsed_time_is_rejected() -> None:
    """+30 % in one minute cannot happen at 7.4 kW; the same step after a day can."""
    soc = SocFilter()
    soc.update(40, CHARGING, minutes(0))
    assert soc.update(70, CHARGING, minutes(1)).rejected_last
    assert soc.update(41, CHARGING, minutes(2)).soc_pct == 41
    assert soc.update(71, CHARGING, minutes(24 * 60)).soc_pct == 71


def test_after_an_unplug_any_plausible_soc_is_taken_at_once() -> None:
    """Driven away at 80 %, back 20 minutes later at 45 %: no jump check across an unplug."""
    soc = SocFilter()
    soc.update(80, CHARGING, minutes(0))
    soc.update(0, ChargerState.NO_CAR, minutes(1))
    assert soc.update(45, CHARGING, minutes(20)).soc_pct == 45
    assert soc.update(
        80, CHARGING, minutes(21)
    ).rejected_last  # and the check is back on
    assert soc.update(
        99, CHARGING, minutes(22)
    ).rejected_last  # glitch values are always suspect


def test_small_bms_step_is_accepted() -> None:
    """The Leaf's BMS jumps a few percent near 20 %; that is not filtered out."""
    soc = SocFilter()
    soc.update(22, ChargerState.DISCHARGING, minutes(0))
    assert soc.update(18, ChargerState.DISCHARGING, minutes(1)).soc_pct == 18


def test_zero_between_glitch_and_confirmation_clears_the_candidate() -> None:
    """A pending outlier is only confirmed by the very next real reading."""
    soc = SocFilter()
    soc.update(50, CHARGING, minutes(0))
    soc.update(99, CHARGING, minutes(1))
    soc.update(0, ChargerState.PAUSED, minutes(2))
    assert soc.update(99, CHARGING, minutes(3)).rejected_last
    assert soc.last_good.soc_pct == 50


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ChargerState.NO_CAR, False),
        (ChargerState.NO_CAR_LOCKED, False),
        (ChargerState.CHARGING, True),
        (ChargerState.PAUSED, True),
        (ChargerState.WAITING_FOR_CAR, True),
        (ChargerState.DISCHARGING, True),
        (ChargerState.ERROR, None),
        (ChargerState.UNKNOWN, None),
    ],
)
def test_plugged_in_from_charger_state(
    state: ChargerState, expected: bool | None
) -> None:
    """No car states mean unplugged; error/unknown cannot tell."""
    assert plugged_in(state) is expected


def test_monitor_rejects_a_capacity_no_leaf_has() -> None:
    """Usable capacity must be a Leaf-sized number."""
    with pytest.raises(ValueError, match="not a Leaf"):
        LeafMonitor(0.5)


async def test_leaf_through_the_simulated_charger(
    quasar: SimulatedQuasar, clock: SimClock, quasar_transport: ModbusTransport
) -> None:
    """Idle: unknown SoC; charging: SoC and stored kWh; an injected 1 % glitch is ignored."""
    charger = QuasarCharger(quasar_transport, failsafe_timeout_s=7200)
    leaf = LeafMonitor(LEAF_PACKS["40"])
    idle = leaf.update(await charger.read(), T0)
    assert idle.soc.soc_pct is None
    assert idle.stored_energy_kwh is None
    assert idle.plugged_in is True
    await charger.set_power_kw(7.4)
    clock.advance(600)
    state = leaf.update(await charger.read(), minutes(10))
    expected = round(quasar.soc_pct)
    assert state.soc.soc_pct == expected
    assert state.stored_energy_kwh == pytest.approx(37.0 * expected / 100)
    quasar.inject_soc_glitch(1)
    clock.advance(60)
    glitched = leaf.update(await charger.read(), minutes(11))
    assert glitched.soc.rejected_last
    assert glitched.soc.soc_pct == expected
    await charger.set_power_kw(0)
    after = leaf.update(await charger.read(), minutes(12))
    assert after.soc.soc_pct == expected  # raw reads 0 again, last good value kept


def test_monitor_uses_the_reading_state_for_plug() -> None:
    """An unplugged car shows as not plugged in, its SoC unknown: it may be driven, or another car may come."""
    reading = ChargerReading(
        state=ChargerState.CHARGING,
        raw_state=1,
        car_soc_raw_pct=55,
        power_kw=3.0,
        max_power_kw=7.4,
        ac_current_a=13,
        ac_voltage_v=230,
        dc_voltage_v=380,
        dc_current_a=7.5,
        unrecoverable_error=0,
        recoverable_error=0,
        remote_control=True,
        setpoint_a=13,
        setpoint_w=None,
    )
    leaf = LeafMonitor(30.0)
    assert leaf.update(reading, T0).stored_energy_kwh == pytest.approx(16.5)
    gone = leaf.update(
        replace(reading, state=ChargerState.NO_CAR, raw_state=0, car_soc_raw_pct=0),
        minutes(5),
    )
    assert (gone.plugged_in, gone.soc.soc_pct, gone.stored_energy_kwh) == (
        False,
        None,
        None,
    )


def test_seeded_soc_is_kept_while_idle_and_checks_the_next_reading() -> None:
    """A SoC kept across a restart stands in while idle, and a glitch against it is still caught."""
    soc = SocFilter()
    seeded = soc.seed(72, minutes(0))
    assert (seeded.soc_pct, seeded.measured_at) == (72.0, minutes(0))
    assert soc.update(0, ChargerState.PAUSED, minutes(5)) == seeded
    assert soc.update(30, CHARGING, minutes(6)).rejected_last
    assert soc.update(73, CHARGING, minutes(7)).soc_pct == 73


def test_seed_clears_an_unplug_seen_before_it() -> None:
    """The caller vouches the car stayed put: the unplug flag no longer waives the jump check."""
    soc = SocFilter()
    soc.update(0, ChargerState.NO_CAR, minutes(0))
    unplugged_before = soc.unplugged_since_good
    soc.seed(60, minutes(1))
    assert (unplugged_before, soc.unplugged_since_good) == (True, False)
    assert soc.update(20, CHARGING, minutes(2)).rejected_last


@pytest.mark.parametrize("bogus", [0, -3, 101])
def test_seed_refuses_a_value_no_leaf_reports(bogus: float) -> None:
    """0 % means 'no reading' on the Quasar; outside 0-100 is not a SoC."""
    with pytest.raises(ValueError, match="not a Leaf's"):
        SocFilter().seed(bogus, minutes(0))


def test_monitor_seed_gives_the_stored_energy() -> None:
    """The seeded SoC becomes the car's stored energy, with the plug taken from the poll."""
    monitor = LeafMonitor(37.0)
    reading = ChargerReading(
        state=ChargerState.PAUSED,
        raw_state=2,
        car_soc_raw_pct=0,
        power_kw=0.0,
        max_power_kw=7.4,
        ac_current_a=0,
        ac_voltage_v=230,
        dc_voltage_v=380,
        dc_current_a=0.0,
        unrecoverable_error=0,
        recoverable_error=0,
        remote_control=False,
        setpoint_a=0,
        setpoint_w=None,
    )
    state = monitor.seed(50, minutes(0), reading)
    assert state.stored_energy_kwh == 18.5
    assert state.plugged_in is True
