"""What every action of the integration shares: the fields that name a site or device, and its errors."""

from __future__ import annotations

from homeassistant.exceptions import ServiceValidationError

from ..const import DOMAIN

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_DEVICE_ID = "device_id"


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated validation error for an action's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )
