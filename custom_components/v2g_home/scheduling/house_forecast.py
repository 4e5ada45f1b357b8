"""The house load forecast for the planner, from the house sensor's long-term statistics in the recorder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import math
from typing import TYPE_CHECKING, Literal

from homeassistant.components.recorder.history import state_changes_during_period
from homeassistant.components.recorder.statistics import (
    get_metadata,
    statistics_during_period,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfEnergy, UnitOfPower
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import EnergyConverter, PowerConverter

from ..const import CONF_HOUSE_POWER_ENTITY, DOMAIN, LOGGER
from ..planner.load_forecast import LoadForecaster, LoadSample
from ..planner.load_history import hourly_from_energy, hourly_from_power

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from ..planner.model import Slot

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


def _read_states(
    hass: HomeAssistant,
    entity_id: str,
    unit: str | None,
    start: datetime,
    end: datetime,
) -> list[LoadSample] | None:
    """Hourly kW from the recorded states (kept 10 days by default); None unless W, kW, Wh or kWh."""
    if unit in PowerConverter.VALID_UNITS:
        convert = PowerConverter.converter_factory(unit, UnitOfPower.KILO_WATT)
        hourly = hourly_from_power
    elif unit in EnergyConverter.VALID_UNITS:
        convert = EnergyConverter.converter_factory(unit, UnitOfEnergy.KILO_WATT_HOUR)
        hourly = hourly_from_energy
    else:
        return None
    states = state_changes_during_period(
        hass, start, end, entity_id, no_attributes=True
    ).get(entity_id, [])
    readings = []
    for state in states:
        try:
            value = convert(float(state.state))
        except ValueError:
            value = math.nan  # unavailable or unknown: the last reading stops holding
        readings.append((state.last_changed, value))
    return hourly(readings, end)


def _read_history(
    hass: HomeAssistant,
    entity_id: str,
    unit: str | None,
    start: datetime,
    end: datetime,
) -> list[LoadSample] | None:
    """Hourly kW from the statistics: the mean of a power sensor, the hourly change of an energy meter.

    A sensor without long-term statistics (no state class) is read from its recorded states instead.
    None when neither is in a power or energy unit.
    """
    found = get_metadata(hass, statistic_ids={entity_id}).get(entity_id)
    if found is None:
        return _read_states(hass, entity_id, unit, start, end)
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
    state = hass.states.get(entity_id)
    unit = None if state is None else state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    samples = await get_instance(hass).async_add_executor_job(
        _read_history, hass, entity_id, unit, hour - HISTORY, hour
    )
    if samples is None:
        LOGGER.warning(
            "%s has no history in W, kW, Wh or kWh; planning without the house load",
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
