"""Actions: force export or charge for a while, set the next departure, and get the plan; whom they are for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import SupportsResponse, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util

from .common.actions import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID, invalid, local_to_utc
from .common.compat import vol
from .const import DEFAULT_CHARGE_POWER_KW, DOMAIN, SUBENTRY_CHARGER
from .coordinators.keys import device_identifiers
from .grid.actions import async_setup_response_actions
from .grid.aggregator_actions import AggregatorTarget, async_setup_aggregator_actions
from .runtime import V2GConfigEntry
from .scheduling.scheduler import Scheduler

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse

    from .grid.responder import FrequencyResponder


@dataclass(frozen=True, kw_only=True)
class ServiceTarget:
    """A loaded site, its scheduler, and the device (subentry id) or None for every device."""

    entry: V2GConfigEntry
    scheduler: Scheduler
    device_id: str | None

    @property
    def is_car(self) -> bool:
        """Whether the target is one charger with its car (not a pack, not the whole site)."""
        subentry = self.entry.subentries.get(self.device_id or "")
        return subentry is not None and subentry.subentry_type == SUBENTRY_CHARGER


def _entry_of_device(hass: HomeAssistant, device_id: str) -> tuple[str, str | None]:
    """The site's entry id and the device's subentry id (None for the site device).

    Found from the device's own identifiers, which read the same on every Home Assistant version (HA 2026.8
    replaced `config_entries_subentries` with one entry per device).
    """
    device = dr.async_get(hass).async_get(device_id)
    keys = (
        set()
        if device is None
        else {key for domain, key in device.identifiers if domain == DOMAIN}
    )
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id in keys:
            return entry.entry_id, None
        for subentry_id, subentry in entry.subentries.items():
            if keys & device_identifiers(subentry):
                return entry.entry_id, subentry_id
    raise invalid("device_not_found", device_id=device_id)


def _only_site(hass: HomeAssistant) -> str:
    entries = hass.config_entries.async_entries(DOMAIN)
    if len(entries) != 1:
        raise invalid("site_required")
    return entries[0].entry_id


def resolve_target(call: ServiceCall) -> ServiceTarget:
    """The site and device the call names; raise a translated error when they are wrong or not loaded."""
    hass = call.hass
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    device_id: str | None = None
    if device := call.data.get(ATTR_DEVICE_ID):
        device_entry_id, device_id = _entry_of_device(hass, device)
        if entry_id is not None and entry_id != device_entry_id:
            raise invalid("device_not_in_site", device_id=device)
        entry_id = device_entry_id
    if entry_id is None:
        entry_id = _only_site(hass)
    entry: V2GConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise invalid("entry_not_loaded", site=entry.title)
    return ServiceTarget(
        entry=entry, scheduler=entry.runtime_data.scheduler, device_id=device_id
    )


SERVICE_FORCE_EXPORT = "force_export"
SERVICE_FORCE_CHARGE = "force_charge"
SERVICE_SET_DEPARTURE = "set_departure"
SERVICE_GET_PLAN = "get_plan"

ATTR_POWER_KW = "power_kw"
ATTR_DURATION = "duration"
ATTR_TARGET_SOC = "target_soc"
ATTR_TIME = "time"
ATTR_DATETIME = "datetime"

MAX_POWER_KW = 50.0  # far above any home connection: catches W typed as kW
MAX_DURATION = timedelta(hours=24)

_TARGET_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Optional(ATTR_DEVICE_ID): cv.string,
}
FORCE_EXPORT_SCHEMA = vol.Schema(
    {
        **_TARGET_FIELDS,
        vol.Required(ATTR_POWER_KW): vol.Coerce(float),
        vol.Required(ATTR_DURATION): cv.time_period,
    }
)
FORCE_CHARGE_SCHEMA = vol.Schema(
    {
        **_TARGET_FIELDS,
        vol.Optional(ATTR_POWER_KW): vol.Coerce(float),
        vol.Optional(ATTR_TARGET_SOC): vol.Coerce(float),
        vol.Required(ATTR_DURATION): cv.time_period,
    }
)
SET_DEPARTURE_SCHEMA = vol.Schema(
    {
        **_TARGET_FIELDS,
        vol.Optional(ATTR_TIME): cv.time,
        vol.Optional(ATTR_DATETIME): cv.datetime,
        vol.Required(ATTR_TARGET_SOC): vol.Coerce(float),
    }
)
GET_PLAN_SCHEMA = vol.Schema(_TARGET_FIELDS)


def _power_kw(value: float) -> float:
    if not 0 < value <= MAX_POWER_KW:
        raise invalid("invalid_power", power=f"{value:g}", maximum=f"{MAX_POWER_KW:g}")
    return value


def _target_soc_pct(value: float) -> float:
    if not 0 < value <= 100:
        raise invalid("invalid_target_soc", target_soc=f"{value:g}")
    return value


def _until(duration: timedelta) -> datetime:
    if not timedelta(0) < duration <= MAX_DURATION:
        raise invalid("invalid_duration", duration=str(duration))
    return dt_util.utcnow() + duration


def _departure(call: ServiceCall) -> datetime:
    """The departure as UTC: the next time this time of day comes, or the given date and time."""
    at_time: time | None = call.data.get(ATTR_TIME)
    at_datetime: datetime | None = call.data.get(ATTR_DATETIME)
    now = dt_util.now()
    if at_time is not None and at_datetime is None:
        when = now.replace(
            hour=at_time.hour,
            minute=at_time.minute,
            second=at_time.second,
            microsecond=0,
        )
        if when <= now:
            when += timedelta(
                days=1
            )  # wall-clock arithmetic: still that time across DST
        return dt_util.as_utc(when)
    if at_datetime is None or at_time is not None:
        raise invalid("departure_time_required")
    when = local_to_utc(at_datetime)
    if when <= now:
        raise invalid("departure_in_past", departure=dt_util.as_local(when).isoformat())
    return when


async def _async_force_export(call: ServiceCall) -> None:
    """Export at this power (per device) for this long, whatever the plan says."""
    target = resolve_target(call)
    if not target.scheduler.settings.export_allowed:
        raise invalid("export_not_allowed")
    await target.scheduler.async_force(
        device_id=target.device_id,
        power_kw=-_power_kw(call.data[ATTR_POWER_KW]),
        until=_until(call.data[ATTR_DURATION]),
    )


async def _async_force_charge(call: ServiceCall) -> None:
    """Charge at this power for this long, or until the target SoC is reached."""
    target = resolve_target(call)
    power: float | None = call.data.get(ATTR_POWER_KW)
    target_soc: float | None = call.data.get(ATTR_TARGET_SOC)
    if power is None and target_soc is None:
        raise invalid("power_or_target_required")
    await target.scheduler.async_force(
        device_id=target.device_id,
        power_kw=_power_kw(DEFAULT_CHARGE_POWER_KW if power is None else power),
        until=_until(call.data[ATTR_DURATION]),
        target_soc_pct=None if target_soc is None else _target_soc_pct(target_soc),
    )


async def _async_set_departure(call: ServiceCall) -> None:
    """The car leaves at this time with at least this SoC (one trip; the daily setting stays)."""
    target = resolve_target(call)
    if target.device_id is not None and not target.is_car:
        raise invalid("departure_needs_car")
    target_soc = _target_soc_pct(call.data[ATTR_TARGET_SOC])
    await target.scheduler.async_set_departure(
        device_id=target.device_id, when=_departure(call), target_soc_pct=target_soc
    )


async def _async_get_plan(call: ServiceCall) -> ServiceResponse:
    """The site's current plan: slots with prices and every device's setpoint and SoC, totals."""
    return resolve_target(call).scheduler.plan_as_dict()


def _responder_of(call: ServiceCall) -> tuple[FrequencyResponder, str | None]:
    """The frequency response of the site the call names, and the device (None: the site)."""
    target = resolve_target(call)
    return target.entry.runtime_data.responder, target.device_id


def _aggregator_target_of(call: ServiceCall) -> AggregatorTarget:
    """The site the call names (its scheduler and frequency response) and the device."""
    target = resolve_target(call)
    return AggregatorTarget(
        site=target.entry.title,
        scheduler=target.scheduler,
        responder=target.entry.runtime_data.responder,
        device_id=target.device_id,
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for all sites (they name the site or device they are for)."""
    hass.services.async_register(
        DOMAIN, SERVICE_FORCE_EXPORT, _async_force_export, schema=FORCE_EXPORT_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_FORCE_CHARGE, _async_force_charge, schema=FORCE_CHARGE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_DEPARTURE, _async_set_departure, schema=SET_DEPARTURE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PLAN,
        _async_get_plan,
        schema=GET_PLAN_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    async_setup_response_actions(hass, _responder_of)
    async_setup_aggregator_actions(hass, _aggregator_target_of)
