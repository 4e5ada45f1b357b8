"""The house load forecast for the planner, from the house sensor's long-term statistics in the recorder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from homeassistant.components.recorder.statistics import (
    get_metadata,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import EnergyConverter, PowerConverter

from .const import CONF_HOUSE_POWER_ENTITY, DOMAIN, LOGGER
from .planner.load_forecast import LoadForecaster, LoadSample

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .planner.model import Slot

HISTORY = timedelta(weeks=6)
KILOWATTS: dict[str, str] = {
    PowerConverter.UNIT_CLASS: UnitOfPower.KILO_WATT,
    EnergyConverter.UNIT_CLASS: UnitOfEnergy.KILO_WATT_HOUR,
}


@dataclass(frozen=True, kw_only=True)
class _CachedForecaster:
    hour: datetime
    forecaster: LoadForecaster | None


CACHE: HassKey[dict[str, _CachedForecaster]] = HassKey(f"{DOMAIN}_house_load")


def _read_history(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[LoadSample] | None:
    """Hourly kW from the statistics: the mean of a power sensor, the hourly change of an energy meter.

    None when the sensor has no long-term statistics in a power or energy unit (no state class).
    """
    found = get_metadata(hass, statistic_ids={entity_id}).get(entity_id)
    if found is None:
        return None
    metadata = found[1]
    unit = metadata["unit_of_measurement"]
    kind: Literal["change", "mean"]
    if metadata["has_sum"] and unit in EnergyConverter.VALID_UNITS:
        kind = "change"  # kWh in one hour is that hour's average kW
    elif not metadata["has_sum"] and unit in PowerConverter.VALID_UNITS:
        kind = "mean"
    else:
        return None
    rows = statistics_during_period(
        hass, start, end, {entity_id}, "hour", KILOWATTS, {kind}
    ).get(entity_id, [])
    return [
        LoadSample(start=dt_util.utc_from_timestamp(row["start"]), power_kw=value)
        for row in rows
        if (value := row.get(kind)) is not None
    ]


async def _async_forecaster(
    hass: HomeAssistant, entity_id: str
) -> LoadForecaster | None:
    """The forecaster for this hour: the recorder is read at most once an hour per sensor."""
    hour = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    cache = hass.data.setdefault(CACHE, {})
    cached = cache.get(entity_id)
    if cached is not None and cached.hour == hour:
        return cached.forecaster
    samples = await get_instance(hass).async_add_executor_job(
        _read_history, hass, entity_id, hour - HISTORY, hour
    )
    if samples is None:
        LOGGER.warning(
            "%s has no long-term statistics in W, kW or kWh (does it have a state class?); "
            "planning without the house load",
            entity_id,
        )
    forecaster = LoadForecaster(samples) if samples else None
    cache[entity_id] = _CachedForecaster(hour=hour, forecaster=forecaster)
    return forecaster


async def forecast_house_load(
    hass: HomeAssistant, entry: ConfigEntry, slots: Sequence[Slot]
) -> list[float] | None:
    """The house's forecast average power (kW) per slot; None without a house sensor or its history."""
    entity_id = entry.options.get(CONF_HOUSE_POWER_ENTITY)
    if not entity_id:
        return None
    forecaster = await _async_forecaster(hass, str(entity_id))
    if forecaster is None:
        return None
    return [forecaster.power_kw(slot.start) for slot in slots]


def house_forecast_provider(
    entry: ConfigEntry,
) -> Callable[[HomeAssistant, Sequence[Slot]], Awaitable[list[float] | None]]:
    """The scheduler's `house_forecast_provider` for this site."""

    async def provide(hass: HomeAssistant, slots: Sequence[Slot]) -> list[float] | None:
        return await forecast_house_load(hass, entry, slots)

    return provide
