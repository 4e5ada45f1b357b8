"""Read the backtest's YAML site file into a SiteSpec, naming the field of any mistake."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, time
import math
from typing import TYPE_CHECKING, Any, TypeIs

import yaml

from .backtest_site import (
    ALL_MONTHS,
    WEEKDAYS,
    DeviceSpec,
    HouseLoad,
    SiteError,
    SiteSpec,
    Tariff,
    TariffBand,
    Trip,
)

if TYPE_CHECKING:
    from pathlib import Path


def load_site(path: Path) -> SiteSpec:
    """Read and validate a YAML site file; a `house_load_file` is found relative to it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise SiteError(
            f"cannot read site file {path}: {' '.join(str(err).split())}"
        ) from err
    return site_from_mapping(data, base_dir=path.parent)


def site_from_mapping(data: Any, *, base_dir: Path) -> SiteSpec:
    """Validate a parsed YAML site description."""
    root = _mapping(data, "site")
    devices_data = root.get("devices")
    if not isinstance(devices_data, list) or not devices_data:
        raise SiteError("site: 'devices' must be a non-empty list")
    devices = tuple(
        _device(item, f"devices[{index}]") for index, item in enumerate(devices_data)
    )
    if len({device.name for device in devices}) != len(devices):
        raise SiteError("devices: names must be unique")
    return SiteSpec(
        devices=devices,
        tariff=_tariff(root.get("tariff", {})),
        house_load=_house_load(root, base_dir),
        solar=_solar(root, base_dir),
        export_allowed=_bool(root, "export_allowed", "site", default=True),
        import_limit_kw=_optional_number(root, "import_limit_kw", "site"),
        export_limit_kw=_optional_number(root, "export_limit_kw", "site"),
    )


def _device(data: Any, where: str) -> DeviceSpec:
    item = _mapping(data, where)
    power = _optional_number(item, "power_kw", where)
    efficiency = _optional_number(item, "efficiency", where)
    capacity = _number(item, "capacity_kwh", where, low=0.0, strict=True)
    soc_min = _number(item, "soc_min", where, default=0.0, low=0.0, high=1.0)
    soc_max = _number(item, "soc_max", where, default=1.0, low=soc_min, high=1.0)
    return DeviceSpec(
        name=str(item.get("name", where)),
        capacity_kwh=capacity,
        soc_min=soc_min,
        soc_max=soc_max,
        soc_start=_number(
            item, "soc_start", where, default=soc_min, low=soc_min, high=soc_max
        ),
        charge_power_kw=_number(item, "charge_power_kw", where, default=power, low=0.0),
        discharge_power_kw=_number(
            item, "discharge_power_kw", where, default=power, low=0.0
        ),
        min_power_kw=_number(item, "min_power_kw", where, default=0.0, low=0.0),
        charge_efficiency=_number(
            item,
            "charge_efficiency",
            where,
            default=efficiency,
            low=0.0,
            high=1.0,
            strict=True,
        ),
        discharge_efficiency=_number(
            item,
            "discharge_efficiency",
            where,
            default=efficiency,
            low=0.0,
            high=1.0,
            strict=True,
        ),
        wear_per_kwh=_number(item, "wear_per_kwh", where, default=0.0, low=0.0),
        trips=tuple(
            _trip(trip, f"{where}.trips[{i}]", capacity)
            for i, trip in enumerate(item.get("trips", []))
        ),
    )


def _trip(data: Any, where: str, capacity_kwh: float) -> Trip:
    item = _mapping(data, where)
    days = item.get("days", list(WEEKDAYS))
    if (
        not isinstance(days, list)
        or not days
        or any(day not in WEEKDAYS for day in days)
    ):
        raise SiteError(f"{where}.days: use a list of {', '.join(WEEKDAYS)}")
    leave, back = _time(item, "leave", where), _time(item, "back", where)
    if back <= leave:
        raise SiteError(f"{where}: 'back' must be later the same day than 'leave'")
    return Trip(
        weekdays=frozenset(WEEKDAYS.index(day) for day in days),
        leave=leave,
        back=back,
        energy_kwh=_number(item, "energy_kwh", where, low=0.0, high=capacity_kwh),
        target_soc=_number(item, "target_soc", where, default=0.0, low=0.0, high=1.0),
    )


def _tariff(data: Any) -> Tariff:
    item = _mapping(data, "tariff")
    bands = item.get("time_of_use", [])
    if not isinstance(bands, list):
        raise SiteError("tariff.time_of_use must be a list")
    return Tariff(
        buy_adder_per_kwh=_number(item, "buy_adder_per_kwh", "tariff", default=0.0),
        time_of_use=tuple(
            _band(band, f"tariff.time_of_use[{i}]") for i, band in enumerate(bands)
        ),
        vat=_number(item, "vat", "tariff", default=0.0, low=0.0, high=1.0),
        sell_fee_per_kwh=_number(item, "sell_fee_per_kwh", "tariff", default=0.0),
    )


