"""Devices and settings the control tests start from (no Home Assistant: these rules are pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.control.settings import SchedulerSettings
from custom_components.v2g_home.control.snapshot import DeviceSnapshot

NOW = datetime(2026, 1, 15, 17, 5, tzinfo=UTC)


def car(**changes: object) -> DeviceSnapshot:
    """A Leaf on its charger in auto, plugged in at 50 %, read 3 s ago."""
    base = DeviceSnapshot(
        device_id="charger",
        name="Quasar",
        is_car=True,
        mode=ControlMode.AUTO,
        available=True,
        soc_pct=50.0,
        capacity_kwh=37.0,
        max_charge_kw=7.4,
        max_discharge_kw=7.4,
        min_power_kw=1.38,
        efficiency=0.92,
        power_kw=0.0,
        answering=True,
        reading_age_s=3.0,
        poll_interval_s=10.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def pack(**changes: object) -> DeviceSnapshot:
    """A stationary pack in auto at 50 %."""
    return car(
        **{
            "device_id": "pack",
            "name": "Pack",
            "is_car": False,
            "capacity_kwh": 10.0,
            "max_charge_kw": 5.0,
            "max_discharge_kw": 5.0,
            "min_power_kw": 0.0,
            "efficiency": 0.95,
            "poll_interval_s": 15.0,
            **changes,
        }
    )


SETTINGS = SchedulerSettings(reserve_soc_pct=20.0, departure_target_soc_pct=80.0)
