"""The planning problem built from what control knows about each device, over the known prices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Site,
    Slot,
    StorageDevice,
)
from .modes import ControlMode
from .safety import floor_for

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..prices.models import BuyAndSell
    from .settings import SchedulerSettings
    from .snapshot import DeviceSnapshot

MIN_SLOT = timedelta(seconds=1)


def planner_slots(
    prices: Sequence[BuyAndSell], now: datetime, house_kw: Sequence[float] | None
) -> tuple[Slot, ...]:
    """Known prices from now on; the current slot starts now (what is past is not planned)."""
    slots: list[Slot] = []
    for index, price in enumerate(prices):
        start = max(price.start, now)
        if price.end - start < MIN_SLOT:
            continue
        slots.append(
            Slot(
                start=start,
                duration=price.end - start,
                buy_price_per_kwh=price.buy_per_kwh,
                sell_price_per_kwh=price.sell_per_kwh,
                house_load_kw=house_kw[index] if house_kw else 0.0,
            )
        )
    return tuple(slots)


def plannable(device: DeviceSnapshot) -> bool:
    """Whether the planner can take the device: in auto, available and with known limits."""
    return (
        device.mode is ControlMode.AUTO
        and device.available
        and bool(device.capacity_kwh)
        and (device.known_soc_pct is not None or device.is_car)
        and device.max_charge_kw > 0
    )


def storage_device(
    device: DeviceSnapshot,
    settings: SchedulerSettings,
    departure: tuple[datetime, float] | None,
    slots: tuple[Slot, ...],
) -> StorageDevice:
    """The planner's view of one device, with the safety floor as its reserve."""
    floor = floor_for(device, settings, departure).soc_pct / 100
    # A Leaf's SoC is unknown until it has charged a little: plan as if it sat at the floor.
    known = device.known_soc_pct
    soc = floor if known is None else known / 100
    availability: tuple[AvailabilityWindow, ...] | None = None
    departures: tuple[Departure, ...] = ()
    if device.is_car and departure is not None and departure[0] < slots[-1].end:
        availability = (AvailabilityWindow(start=slots[0].start, end=departure[0]),)
        departures = (Departure(time=departure[0], target_soc=departure[1] / 100),)
    return StorageDevice(
        device_id=device.device_id,
        capacity_kwh=device.capacity_kwh or 0.0,
        initial_soc=min(max(soc, 0.0), 1.0),
        max_charge_kw=device.max_charge_kw,
        max_discharge_kw=device.max_discharge_kw,
        reserve_soc=floor,
        min_power_kw=device.min_power_kw,
        charge_efficiency=device.efficiency,
        discharge_efficiency=device.efficiency,
        wear_per_kwh=settings.wear_per_kwh,
        availability=availability,
        departures=departures,
    )


def build_problem(
    *,
    slots: tuple[Slot, ...],
    devices: Sequence[DeviceSnapshot],
    settings: SchedulerSettings,
    departures: dict[str, tuple[datetime, float]],
) -> PlanningProblem:
    """The planning problem for the devices the scheduler drives, over the known prices."""
    return PlanningProblem(
        slots=slots,
        devices=tuple(
            storage_device(device, settings, departures.get(device.device_id), slots)
            for device in devices
            if plannable(device)
        ),
        site=Site(
            export_limit_kw=settings.max_export_kw,
            export_allowed=settings.export_allowed,
        ),
    )
