"""The house, solar and grid export sensors the ledger reads, as power in kW at a given moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfEnergy, UnitOfPower
from homeassistant.core import Event, EventStateChangedData, State, callback
from homeassistant.helpers.event import async_track_state_change_event

from ..const import (
    CONF_GRID_METER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    CONF_SOLAR_POWER_ENTITY,
)
from ..planner.accounting import discharge_share

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.core import HomeAssistant

    from .device_flows import DeviceSample

POWER_TO_KW: dict[str | None, float] = {
    UnitOfPower.WATT: 0.001,
    UnitOfPower.KILO_WATT: 1.0,
}
ENERGY_TO_KWH: dict[str | None, float] = {
    UnitOfEnergy.WATT_HOUR: 0.001,
    UnitOfEnergy.KILO_WATT_HOUR: 1.0,
    UnitOfEnergy.MEGA_WATT_HOUR: 1000.0,
}
# An energy counter that has not moved for this long means nothing flows.
COUNTER_STALL = timedelta(minutes=5)


def _number(state: State | None) -> float | None:
    if state is None:
        return None
    try:
        return float(state.state)
    except ValueError:
        return None


class MeterReader:
    """A power sensor read as is, or an energy counter turned into power from its last two changes."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Track the entity; nothing is known until it reports a number."""
        self.hass = hass
        self.entity_id = entity_id
        self._last_count: tuple[datetime, float] | None = None
        self._counter_kw: float | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @callback
    def async_start(self) -> None:
        """Follow the counter's changes (a power sensor is simply read when needed)."""
        self._note_count(self.hass.states.get(self.entity_id))
        self._unsubscribe = async_track_state_change_event(
            self.hass, self.entity_id, self._on_change
        )

    @callback
    def async_stop(self) -> None:
        """Stop following the entity."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @callback
    def _on_change(self, event: Event[EventStateChangedData]) -> None:
        self._note_count(event.data["new_state"])

    def _note_count(self, state: State | None) -> None:
        value = _number(state)
        if state is None or value is None:
            return
        factor = ENERGY_TO_KWH.get(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))
        if factor is None:
            return
        count = (state.last_updated, value * factor)
        previous, self._last_count = self._last_count, count
        if previous is None:
            return
        hours = (count[0] - previous[0]).total_seconds() / 3600
        delta = count[1] - previous[1]
        # A counter that went backwards was reset: its rate is unknown until it moves again.
        self._counter_kw = delta / hours if hours > 0 and delta >= 0 else None

    def power_kw(self, now: datetime) -> float | None:
        """Power in kW now; None when the sensor is unavailable or not power or energy."""
        state = self.hass.states.get(self.entity_id)
        value = _number(state)
        if state is None or value is None:
            return None
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        if (factor := POWER_TO_KW.get(unit)) is not None:
            return value * factor
        if unit not in ENERGY_TO_KWH or self._last_count is None:
            return None
        if now - self._last_count[0] > COUNTER_STALL:
            return 0.0
        return self._counter_kw


def with_house(
    device_id: str,
    sample: DeviceSample,
    samples: Mapping[str, DeviceSample],
    meters: Mapping[str, MeterReader],
) -> DeviceSample:
    """Attach this device's share of the home's need and of the measured export."""

    def kw(key: str) -> float | None:
        meter = meters.get(key)
        return None if meter is None else meter.power_kw(sample.at)

    powers = [
        sample.power_kw if other == device_id else other_sample.power_kw
        for other, other_sample in ({device_id: sample} | dict(samples)).items()
    ]
    share = discharge_share(sample.power_kw, powers)
    export_kw = kw(CONF_GRID_METER_ENTITY)
    house_kw = kw(CONF_HOUSE_POWER_ENTITY)
    home_kw = None
    if house_kw is not None:
        solar_kw = kw(CONF_SOLAR_POWER_ENTITY) or 0.0
        home_kw = max(house_kw - max(solar_kw, 0.0), 0.0) * share
    return replace(
        sample,
        home_kw=home_kw,
        export_kw=None if export_kw is None else max(export_kw, 0.0) * share,
    )


def meters_from(
    hass: HomeAssistant, settings: Mapping[str, Any]
) -> dict[str, MeterReader]:
    """A reader for each house sensor the site's options name (house, solar, grid meter)."""
    return {
        key: MeterReader(hass, entity_id)
        for key in (
            CONF_HOUSE_POWER_ENTITY,
            CONF_SOLAR_POWER_ENTITY,
            CONF_GRID_METER_ENTITY,
        )
        if (entity_id := settings.get(key))
    }
