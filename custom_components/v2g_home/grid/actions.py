"""Actions of the frequency response: hold a reserve on a device by hand, export the audit log as CSV.

The top layer (services.py) registers them with a function that finds the responder of the site a
call names and the device (`ResponderOf`), so nothing here reads a config entry's runtime data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import SupportsResponse, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ..common.actions import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    invalid,
    local_to_utc,
)
from ..common.compat import vol
from ..common.site import price_area
from ..const import DOMAIN
from ..control.reserve import (
    FREQUENCY_PRODUCTS,
    Commitment,
    ReserveProduct,
    area_products,
)
from .audit_log import KEEP
from .view import async_export_csv

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse

    from .responder import FrequencyResponder

type ResponderOf = Callable[[ServiceCall], tuple[FrequencyResponder, str | None]]

SERVICE_SET_RESERVED_POWER = "set_reserved_power"
SERVICE_EXPORT_FREQUENCY_LOG = "export_frequency_log"
MANUAL = "manual"  # the source of commitments made by this action
ATTR_DURATION = "duration"
ATTR_START = "start"
ATTR_END = "end"
MAX_RESERVE_KW = 50.0  # far above any home connection: catches W typed as kW
MAX_RESERVE_DURATION = timedelta(hours=48)
PRODUCT_FIELDS = {f"{product.value}_kw": product for product in FREQUENCY_PRODUCTS}

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


def refuse_undeliverable(
    responder: FrequencyResponder,
    device_id: str,
    products: Iterable[ReserveProduct],
) -> None:
    """Refuse, with the reason, a frequency product the device cannot deliver at its speed."""
    offers = {offer.product: offer for offer in responder.offers(device_id)}
    name = responder.scheduler.names().get(device_id, device_id)
    for product in products:
        offer = offers.get(product)
        if offer is not None and not offer.able:
            reason = offer.reason or "too_slow"
            raise invalid(f"reserve_{reason}", device=name, product=product.value)


async def async_set_reserved_power(
    responder: FrequencyResponder, device_id: str | None, data: Mapping[str, Any]
) -> None:
    """Hold these kW of each product on one device from now for a while; all 0 ends what was set by hand.

    A product not sold in the site's price area, or one the device cannot deliver at the speed it
    demands, is refused with the reason.
    """
    if device_id is None:
        raise invalid("reserve_needs_device")
    duration: timedelta = data[ATTR_DURATION]
    if not timedelta(0) < duration <= MAX_RESERVE_DURATION:
        raise invalid("invalid_duration", duration=str(duration))
    wanted = {product: float(data[field]) for field, product in PRODUCT_FIELDS.items()}
    for product, kw in wanted.items():
        if not 0 <= kw <= MAX_RESERVE_KW:
            raise invalid("invalid_reserve", product=product.value, power=f"{kw:g}")
    held = [product for product, kw in wanted.items() if kw > 0]
    area = price_area(responder.entry)
    for product in held:
        if product not in area_products(area):
            raise invalid("reserve_not_in_area", product=product.value, area=area)
    refuse_undeliverable(responder, device_id, held)
    now = dt_util.utcnow()
    await responder.book.async_replace(
        [
            Commitment(
                device_id=device_id,
                product=product,
                kw=kw,
                start=now,
                end=now + duration,
                source=MANUAL,
            )
            for product, kw in wanted.items()
            if kw > 0
        ],
        source=MANUAL,
        device_id=device_id,
        from_time=now,
    )


async def async_export_frequency_log(
    responder: FrequencyResponder, device_id: str | None, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Write the audit log of a site or device as CSV in the config directory; say where (last day by default)."""
    end = local_to_utc(data.get(ATTR_END, dt_util.utcnow()))
    start = local_to_utc(data.get(ATTR_START, end - timedelta(days=1)))
    if not start < end or end - start > KEEP:
        raise invalid("invalid_log_range", start=start.isoformat(), end=end.isoformat())
    devices = [device_id] if device_id is not None else list(responder.tracks)
    return await async_export_csv(responder, devices, start, end)


@callback
def async_setup_response_actions(
    hass: HomeAssistant, responder_of: ResponderOf
) -> None:
    """Register the frequency response's actions once for all sites."""

    async def set_reserved_power(call: ServiceCall) -> None:
        await async_set_reserved_power(*responder_of(call), call.data)

    async def export_frequency_log(call: ServiceCall) -> ServiceResponse:
        result: dict[str, Any] = await async_export_frequency_log(
            *responder_of(call), call.data
        )
        return result

    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_RESERVED_POWER,
        set_reserved_power,
        schema=SET_RESERVED_POWER_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_FREQUENCY_LOG,
        export_frequency_log,
        schema=EXPORT_FREQUENCY_LOG_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
