"""Reading the ledger's store back: the totals per period, and the energy still waiting for prices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..const import LOGGER
from ..planner.accounting import PeriodTotals
from .books import OutsideControl
from .device_flows import DeviceSample, sample_as_dict, sample_from_dict
from .unpriced import PendingFlow


@dataclass(frozen=True, kw_only=True)
class Restored:
    """What a stored ledger holds (and what the ledger writes)."""

    site: PeriodTotals
    devices: dict[str, PeriodTotals]
    outside: dict[str, OutsideControl]
    unpriced: list[PendingFlow]
    resume: dict[str, DeviceSample]


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
        resume = {
            device_id: sample_from_dict(item)
            for device_id, item in stored.get("resume", {}).items()
        }
    except (KeyError, TypeError, ValueError) as err:
        LOGGER.warning("Pending energy in the stored ledger is unreadable: %s", err)
        unpriced, resume = [], {}
    try:
        outside = {
            device_id: OutsideControl.from_dict(item)
            for device_id, item in stored.get("outside", {}).items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        LOGGER.warning(
            "Energy outside control in the stored ledger is unreadable: %s", err
        )
        outside = {}
    return Restored(
        site=site, devices=devices, outside=outside, unpriced=unpriced, resume=resume
    )


def to_store(ledger: Restored) -> dict[str, Any]:
    """What the ledger writes to its store."""
    return {
        "site": ledger.site.to_dict(),
        "devices": {k: v.to_dict() for k, v in ledger.devices.items()},
        "outside": {k: v.as_dict() for k, v in ledger.outside.items()},
        "unpriced": [item.as_dict() for item in ledger.unpriced],
        "resume": {k: sample_as_dict(v) for k, v in ledger.resume.items()},
    }
