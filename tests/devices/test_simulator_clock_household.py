"""The simulated clock, the energy meter and the demo household."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.devices.simulator import (
    EnergyMeter,
    FaultSwitches,
    SimClock,
    SimulatedQuasar,
    SimulatedSunSpecPack,
    clock as clock_module,
)
from custom_components.v2g_home.devices.simulator.base import to_int16, to_word
from custom_components.v2g_home.devices.simulator.household import (
    DRIVE_DURATION_S,
    Household,
    status_line,
)
from custom_components.v2g_home.devices.simulator.sunspec_layout import encode_point
from custom_components.v2g_home.devices.simulator.sunspec_models import MODEL_802


class FakeMonotonic:
    """A controllable stand-in for time.monotonic."""

    def __init__(self) -> None:
        """Start at an arbitrary monotonic reading."""
        self.now = 1000.0

    def __call__(self) -> float:
        """The current fake reading."""
        return self.now


def test_manual_clock_moves_only_on_advance() -> None:
    """Manual time is what the test advanced, nothing else."""
    sim_clock = SimClock(manual=True)
    assert sim_clock.now() == 0
    sim_clock.advance(90)
    sim_clock.advance(30)
    assert sim_clock.now() == 120
    with pytest.raises(ValueError, match="forward"):
        sim_clock.advance(-1)


def test_real_time_clock_runs_at_its_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed 60: one real second is a simulated minute; advance() adds on top; a speed change never jumps."""
    fake = FakeMonotonic()
    monkeypatch.setattr(clock_module.time, "monotonic", fake)
    sim_clock = SimClock(speed=60)
    fake.now += 2
    assert sim_clock.now() == pytest.approx(120)
    sim_clock.advance(600)
    assert sim_clock.now() == pytest.approx(720)
    sim_clock.speed = 1
    assert sim_clock.now() == pytest.approx(720)
    fake.now += 2
    assert sim_clock.now() == pytest.approx(722)
    assert sim_clock.speed == 1
    with pytest.raises(ValueError, match="positive"):
        sim_clock.speed = 0
    with pytest.raises(ValueError, match="positive"):
        SimClock(speed=-1)


def test_energy_meter_splits_directions() -> None:
    """Positive power counts in, negative out."""
    meter = EnergyMeter()
    meter.add(3.6, 1000)
    meter.add(-7.2, 500)
    assert (meter.energy_in_kwh, meter.energy_out_kwh, meter.net_kwh) == pytest.approx(
        (1.0, 1.0, 0.0)
    )


def test_fault_switches_clear() -> None:
    """clear() switches every fault off."""
    faults = FaultSwitches(
        drop_connection=True, exception_code=4, delay_s=1.0, garbage=True
    )
    faults.clear()
    assert faults == FaultSwitches()


def test_word_helpers() -> None:
    """int16 two's complement both ways, and SunSpec 'not implemented' for missing values."""
    assert to_word(-1) == 0xFFFF
    assert to_int16(0xFFFF) == -1
    with pytest.raises(ValueError, match="fit"):
        to_word(0x10000)
    assert encode_point(MODEL_802.point("W"), None) == [0x8000]
    assert encode_point(MODEL_802.point("NCyc"), None) == [0xFFFF, 0xFFFF]
    assert encode_point(MODEL_802.point("NCyc"), 70000) == [1, 4464]
    assert encode_point(MODEL_802.point("SoH"), None) == [0xFFFF]
    with pytest.raises(ValueError, match="int16"):
        encode_point(MODEL_802.point("W"), 40000)
    with pytest.raises(TypeError):
        encode_point(MODEL_802.point("W"), "x")
    with pytest.raises(KeyError):
        MODEL_802.point("Nope")


def test_household_autostart_charges_then_the_car_goes_for_a_drive() -> None:
    """User-mode charging at 10 A until 95 %, two hours away, back 30 points lower and plugged in."""
    sim_clock = SimClock(manual=True)
    car = SimulatedQuasar(sim_clock, soc_pct=94.0)
    household = Household(sim_clock, car, None, autostart=True)
    assert car.power_kw == pytest.approx(2.3)
    sim_clock.advance(3 * 3600)
    household.tick()
    assert not car.plugged_in
    left_at = car.soc_pct
    sim_clock.advance(DRIVE_DURATION_S / 2)
    household.tick()
    assert not car.plugged_in
    sim_clock.advance(DRIVE_DURATION_S)
    household.tick()
    assert car.plugged_in
    assert car.soc_pct == pytest.approx(left_at - 30.0)


def test_household_leaves_a_remote_controlled_car_alone() -> None:
    """Once Home Assistant has control the household does not unplug the car."""
    sim_clock = SimClock(manual=True)
    car = SimulatedQuasar(sim_clock, soc_pct=99.0)
    household = Household(sim_clock, car, None, autostart=True)
    car.write_registers(81, [1])
    household.tick()
    assert car.plugged_in


def test_household_cycles_the_pack_between_its_bounds() -> None:
    """Local logic: solar charge to 90 %, house load down to 20 %, and again."""
    sim_clock = SimClock(manual=True)
    pack = SimulatedSunSpecPack(sim_clock, soc_pct=85.0)
    household = Household(sim_clock, None, pack)
    assert pack.power_kw == pytest.approx(1.5)
    for _ in range(20 * 60):
        sim_clock.advance(60)
        household.tick()
        assert 19.0 < pack.soc_pct < 91.0
    assert pack.meter.energy_in_kwh > 5
    assert pack.meter.energy_out_kwh > 5


def test_status_line_names_both_devices() -> None:
    """The standalone runner's log line shows SoC and power of each device."""
    sim_clock = SimClock(manual=True)
    line = status_line(
        SimulatedQuasar(sim_clock, soc_pct=55.0),
        SimulatedSunSpecPack(sim_clock, soc_pct=40.0),
    )
    assert "car  55.0 %" in line
    assert "pack  40.0 %" in line
    assert status_line(None, None) == ""
