"""Actions an aggregator's integration drives: accepted reserve bids, and dispatches on top of the plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .common.compat import vol
from .const import DOMAIN
from .control.dispatch import Dispatch
from .control.reserve_settings import HA_PRODUCTS
from .planner.reserve_blocks import block_span
from .planner.reserve_model import ReserveCommitment
from .planner.reserve_products import PRODUCTS
from .scheduling.drive import async_apply_dispatch
from .services import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_DURATION,
    ATTR_POWER_KW,
    MAX_POWER_KW,
    invalid,
    resolve_target,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall

    from .services import ServiceTarget

SERVICE_COMMIT_RESERVE = "commit_reserve"
SERVICE_DISPATCH = "dispatch"
ATTR_PRODUCT = "product"
ATTR_START = "start"
ATTR_HOURS = "hours"
MAX_HOURS = 48
MAX_DISPATCH = timedelta(hours=1)

COMMIT_RESERVE_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_PRODUCT): vol.In(HA_PRODUCTS),
        vol.Required(ATTR_START): cv.datetime,
        vol.Required(ATTR_HOURS): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_HOURS)
        ),
        vol.Required(ATTR_POWER_KW): vol.Coerce(float),
    }
)
DISPATCH_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_POWER_KW): vol.Coerce(float),
        vol.Required(ATTR_DURATION): cv.time_period,
    }
)


def _holder(target: ServiceTarget) -> str:
    """The device that holds the reserve: the one named, else the site's only device."""
    if target.device_id is not None:
        return target.device_id
    devices = list(target.scheduler.devices)
    if len(devices) != 1:
        raise invalid("reserve_needs_device")
    return devices[0]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(value)


async def _async_commit_reserve(call: ServiceCall) -> None:
    """Hold `power_kw` of a product for whole hours (bid blocks) from `start`, in every later plan."""
    target = resolve_target(call)
    reserves = target.scheduler.reserves
    key: str = call.data[ATTR_PRODUCT]
    if reserves is None or not reserves.settings.enabled:
        raise invalid("reserves_off", site=target.entry.title)
    if key not in reserves.settings.products:
        raise invalid("reserve_not_offered", product=PRODUCTS[key].name)
    kw = float(call.data[ATTR_POWER_KW])
    if not 0 < kw <= MAX_POWER_KW:
        raise invalid("invalid_reserve", power=f"{kw:g}")
    product = PRODUCTS[key]
    start = _utc(call.data[ATTR_START])
    end = start + timedelta(hours=int(call.data[ATTR_HOURS]))
    if (
        block_span(product, start)[0] != start
        or block_span(product, end - timedelta(seconds=1))[1] != end
    ):
        raise invalid("reserve_not_whole_blocks", product=product.name)
    if end <= dt_util.utcnow():
        raise invalid("reserve_in_the_past")
    device_id = _holder(target)
    await reserves.book.async_commit(
        ReserveCommitment(
            device_id=device_id,
            product=key,
            start=start + timedelta(hours=hour),
            end=start + timedelta(hours=hour + 1),
            kw=kw,
        )
        for hour in range(int(call.data[ATTR_HOURS]))
    )


async def _async_dispatch(call: ServiceCall) -> None:
    """Add a signed power (+ charge, - export) to the plan's setpoint now, for a while."""
    target = resolve_target(call)
    if target.device_id is None:
        raise invalid("reserve_needs_device")
    offset = float(call.data[ATTR_POWER_KW])
    if not (0 < abs(offset) <= MAX_POWER_KW):
        raise invalid("invalid_dispatch", power=f"{offset:g}")
    duration: timedelta = call.data[ATTR_DURATION]
    if not timedelta(0) < duration <= MAX_DISPATCH:
        raise invalid("invalid_dispatch_duration", duration=str(duration))
    dispatch = Dispatch(offset_kw=offset, until=dt_util.utcnow() + duration)
    await async_apply_dispatch(target.scheduler, target.device_id, dispatch)


@callback
def async_setup_reserve_services(hass: HomeAssistant) -> None:
    """Register the reserve actions once for all sites."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_COMMIT_RESERVE,
        _async_commit_reserve,
        schema=COMMIT_RESERVE_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_DISPATCH, _async_dispatch, schema=DISPATCH_SCHEMA
    )
