"""Grid time-of-use tariffs: presets loaded from YAML data files and custom tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
import re
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import yaml

from .models import PriceError

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
PRESET_DIR = Path(__file__).parent / "tariffs"
_CUSTOM_LINE = re.compile(
    r"^\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*[=:]?\s*(-?\d+(?:[.,]\d+)?)\s*$"
)


class TariffError(PriceError):
    """A tariff preset or a custom time-of-use table is invalid."""


class GridRate(Protocol):
    """Anything that gives the grid tariff (DKK/kWh excl. VAT) for an instant: a preset, a table, a template."""

    @property
    def name(self) -> str:
        """Shown to the user."""

    @property
    def valid_to(self) -> date | None:
        """The first day the rates are no longer sourced, if known."""

    def rate_per_kwh(self, when: datetime) -> float:
        """Return the grid tariff for an instant."""

    def holds_on(self, day: date) -> bool:
        """Tell whether the rates are sourced for the Danish day."""


@dataclass(frozen=True, kw_only=True)
class RatePeriod:
    """Rates per level (DKK/kWh excl. VAT) that hold from a date until the next period."""

    valid_from: date
    rate_per_kwh_by_level: Mapping[str, float]


@dataclass(frozen=True, kw_only=True)
class GridTariff:
    """A grid company's time-of-use tariff: the level of every local hour, and rates by date."""

    id: str
    name: str
    source: str
    level_by_hour: tuple[str, ...]
    periods: tuple[RatePeriod, ...]
    valid_to: date | None = None
    gln: str | None = None
    charge_code: str | None = None

    def rate_per_kwh(self, when: datetime) -> float:
        """Return the grid tariff (DKK/kWh excl. VAT) for an instant, judged in Danish time."""
        local = when.astimezone(DANISH_TIME)
        period = self.periods[0]
        for candidate in self.periods:
            if candidate.valid_from <= local.date():
                period = candidate
        return period.rate_per_kwh_by_level[self.level_by_hour[local.hour]]

    def holds_on(self, day: date) -> bool:
        """Tell whether the preset's sourced rates cover the day."""
        after_start = self.periods[0].valid_from <= day
        return after_start and (self.valid_to is None or day < self.valid_to)


def _level_by_hour(bands: Any, where: str) -> tuple[str, ...]:
    if not isinstance(bands, Mapping) or not bands:
        raise TariffError(f"{where}: 'bands' must map levels to hour ranges")
    levels: list[str | None] = [None] * 24
    for level, ranges in bands.items():
        if not isinstance(ranges, list):
            raise TariffError(
                f"{where}: bands.{level} must be a list of [start, end] hours"
            )
        for hour_range in ranges:
            if not (
                isinstance(hour_range, list)
                and len(hour_range) == 2
                and all(isinstance(h, int) for h in hour_range)
            ):
                raise TariffError(
                    f"{where}: bands.{level} has {hour_range!r}, expected [start, end]"
                )
            start, end = hour_range
            if not 0 <= start < end <= 24:
                raise TariffError(
                    f"{where}: bands.{level} range {hour_range!r} is outside 0-24"
                )
            for hour in range(start, end):
                if levels[hour] is not None:
                    raise TariffError(f"{where}: hour {hour} is in two bands")
                levels[hour] = str(level)
    if None in levels:
        raise TariffError(f"{where}: hour {levels.index(None)} is in no band")
    return tuple(level for level in levels if level is not None)


def _periods(rates: Any, levels: set[str], where: str) -> tuple[RatePeriod, ...]:
    if not isinstance(rates, list) or not rates:
        raise TariffError(f"{where}: 'rates' must be a non-empty list")
    periods: list[RatePeriod] = []
    for row in rates:
        if not isinstance(row, Mapping) or not isinstance(row.get("valid_from"), date):
            raise TariffError(
                f"{where}: every rate needs valid_from as a date (YYYY-MM-DD)"
            )
        values = {level: row.get(level) for level in levels}
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool)
            for v in values.values()
        ):
            raise TariffError(
                f"{where}: rate from {row['valid_from']} needs numbers for {sorted(levels)}"
            )
        periods.append(
            RatePeriod(
                valid_from=row["valid_from"],
                rate_per_kwh_by_level={
                    k: float(v) for k, v in values.items() if v is not None
                },
            )
        )
    periods.sort(key=lambda p: p.valid_from)
    return tuple(periods)


def parse_preset(data: Any, where: str) -> GridTariff:
    """Validate one preset's YAML data into a GridTariff (TariffError names the field)."""
    if not isinstance(data, Mapping):
        raise TariffError(f"{where}: expected a mapping")
    for key in ("id", "name", "source"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise TariffError(f"{where}: '{key}' must be a non-empty text")
    valid_to = data.get("valid_to")
    if valid_to is not None and not isinstance(valid_to, date):
        raise TariffError(f"{where}: 'valid_to' must be a date")
    level_by_hour = _level_by_hour(data.get("bands"), where)
    return GridTariff(
        id=data["id"],
        name=data["name"],
        source=" ".join(data["source"].split()),
        level_by_hour=level_by_hour,
        periods=_periods(data.get("rates"), set(level_by_hour), where),
        valid_to=valid_to,
        gln=str(data["gln"]) if data.get("gln") else None,
        charge_code=str(data["charge_code"]) if data.get("charge_code") else None,
    )


def load_preset_file(path: Path) -> GridTariff:
    """Read and validate one preset file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise TariffError(f"{path.name}: cannot read ({err})") from err
    return parse_preset(data, path.name)


@cache
def available_presets() -> dict[str, GridTariff]:
    """Return the shipped presets by id (read once; call from an executor or at import)."""
    presets = (load_preset_file(path) for path in sorted(PRESET_DIR.glob("*.yaml")))
    return {preset.id: preset for preset in presets}


def parse_custom_table(text: str) -> GridTariff:
    """Parse a custom time-of-use table: one 'HH-HH price' line per band, Danish local hours, DKK/kWh."""
    rates: list[float | None] = [None] * 24
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _CUSTOM_LINE.match(line)
        if match is None:
            raise TariffError(
                f"line {number}: expected 'HH-HH price', e.g. '17-21 0.8788'"
            )
        start, end = int(match[1]), int(match[2])
        if not 0 <= start < end <= 24:
            raise TariffError(
                f"line {number}: hours must satisfy 0 <= start < end <= 24"
            )
        for hour in range(start, end):
            if rates[hour] is not None:
                raise TariffError(f"line {number}: hour {hour} is given twice")
            rates[hour] = float(match[3].replace(",", "."))
    if None in rates:
        raise TariffError(f"hour {rates.index(None)} has no price; cover 0-24")
    levels = tuple(f"h{hour:02d}" for hour in range(24))
    return GridTariff(
        id="custom",
        name="Custom",
        source="user's own table",
        level_by_hour=levels,
        periods=(
            RatePeriod(
                valid_from=date.min,
                rate_per_kwh_by_level={
                    lvl: r
                    for lvl, r in zip(levels, rates, strict=True)
                    if r is not None
                },
            ),
        ),
    )
