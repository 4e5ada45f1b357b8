"""Planning problems built from the shipped DK1 days (Energi Data Service, Energinet)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from custom_components.v2g_home.planner.model import (
    AvailabilityWindow,
    Departure,
    PlanningProblem,
    Site,
    Slot,
    StorageDevice,
)

PRICE_FILE = (
    Path(__file__).parent.parent / "fixtures" / "dk1_days" / "elspotprices_dk1_days.csv"
)
DANISH = ZoneInfo("Europe/Copenhagen")
HOUR = timedelta(hours=1)
# Danish import on top of spot (grid tariff, Energinet, electricity tax), before 25 % VAT, DKK/kWh.
IMPORT_CHARGES_PER_KWH = 1.0
VAT = 0.25


@cache
def dk1_days() -> dict[str, list[tuple[datetime, float]]]:
    """Danish date -> [(hour start UTC, spot DKK/kWh)] in time order."""
    days: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    lines = PRICE_FILE.read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        hour_utc, hour_dk, _, dkk_per_mwh, _ = line.split(";")
        start = datetime.fromisoformat(hour_utc).replace(tzinfo=UTC)
        days[hour_dk[:10]].append((start, float(dkk_per_mwh.replace(",", ".")) / 1000))
    return {day: sorted(hours) for day, hours in sorted(days.items())}


def house_load_kw(start: datetime) -> float:
    """A plain household profile: low at night, a morning bump and an evening peak."""
    hour = start.astimezone(DANISH).hour
    if 17 <= hour < 21:
        return 1.6
    if 6 <= hour < 9:
        return 0.9
    if hour < 6:
        return 0.3
    return 0.5


def slots_for(
    hours: list[tuple[datetime, float]],
    *,
    with_charges: bool = True,
    with_load: bool = False,
    quarter_hours: bool = False,
) -> tuple[Slot, ...]:
    """Slots from hourly spot prices; optionally Danish import charges, a house load, 15-min slots."""
    slots = []
    for start, spot in hours:
        buy = (spot + IMPORT_CHARGES_PER_KWH) * (1 + VAT) if with_charges else spot
        parts = 4 if quarter_hours else 1
        for i in range(parts):
            begin = start + i * HOUR / parts
            slots.append(
                Slot(
                    start=begin,
                    duration=HOUR / parts,
                    buy_price_per_kwh=buy,
                    sell_price_per_kwh=spot,
                    house_load_kw=house_load_kw(begin) if with_load else 0.0,
                )
            )
    return tuple(slots)


def leaf(**changes: object) -> StorageDevice:
    """A 40 kWh Leaf (37 kWh usable) on a 7.4 kW Quasar, 20-90 %, 92 % each way."""
    values: dict[str, object] = {
        "device_id": "leaf",
        "capacity_kwh": 37.0,
        "initial_soc": 0.5,
        "max_charge_kw": 7.4,
        "max_discharge_kw": 7.4,
        "soc_min": 0.2,
        "soc_max": 0.9,
        "charge_efficiency": 0.92,
        "discharge_efficiency": 0.92,
        "wear_per_kwh": 0.1,
    }
    values.update(changes)
    return StorageDevice(**values)  # type: ignore[arg-type]


def pack(device_id: str, **changes: object) -> StorageDevice:
    """A 10 kWh stationary pack, 5 kW both ways, 95 % each way."""
    values: dict[str, object] = {
        "device_id": device_id,
        "capacity_kwh": 10.0,
        "initial_soc": 0.3,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "soc_min": 0.05,
        "charge_efficiency": 0.95,
        "discharge_efficiency": 0.95,
        "wear_per_kwh": 0.05,
    }
    values.update(changes)
    return StorageDevice(**values)  # type: ignore[arg-type]


def commuting(day_start: datetime, day_end: datetime) -> dict[str, object]:
    """Leaf settings for a commute: away 07:00-16:00 Danish time, 80 % at departure, 8 kWh trip."""
    local = day_start.astimezone(DANISH)
    leave = local.replace(hour=7, minute=0).astimezone(UTC)
    back = local.replace(hour=16, minute=0).astimezone(UTC)
    return {
        "availability": (
            AvailabilityWindow(start=day_start, end=leave),
            AvailabilityWindow(start=back, end=day_end),
        ),
        "departures": (Departure(time=leave, target_soc=0.8, trip_energy_kwh=8.0),),
    }


def problem_for(
    day: str,
    *,
    devices: int = 1,
    with_load: bool = False,
    with_departure: bool = False,
    with_charges: bool = True,
    quarter_hours: bool = False,
) -> PlanningProblem:
    """A planning problem for one shipped day (or a list of them joined)."""
    hours = dk1_days()[day]
    slots = slots_for(
        hours,
        with_charges=with_charges,
        with_load=with_load,
        quarter_hours=quarter_hours,
    )
    extra = commuting(slots[0].start, slots[-1].end) if with_departure else {}
    fleet = [leaf(**extra)]
    if devices == 3:
        fleet += [pack("pack_a"), pack("pack_b", capacity_kwh=5.0, max_charge_kw=2.5)]
    return PlanningProblem(
        slots=slots,
        devices=tuple(fleet),
        site=Site(import_limit_kw=17.0, export_limit_kw=10.0),
    )
