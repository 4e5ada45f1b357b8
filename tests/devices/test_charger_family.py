"""The charger family: capabilities and clamping, the Quasar's shared status, the generic car."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.devices.car import (
    GENERIC_CAPACITY_KWH,
    CarMonitor,
    car_defaults,
)
from custom_components.v2g_home.devices.charger import (
    Charger,
    ChargerCapabilities,
    ChargerKind,
    ChargerStatus,
    ConnectorType,
    SessionState,
)
from custom_components.v2g_home.devices.models import ChargerReading, ChargerState
from custom_components.v2g_home.devices.quasar import QuasarCharger

if TYPE_CHECKING:
    from custom_components.v2g_home.devices.simulator import SimClock, SimulatedQuasar
    from custom_components.v2g_home.devices.transport import ModbusTransport

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
WINDOW = ChargerCapabilities(
    max_charge_kw=10.0,
    max_discharge_kw=8.0,
    min_charge_kw=1.0,
    min_discharge_kw=0.5,
)


@pytest.mark.parametrize(
    ("asked", "given"),
    [
        (12.0, 10.0),
        (4.2, 4.2),
        (0.9, 0.0),
        (1.0, 1.0),
        (0.0, 0.0),
        (-0.4, 0.0),
        (-0.5, -0.5),
        (-9.0, -8.0),
    ],
)
def test_clamp_keeps_the_window_and_zeroes_the_dead_band(
    asked: float, given: float
) -> None:
    """Beyond a limit: the limit; inside a direction's dead band: 0 (toward zero, never up)."""
    assert WINDOW.clamp_kw(asked) == given


def test_no_discharge_when_it_is_not_offered() -> None:
    """A discharge request becomes 0, a charge still goes through."""
    charge_only = replace(WINDOW, discharge_offered=False, max_discharge_kw=0.0)
    assert charge_only.clamp_kw(-3.0) == 0.0
    assert charge_only.clamp_kw(3.0) == 3.0


@pytest.mark.parametrize(
    "bad",
    [
        {"max_charge_kw": -1.0},
        {"min_discharge_kw": float("nan")},
        {"discharge_offered": False},  # with a discharge limit left over
    ],
)
def test_capabilities_refuse_nonsense(bad: dict[str, object]) -> None:
    """Negative or NaN limits, or a discharge limit while none is offered, are programming errors."""
    with pytest.raises(ValueError, match="must"):
        replace(WINDOW, **bad)  # type: ignore[arg-type]


def test_clamp_refuses_nan() -> None:
    with pytest.raises(ValueError, match="not a number"):
        WINDOW.clamp_kw(float("nan"))


