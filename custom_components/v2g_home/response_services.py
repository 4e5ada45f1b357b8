"""Actions of the frequency response: hold a reserve on a device by hand, export the audit log as CSV."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import SupportsResponse, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .common.compat import vol
from .const import DOMAIN
from .control.reserve import Commitment, ReserveProduct
from .scheduling.audit_log import KEEP
from .scheduling.response_view import async_export_csv
from .services import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_DURATION,
    MAX_POWER_KW,
    invalid,
    resolve_target,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse

    from .scheduling.response import FrequencyResponder

SERVICE_SET_RESERVED_POWER = "set_reserved_power"
SERVICE_EXPORT_FREQUENCY_LOG = "export_frequency_log"
MANUAL = "manual"
ATTR_START = "start"
ATTR_END = "end"
MAX_RESERVE_DURATION = timedelta(hours=48)
PRODUCT_FIELDS = {f"{product.value}_kw": product for product in ReserveProduct}

SET_RESERVED_POWER_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        **{
            vol.Optional(field, default=0.0): vol.Coerce(float)
            for field in PRODUCT_FIELDS
        },
        vol.Optional(ATTR_DURATION, default=timedelta(hours=1)): cv.time_period,
    }
)
EXPORT_FREQUENCY_LOG_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
    }
)


def _responder(call: ServiceCall) -> tuple[FrequencyResponder, str | None]:
    target = resolve_target(call)
    responder = target.scheduler.responder
    if responder is None:  # pragma: no cover - every loaded site has one
        raise invalid("entry_not_loaded", site=target.entry.title)
    return responder, target.device_id


async def _async_set_reserved_power(call: ServiceCall) -> None:
    """Hold these kW of each product on one device from now for a while (replaces earlier manual ones)."""
    responder, device_id = _responder(call)
    if device_id is None:
        raise invalid("reserve_needs_device")
    duration: timedelta = call.data[ATTR_DURATION]
    if not timedelta(0) < duration <= MAX_RESERVE_DURATION:
        raise invalid("invalid_duration", duration=str(duration))
    now = dt_util.utcnow()
    commitments = []
    for field, product in PRODUCT_FIELDS.items():
        kw = float(call.data[field])
        if not 0 <= kw <= MAX_POWER_KW:
            raise invalid("invalid_reserve", product=product.value, power=f"{kw:g}")
        if kw > 0:
            commitments.append(
                Commitment(
                    device_id=device_id,
                    product=product,
                    kw=kw,
                    start=now,
                    end=now + duration,
                    source=MANUAL,
                )
            )
    await responder.book.async_clear(device_id=device_id, source=MANUAL, from_time=now)
    await responder.book.async_commit(commitments)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(value)


async def _async_export_frequency_log(call: ServiceCall) -> ServiceResponse:
    """Write the audit log of a site or device as CSV in the config directory; say where."""
    responder, device_id = _responder(call)
    now = dt_util.utcnow()
    end = _utc(call.data.get(ATTR_END, now))
    start = _utc(call.data.get(ATTR_START, end - timedelta(days=1)))
    if not start < end or end - start > KEEP:
        raise invalid("invalid_log_range", start=start.isoformat(), end=end.isoformat())
    devices = [device_id] if device_id is not None else list(responder.tracks)
    result: dict[str, Any] = await async_export_csv(responder, devices, start, end)
    return result


@callback
def async_setup_response_services(hass: HomeAssistant) -> None:
    """Register the frequency response's actions once for all sites."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_RESERVED_POWER,
        _async_set_reserved_power,
        schema=SET_RESERVED_POWER_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_FREQUENCY_LOG,
        _async_export_frequency_log,
        schema=EXPORT_FREQUENCY_LOG_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
