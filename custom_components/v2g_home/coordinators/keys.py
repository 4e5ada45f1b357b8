"""How a site's devices are identified in the device registry, from the subentries that make them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry

LEAF_SUFFIX = "_leaf"


def device_key(subentry: ConfigSubentry) -> str:
    """A charger's or pack's identifier: the serial its subentry was created for (its unique id)."""
    return subentry.unique_id or subentry.subentry_id


def device_identifiers(subentry: ConfigSubentry) -> set[str]:
    """The identifiers of the devices a subentry makes: the charger or pack, and a charger's Leaf."""
    key = device_key(subentry)
    return {key, f"{key}{LEAF_SUFFIX}"}
