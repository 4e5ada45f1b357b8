"""What the planner is told at a moment of the backtest: known prices, trips and device state."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from .model import AvailabilityWindow, Departure, Slot, StorageDevice
from .price_files import DANISH_TIME

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .backtest_site import DeviceSpec

PUBLICATION_HOUR = (
    13  # Nord Pool publishes the next day's prices around 13:00 Danish time
)


@dataclass(frozen=True, kw_only=True)
class Away:
    """A car trip aligned to slots: unplugged from slot `leave` up to (not including) slot `back`."""

    leave: int
    back: int
    energy_kwh: float
    target_soc: float


def known_until(moment: datetime) -> datetime:
    """The end of the prices known at a moment: end of today (Danish time), or of tomorrow from 13:00."""
    local = moment.astimezone(DANISH_TIME)
    days = 2 if local.hour >= PUBLICATION_HOUR else 1
    return datetime.combine(
        local.date() + timedelta(days=days), time(), tzinfo=DANISH_TIME
    ).astimezone(UTC)


def trips_on_slots(device: DeviceSpec, slots: Sequence[Slot]) -> tuple[Away, ...]:
    """A device's weekly trips over the slots; a trip takes the whole slots it touches."""
    if not device.trips or not slots:
        return ()
    starts = [slot.start for slot in slots]
    first = slots[0].start.astimezone(DANISH_TIME).date()
    last = slots[-1].start.astimezone(DANISH_TIME).date()
    result: list[Away] = []
    day = first
    while day <= last:
        for trip in device.trips:
            if day.weekday() not in trip.weekdays:
                continue
            leave = datetime.combine(day, trip.leave, tzinfo=DANISH_TIME).astimezone(
                UTC
            )
            back = datetime.combine(day, trip.back, tzinfo=DANISH_TIME).astimezone(UTC)
            leave_index = max(0, bisect_right(starts, leave) - 1)
            back_index = bisect_left(starts, back)
            if leave >= slots[0].start and back_index > leave_index:
                result.append(
                    Away(
                        leave=leave_index,
                        back=back_index,
                        energy_kwh=trip.energy_kwh,
                        target_soc=trip.target_soc,
                    )
                )
        day += timedelta(days=1)
    return tuple(sorted(result, key=lambda away: away.leave))


def planner_device(
    device: DeviceSpec,
    soc_kwh: float,
    trips: Sequence[Away],
    slots: Sequence[Slot],
    start: int,
    end: int,
    *,
    final: bool,
) -> StorageDevice:
    """The planner's view of a device over slots [start, end): plugged-in windows and departures."""
    within = [away for away in trips if away.back > start and away.leave < end]
    availability: tuple[AvailabilityWindow, ...] | None = None
    if device.trips:
        windows: list[AvailabilityWindow] = []
        cursor = start
        for away in within:
            if away.leave > cursor:
                windows.append(
                    AvailabilityWindow(
                        start=slots[cursor].start, end=slots[away.leave].start
                    )
                )
            cursor = max(cursor, away.back)
        if cursor < end:
            windows.append(
                AvailabilityWindow(start=slots[cursor].start, end=slots[end - 1].end)
            )
        availability = tuple(windows)
    return StorageDevice(
        device_id=device.name,
        capacity_kwh=device.capacity_kwh,
        initial_soc=soc_kwh / device.capacity_kwh,
        max_charge_kw=device.charge_power_kw,
        max_discharge_kw=device.discharge_power_kw,
        soc_min=device.soc_min,
        soc_max=device.soc_max,
        min_power_kw=device.min_power_kw,
        charge_efficiency=device.charge_efficiency,
        discharge_efficiency=device.discharge_efficiency,
        wear_per_kwh=device.wear_per_kwh,
        availability=availability,
        departures=tuple(
            Departure(
                time=slots[away.leave].start,
                target_soc=away.target_soc,
                trip_energy_kwh=away.energy_kwh,
            )
            for away in within
            if away.leave >= start
        ),
        end_soc_min=device.soc_start if final else None,
    )
