"""Energy that flowed while no price was known: held back, then booked once prices cover it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..planner.accounting import FlowEnergy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..planner.accounting import PriceWindow

# Prices come back with the day they cover; after two days no feed will price that time any more.
HOLD_FOR = timedelta(days=2)


@dataclass(frozen=True, kw_only=True)
class PendingFlow:
    """What one device moved from start to end, waiting for the prices of that time."""

    device_id: str
    flow: FlowEnergy
    start: datetime
    end: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for the ledger's store."""
        return {
            "device_id": self.device_id,
            "charged_kwh": self.flow.charged_kwh,
            "to_home_kwh": self.flow.to_home_kwh,
            "exported_kwh": self.flow.exported_kwh,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PendingFlow:
        """Read it back (KeyError, TypeError or ValueError when damaged)."""
        return cls(
            device_id=str(data["device_id"]),
            flow=FlowEnergy(
                charged_kwh=float(data["charged_kwh"]),
                to_home_kwh=float(data["to_home_kwh"]),
                exported_kwh=float(data["exported_kwh"]),
            ),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
        )


def covered(windows: Sequence[PriceWindow], start: datetime, end: datetime) -> bool:
    """Whether prices are known for every instant from start to end."""
    reached = start
    for window in sorted(windows, key=lambda w: w.start):
        if window.start > reached:
            break
        reached = max(reached, window.end)
        if reached >= end:
            return True
    return reached >= end


def split_ready(
    pending: Sequence[PendingFlow], windows: Sequence[PriceWindow], now: datetime
) -> tuple[list[PendingFlow], list[PendingFlow]]:
    """The flows to book now (priced at last, or too old to wait: booked without money) and the rest."""
    ready = [
        item
        for item in pending
        if covered(windows, item.start, item.end) or now - item.end > HOLD_FOR
    ]
    return ready, [item for item in pending if item not in ready]
