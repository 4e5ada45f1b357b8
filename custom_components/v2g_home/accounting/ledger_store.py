"""Reading the ledger's store back: the totals per period, and the energy still waiting for prices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..const import LOGGER
from ..planner.accounting import PeriodTotals
from .unpriced import PendingFlow


@dataclass(frozen=True, kw_only=True)
class Restored:
    """What a stored ledger holds."""

    site: PeriodTotals
    devices: dict[str, PeriodTotals]
    unpriced: list[PendingFlow]


def parse_stored(stored: dict[str, Any], currency: str) -> Restored | None:
    """The stored ledger, or None when it is unreadable or in another currency (amounts cannot mix)."""
    try:
        site = PeriodTotals.from_dict(stored["site"], currency=currency)
        devices = {
            device_id: PeriodTotals.from_dict(data, currency=currency)
            for device_id, data in stored["devices"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        LOGGER.warning("The stored ledger is unreadable, starting anew: %s", err)
        return None
    if site.lifetime.currency != currency:
        LOGGER.warning(
            "The site's currency changed from %s to %s; the ledger starts anew",
            site.lifetime.currency,
            currency,
        )
        return None
    try:
        unpriced = [PendingFlow.from_dict(item) for item in stored.get("unpriced", [])]
    except (KeyError, TypeError, ValueError) as err:
        LOGGER.warning("Unpriced energy in the stored ledger is unreadable: %s", err)
        unpriced = []
    return Restored(site=site, devices=devices, unpriced=unpriced)
