"""Actions an aggregator's integration drives: accepted reserve bids, and dispatches on top of the plan.

Accepted bids go to the site's one reservation book (scheduling/reservations.py): every later plan
holds them as headroom and the frequency response delivers the FCR products among them. A frequency
product the device cannot deliver at its speed is refused, as `set_reserved_power` refuses it. The top
layer (services.py) registers the actions with a function that finds the site and device a call names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ..common.actions import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    invalid,
    local_to_utc,
)
from ..common.compat import vol
from ..const import DOMAIN
from ..control.dispatch import Dispatch
from ..control.reserve import Commitment, ReserveProduct
from ..control.reserve_settings import HA_PRODUCTS
from ..planner.reserve_blocks import block_span
from ..planner.reserve_products import PRODUCTS
from ..scheduling.drive import async_apply_dispatch
from ..scheduling.reservations import SOURCE_AGGREGATOR
from ..scheduling.scheduler import Scheduler
from .actions import ATTR_DURATION, MAX_RESERVE_KW, refuse_undeliverable
from .responder import FrequencyResponder

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.core import HomeAssistant, ServiceCall

SERVICE_COMMIT_RESERVE = "commit_reserve"
SERVICE_DISPATCH = "dispatch"
ATTR_PRODUCT = "product"
ATTR_START = "start"
ATTR_HOURS = "hours"
ATTR_POWER_KW = "power_kw"
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


@dataclass(frozen=True, kw_only=True)
class AggregatorTarget:
    """The site a call names (its title, scheduler and frequency response) and the device, if any."""

    site: str
    scheduler: Scheduler
    responder: FrequencyResponder
    device_id: str | None


type AggregatorTargetOf = Callable[[ServiceCall], AggregatorTarget]


def _holder(target: AggregatorTarget) -> str:
    """The device that holds the reserve: the one named, else the site's only device."""
    if target.device_id is not None:
        return target.device_id
    devices = list(target.scheduler.devices)
    if len(devices) != 1:
        raise invalid("reserve_needs_device")
    return devices[0]


async def async_commit_reserve(
    target: AggregatorTarget, data: Mapping[str, Any]
) -> None:
    """Hold `power_kw` of a product for whole hours (bid blocks) from `start`, in every later plan."""
    reserves = target.scheduler.reserves
    key: str = data[ATTR_PRODUCT]
    if reserves is None or not reserves.settings.enabled:
        raise invalid("reserves_off", site=target.site)
    if key not in reserves.settings.products:
        raise invalid("reserve_not_offered", product=PRODUCTS[key].name)
    kw = float(data[ATTR_POWER_KW])
    if not 0 < kw <= MAX_RESERVE_KW:
        raise invalid("invalid_reserve", product=key, power=f"{kw:g}")
    product = PRODUCTS[key]
    start = local_to_utc(data[ATTR_START])
    hours = int(data[ATTR_HOURS])
    end = start + timedelta(hours=hours)
    if (
        block_span(product, start)[0] != start
        or block_span(product, end - timedelta(seconds=1))[1] != end
    ):
        raise invalid("reserve_not_whole_blocks", product=product.name)
    if end <= dt_util.utcnow():
        raise invalid("reserve_in_the_past")
    device_id = _holder(target)
    refuse_undeliverable(target.responder, device_id, [ReserveProduct(key)])
    await reserves.book.async_commit(
        Commitment(
            device_id=device_id,
            product=ReserveProduct(key),
            kw=kw,
            start=start + timedelta(hours=hour),
            end=start + timedelta(hours=hour + 1),
            source=SOURCE_AGGREGATOR,
        )
        for hour in range(hours)
    )


async def async_dispatch(target: AggregatorTarget, data: Mapping[str, Any]) -> None:
    """Add a signed power (+ charge, - export) to the plan's setpoint now, for a while."""
    if target.device_id is None:
        raise invalid("reserve_needs_device")
    offset = float(data[ATTR_POWER_KW])
    if not 0 < abs(offset) <= MAX_RESERVE_KW:
        raise invalid("invalid_dispatch", power=f"{offset:g}")
    duration: timedelta = data[ATTR_DURATION]
    if not timedelta(0) < duration <= MAX_DISPATCH:
        raise invalid("invalid_dispatch_duration", duration=str(duration))
    dispatch = Dispatch(offset_kw=offset, until=dt_util.utcnow() + duration)
    await async_apply_dispatch(target.scheduler, target.device_id, dispatch)


@callback
def async_setup_aggregator_actions(
    hass: HomeAssistant, target_of: AggregatorTargetOf
) -> None:
    """Register the aggregator's actions once for all sites."""

    async def commit_reserve(call: ServiceCall) -> None:
        await async_commit_reserve(target_of(call), call.data)

    async def dispatch(call: ServiceCall) -> None:
        await async_dispatch(target_of(call), call.data)

    hass.services.async_register(
        DOMAIN, SERVICE_COMMIT_RESERVE, commit_reserve, schema=COMMIT_RESERVE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_DISPATCH, dispatch, schema=DISPATCH_SCHEMA
    )
