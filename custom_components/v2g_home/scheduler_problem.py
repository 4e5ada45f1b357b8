"""What the scheduler knows about each device, and the planning problem built from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .charger_coordinator import ChargerCoordinator
from .const import CHARGER_MAX_POWER_KW, CHARGER_MIN_POWER_KW, ControlMode
from .pack_coordinator import PackCoordinator
from .planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Site,
    Slot,
    StorageDevice,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .coordinator import DeviceCoordinator
    from .prices.models import BuyAndSell
    from .scheduler_settings import SchedulerSettings

# One-way efficiency of the Quasar 1 with a Leaf (AC to battery and back): owners measure
# roughly 85 % round trip, so about 0.92 each way.
CAR_EFFICIENCY = 0.92
# One-way efficiency of a stationary lithium pack with its inverter (about 90 % round trip).
PACK_EFFICIENCY = 0.95
MIN_SLOT = timedelta(seconds=1)


@dataclass(frozen=True, kw_only=True)
class DeviceSnapshot:
    """One device as the scheduler sees it at one instant (SoC in %, powers in kW at the grid)."""

    device_id: str
    name: str
    is_car: bool
    mode: ControlMode
    available: bool  # answering, and for a car: plugged in
    soc_pct: float | None
    capacity_kwh: float | None
    max_charge_kw: float
    max_discharge_kw: float
    min_power_kw: float
    efficiency: float
    power_kw: float | None


def snapshot(device_id: str, coordinator: DeviceCoordinator[Any]) -> DeviceSnapshot:
    """Read what the latest poll says about a charger's Leaf or a pack."""
    answering = coordinator.last_update_success and coordinator.data is not None
    if isinstance(coordinator, ChargerCoordinator):
        data = coordinator.data
        max_kw = CHARGER_MAX_POWER_KW
        if data is not None and data.reading.max_power_kw >= CHARGER_MIN_POWER_KW:
            max_kw = min(CHARGER_MAX_POWER_KW, data.reading.max_power_kw)
        return DeviceSnapshot(
            device_id=device_id,
            name=coordinator.name,
            is_car=True,
            mode=coordinator.control.mode,
            available=answering and data is not None and data.leaf.plugged_in is True,
            soc_pct=None if data is None else data.leaf.soc.soc_pct,
            capacity_kwh=coordinator.leaf.capacity_kwh,
            max_charge_kw=max_kw,
            max_discharge_kw=max_kw,
            min_power_kw=CHARGER_MIN_POWER_KW,
            efficiency=CAR_EFFICIENCY,
            power_kw=None if data is None else data.reading.power_kw,
        )
    if not isinstance(coordinator, PackCoordinator):  # pragma: no cover - no other kind
        raise TypeError(type(coordinator).__name__)
    reading = coordinator.data.reading if coordinator.data else None
    return DeviceSnapshot(
        device_id=device_id,
        name=coordinator.name,
        is_car=False,
        mode=coordinator.mode,
        available=answering,
        soc_pct=None if reading is None else reading.soc_pct,
        capacity_kwh=None if reading is None else reading.capacity_kwh,
        max_charge_kw=(reading.max_charge_kw or 0.0) if reading else 0.0,
        max_discharge_kw=(reading.max_discharge_kw or 0.0) if reading else 0.0,
        min_power_kw=0.0,
        efficiency=PACK_EFFICIENCY,
        power_kw=None if reading is None else reading.power_kw,
    )


def floor_pct(
    device: DeviceSnapshot,
    settings: SchedulerSettings,
    departure: tuple[datetime, float] | None,
) -> float:
    """The SoC (%) a discharge may never go below: the reserve, and a car's departure target."""
    if device.is_car and departure is not None:
        return max(settings.reserve_soc_pct, departure[1])
    return settings.reserve_soc_pct


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
        and (device.soc_pct is not None or device.is_car)
        and device.max_charge_kw > 0
    )


def storage_device(
    device: DeviceSnapshot,
    settings: SchedulerSettings,
    departure: tuple[datetime, float] | None,
    slots: tuple[Slot, ...],
) -> StorageDevice:
    """The planner's view of one device, with the safety floor as its reserve."""
    floor = floor_pct(device, settings, departure) / 100
    # A Leaf's SoC is unknown until it has charged a little: plan as if it sat at the floor.
    soc = floor if device.soc_pct is None else device.soc_pct / 100
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
