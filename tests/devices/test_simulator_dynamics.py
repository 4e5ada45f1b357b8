"""Simulated chargers follow a new setpoint with their dead time and ramp; the meters stay exact."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.control.capability import CHARGER_SPEEDS
from custom_components.v2g_home.devices.simulator import (
    SimClock,
    SimulatedBiDiPro,
    SimulatedQuasar,
)
from custom_components.v2g_home.devices.simulator.actuator import (
    BIDIPRO_DYNAMICS,
    CYCLE_S,
    DER_DYNAMICS,
    QUASAR_DYNAMICS,
    Actuator,
    Dynamics,
)
from custom_components.v2g_home.devices.simulator.quasar_registers import QuasarRegister
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)


def test_an_actuator_waits_its_dead_time_then_ramps_at_its_rate() -> None:
    """1 s dead time, 10 kW in 4 s: a 5 kW step starts at 1 s and is reached at 3 s."""
    actuator = Actuator(Dynamics(latency_s=1.0, ramp_s=4.0), 10_000.0, 0.0)
    actuator.follow(0.0, -5000.0)
    actuator.advance(0.99)
    assert actuator.output_w == 0.0
    actuator.advance(1.0 + CYCLE_S)
    assert actuator.output_w == pytest.approx(-250.0)
    actuator.advance(2.0)
    assert actuator.output_w == pytest.approx(-2500.0)
    actuator.advance(3.0)
    assert actuator.output_w == pytest.approx(-5000.0)
    assert actuator.next_change_s() is None


def test_a_newer_request_during_the_dead_time_is_taken_in_order() -> None:
    """Requests queue behind the dead time and each takes effect after it."""
    actuator = Actuator(Dynamics(latency_s=0.5, ramp_s=0.0), 10_000.0, 0.0)
    actuator.follow(0.0, 1000.0)
    actuator.follow(0.2, 3000.0)
    actuator.advance(0.6)
    assert actuator.output_w == 1000.0
    actuator.advance(0.7)
    assert actuator.output_w == 3000.0


def test_the_simulators_figures_are_those_control_offers_from() -> None:
    """One set of figures: what the simulator does is what the capability table assumes."""
    for kind, dynamics in (
        ("quasar", QUASAR_DYNAMICS),
        ("evtec_bidipro", BIDIPRO_DYNAMICS),
        ("sunspec_der", DER_DYNAMICS),
    ):
        speed = CHARGER_SPEEDS[kind]
        assert (speed.latency_s, speed.ramp_s) == (dynamics.latency_s, dynamics.ramp_s)


def _quasar(clock: SimClock) -> SimulatedQuasar:
    car = SimulatedQuasar(clock, dynamics=QUASAR_DYNAMICS)
    car.write_registers(QuasarRegister.CONTROL, [1])
    car.write_registers(QuasarRegister.SETPOINT_TYPE, [1])
    car.write_registers(QuasarRegister.ACTION, [1])
    return car


def test_the_quasar_ramps_a_full_step_over_about_2_s() -> None:
    """-7.4 kW asked: nothing for 0.3 s, half at about 1.3 s, all at about 2.3 s."""
    clock = SimClock(manual=True)
    car = _quasar(clock)
    car.write_registers(QuasarRegister.POWER_SETPOINT, [-7400 & 0xFFFF])
    clock.advance(0.3)
    assert car.power_kw == 0.0
    clock.advance(1.0)
    assert car.power_kw == pytest.approx(-3.7, abs=0.4)
    clock.advance(1.1)
    assert car.power_kw == pytest.approx(-7.4)
    assert car.register(QuasarRegister.AC_POWER) == 0x10000 - 7400


def test_a_ramp_is_metered_exactly() -> None:
    """The meter is the integral of the staircase: 0.3 s dead, 2 s of ramp, then 7.4 kW."""
    clock = SimClock(manual=True)
    car = _quasar(clock)
    car.write_registers(QuasarRegister.POWER_SETPOINT, [-7400 & 0xFFFF])
    clock.advance(60.0)
    steps = round(QUASAR_DYNAMICS.ramp_s / CYCLE_S)
    # The power steps at the first cycle after the dead time, then every cycle until full.
    ramp_kj = sum(7.4 * min(k / steps, 1.0) * CYCLE_S for k in range(1, steps))
    full_s = 60.0 - 0.4 - (steps - 1) * CYCLE_S
    expected_kwh = (ramp_kj + 7.4 * full_s) / 3600
    assert car.meter.energy_out_kwh == pytest.approx(expected_kwh, rel=1e-6)


def test_unplugging_stops_the_flow_at_once() -> None:
    """A trip needs no ramp."""
    clock = SimClock(manual=True)
    car = _quasar(clock)
    car.write_registers(QuasarRegister.POWER_SETPOINT, [3000])
    clock.advance(5.0)
    assert car.power_kw == pytest.approx(3.0)
    car.plugged_in = False
    assert car.power_kw == 0.0


def test_the_bidipro_takes_a_second_and_ramps_10_kw_in_4_s() -> None:
    """-5 kW: nothing until 1 s, then 2.5 kW/s."""
    clock = SimClock(manual=True)
    charger = SimulatedBiDiPro(clock, dynamics=BIDIPRO_DYNAMICS)
    base = charger.connector * 100
    charger.write_registers(base + 86, [0xFFFF, 0x10000 - 5000])
    clock.advance(1.0)
    assert charger.power_kw == 0.0
    clock.advance(1.0)
    assert charger.power_kw == pytest.approx(-2.5, abs=0.3)
    clock.advance(1.1)
    assert charger.power_kw == pytest.approx(-5.0)


def test_without_dynamics_the_power_steps_at_once() -> None:
    """The default (what the bookkeeping tests rely on): no dead time, no ramp."""
    clock = SimClock(manual=True)
    der = SimulatedDerStorage(clock)
    der.local_power_kw = 2.0
    assert der.power_kw == 2.0
    ramped = SimulatedDerStorage(clock, dynamics=DER_DYNAMICS)
    ramped.local_power_kw = 2.0
    assert ramped.power_kw == 0.0
    clock.advance(1.0)
    assert ramped.power_kw == pytest.approx(2.0)