def _band(data: Any, where: str) -> TariffBand:
    item = _mapping(data, where)
    months = item.get("months", sorted(ALL_MONTHS))
    if (
        not isinstance(months, list)
        or not months
        or any(m not in ALL_MONTHS for m in months)
    ):
        raise SiteError(f"{where}.months: use a list of month numbers 1-12")
    from_hour = int(_number(item, "from_hour", where, low=0, high=23))
    return TariffBand(
        months=frozenset(months),
        from_hour=from_hour,
        to_hour=int(_number(item, "to_hour", where, low=from_hour + 1, high=24)),
        price_per_kwh=_number(item, "price_per_kwh", where),
    )


def _house_load(root: dict[str, Any], base_dir: Path) -> HouseLoad:
    if "house_load_file" in root:
        path = base_dir / str(root["house_load_file"])
        time_column = str(root.get("house_load_time_column", "utc_timestamp"))
        column = str(root.get("house_load_column", "household_load_kwh"))
        first_hour, values = load_profile(path, time_column, column)
        return HouseLoad(year_kwh=tuple(values), first_hour=first_hour)
    value = root.get("house_load_kw", 0.0)
    values_24 = (
        [value] * 24
        if isinstance(value, int | float) and not isinstance(value, bool)
        else value
    )
    if (
        not isinstance(values_24, list)
        or len(values_24) != 24
        or not all(_is_number(v) and v >= 0 for v in values_24)
    ):
        raise SiteError(
            "house_load_kw: one number >= 0 or a list of 24 (per Danish local hour)"
        )
    return HouseLoad(hourly_kw=tuple(float(v) for v in values_24))


def _solar(root: dict[str, Any], base_dir: Path) -> HouseLoad:
    """Solar production: a recorded year of hourly kWh (`solar_file`), or none."""
    if "solar_file" not in root:
        return HouseLoad()
    first_hour, values = load_profile(
        base_dir / str(root["solar_file"]),
        str(root.get("solar_time_column", "utc_timestamp")),
        str(root.get("solar_column", "pv")),
        where="solar_file",
    )
    return HouseLoad(year_kwh=tuple(values), first_hour=first_hour)


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SiteError(f"{where}: expected a mapping")
    return data


def _is_number(value: Any) -> TypeIs[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(
    item: dict[str, Any],
    key: str,
    where: str,
    *,
    default: float | None = None,
    low: float | None = None,
    high: float | None = None,
    strict: bool = False,
) -> float:
    value = item.get(key, default)
    if not _is_number(value):
        raise SiteError(f"{where}.{key}: a number is required")
    number = float(value)
    if (low is not None and (number < low or (strict and number == low))) or (
        high is not None and number > high
    ):
        raise SiteError(f"{where}.{key}: {number} is out of range")
    return number


def _optional_number(item: dict[str, Any], key: str, where: str) -> float | None:
    return None if item.get(key) is None else _number(item, key, where, low=0.0)


def _bool(item: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise SiteError(f"{where}.{key}: true or false")
    return value


def _time(item: dict[str, Any], key: str, where: str) -> time:
    value = item.get(key)
    try:
        return (
            time.fromisoformat(str(value))
            if not isinstance(value, int)
            else _minutes(value)
        )
    except ValueError:
        raise SiteError(f"{where}.{key}: a time like '07:30' is required") from None


def _minutes(value: int) -> time:
    # YAML 1.1 reads an unquoted 07:30 as the sexagesimal number 450.
    return time(value // 60, value % 60)


def load_profile(
    path: Path, time_column: str, column: str, *, where: str = "house_load_file"
) -> tuple[datetime, list[float]]:
    """The first hour (UTC) and hourly kWh from a CSV, oldest first; blanks repeat the hour before."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as err:
        raise SiteError(f"{where}: cannot read {path}: {err}") from err
    for name in (time_column, column):
        if not rows or name not in rows[0]:
            raise SiteError(f"{where}: {path} has no column {name!r}")
    try:
        first = datetime.fromisoformat(rows[0][time_column])
    except ValueError:
        raise SiteError(
            f"{where}: {path}:2: bad time {rows[0][time_column]!r}"
        ) from None
    if first.tzinfo is None:
        raise SiteError(
            f"{where}: {path}:2: time {rows[0][time_column]!r} needs a UTC offset"
        )
    values: list[float] = []
    for line_number, row in enumerate(rows, start=2):
        cell = (row[column] or "").strip()
        value = _hourly_value(cell, values[-1] if values else 0.0)
        if value is None:
            raise SiteError(f"{where}: {path}:{line_number}: bad value {cell!r}")
        values.append(value)
    return first.astimezone(UTC), values


def _hourly_value(cell: str, before: float) -> float | None:
    """A cell's kWh (blank: the hour before; negative: 0, a meter glitch), None if not a number."""
    if not cell:
        return before
    try:
        value = float(cell)
    except ValueError:
        return None
    return max(0.0, value) if math.isfinite(value) else None
