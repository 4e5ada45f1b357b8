"""What every action of the integration shares: the fields that name a site or device, and its errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN

if TYPE_CHECKING:
    from datetime import datetime

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_DEVICE_ID = "device_id"


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated validation error for an action's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def local_to_utc(value: datetime) -> datetime:
    """A time an action was given, in UTC; one without a zone is Home Assistant's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(value)