def quasar_reading(**changes: object) -> ChargerReading:
    base = ChargerReading(
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
    return replace(base, **changes)  # type: ignore[arg-type]


def test_quasar_status_carries_its_fixed_limits() -> None:
    """1.38-7.4 kW both ways, SoC only in a session, the hardware limit of register 514 applies."""
    status = quasar_reading().status
    assert (status.state, status.plugged_in, status.controllable) == (
        SessionState.CHARGING,
        True,
        True,
    )
    assert status.car_soc_pct == 55.0
    caps = status.capabilities
    assert (caps.min_charge_kw, caps.min_discharge_kw) == (1.38, 1.38)
    assert (caps.max_charge_kw, caps.max_discharge_kw) == (7.4, 7.4)
    assert caps.soc_in_session_only
    assert caps.discharge_offered
    assert not caps.limits_vary
    capped = quasar_reading(max_power_kw=3.68).status.capabilities
    assert (capped.max_charge_kw, capped.max_discharge_kw) == (3.68, 3.68)
    # 514 reads nonsense below the charger's own minimum: keep the hardware figure.
    assert quasar_reading(max_power_kw=0.0).status.capabilities.max_charge_kw == 7.4


@pytest.mark.parametrize(
    ("state", "session", "plugged"),
    [
        (ChargerState.NO_CAR, SessionState.NO_CAR, False),
        (ChargerState.NO_CAR_LOCKED, SessionState.NO_CAR, False),
        (ChargerState.PAUSED, SessionState.READY, True),
        (ChargerState.DISCHARGING, SessionState.DISCHARGING, True),
        (ChargerState.ERROR, SessionState.ERROR, None),
        (ChargerState.UNKNOWN, SessionState.UNKNOWN, None),
    ],
)
def test_quasar_states_map_onto_the_shared_ones(
    state: ChargerState, session: SessionState, plugged: bool | None
) -> None:
    status = quasar_reading(state=state, car_soc_raw_pct=0).status
    assert (status.state, status.plugged_in, status.car_soc_pct) == (
        session,
        plugged,
        None,
    )


def test_quasar_error_code_prefers_the_unrecoverable_one() -> None:
    assert quasar_reading(recoverable_error=5).status.error_code == 5
    assert (
        quasar_reading(recoverable_error=5, unrecoverable_error=9).status.error_code
        == 9
    )


async def test_quasar_is_a_charger_of_the_family(
    quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """Through the shared interface: command, read the shared status, refresh, stop, release."""
    charger: Charger = QuasarCharger(quasar_transport)
    assert charger.kind is ChargerKind.QUASAR
    assert await charger.set_power_kw(-3.0) == pytest.approx(-2.99)
    await charger.refresh_control()
    status = (await charger.read()).status
    assert status.state is SessionState.DISCHARGING
    assert status.power_kw == pytest.approx(-2.99)
    assert status.car_soc_pct == 50.0
    await charger.stop()
    assert (await charger.read()).status.state is SessionState.READY
    await charger.release()
    assert not charger.in_control
    assert not quasar.remote_control


def test_leaf_defaults_only_behind_chademo() -> None:
    """CHAdeMO means a Leaf is likely; a CCS car is generic unless the owner says Leaf."""
    assert car_defaults(ConnectorType.CHADEMO).leaf
    assert car_defaults(ConnectorType.CHADEMO).capacity_kwh == 37.0
    ccs = car_defaults(ConnectorType.CCS)
    assert (ccs.leaf, ccs.capacity_kwh) == (False, GENERIC_CAPACITY_KWH)
    assert car_defaults(ConnectorType.CCS, leaf=True).leaf
    assert not car_defaults(ConnectorType.CHADEMO, leaf=False).leaf


def status(soc: float | None, *, plugged: bool = True) -> ChargerStatus:
    return ChargerStatus(
        state=SessionState.CHARGING if plugged else SessionState.NO_CAR,
        plugged_in=plugged,
        car_soc_pct=soc,
        power_kw=3.0 if plugged else 0.0,
        capabilities=WINDOW,
    )


def test_a_generic_car_takes_readings_a_leaf_would_hold_back() -> None:
    """98 % is a known Leaf glitch, but a plain reading for another car; both keep the rate check."""
    generic = CarMonitor(60.0, leaf=False)
    leaf = CarMonitor(37.0, leaf=True)
    for monitor in (generic, leaf):
        monitor.update(status(90.0), T0)
    assert generic.update(status(98.0), T0 + timedelta(minutes=10)).soc.soc_pct == 98
    held = leaf.update(status(98.0), T0 + timedelta(minutes=10))
    assert (held.soc.soc_pct, held.soc.rejected_last) == (90, True)
    jump = generic.update(status(40.0), T0 + timedelta(minutes=11))
    assert jump.soc.rejected_last


def test_car_state_follows_the_status_and_survives_a_missing_soc() -> None:
    """Unplugging makes the SoC unknown (the car may be driven); the next car's SoC may be anything."""
    car = CarMonitor(60.0, leaf=False)
    first = car.update(status(50.0), T0)
    assert (first.stored_energy_kwh, first.controllable) == (30.0, True)
    away = car.update(status(None, plugged=False), T0 + timedelta(minutes=1))
    assert (away.plugged_in, away.controllable, away.soc.soc_pct) == (
        False,
        False,
        None,
    )
    back = car.update(status(20.0), T0 + timedelta(hours=3))
    assert back.soc.soc_pct == 20.0
    seeded = car.seed(35.0, T0, status(None))
    assert seeded.stored_energy_kwh == 21.0


def test_car_capacity_must_be_a_car_s() -> None:
    with pytest.raises(ValueError, match="out of range"):
        CarMonitor(2.0, leaf=False)


async def test_quasar_status_reads_the_simulated_car(
    clock: SimClock, quasar: SimulatedQuasar, quasar_transport: ModbusTransport
) -> None:
    """A session makes the SoC visible in the shared status; a car driving off is NO_CAR."""
    charger = QuasarCharger(quasar_transport)
    await charger.set_power_kw(3.68)
    clock.advance(60)
    assert (await charger.read()).status.car_soc_pct == 50.0
    quasar.plugged_in = False
    gone = (await charger.read()).status
    assert (gone.state, gone.plugged_in, gone.car_soc_pct) == (
        SessionState.NO_CAR,
        False,
        None,
    )
