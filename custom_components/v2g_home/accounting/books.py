"""The ledger's books: what V2G Home did, priced per period, and what flowed outside its control."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..planner.accounting import PeriodTotals, interval_earnings
from .periods import danish_date, danish_midnight
from .unpriced import PendingFlow, covered, split_ready

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date, datetime

    from ..planner.accounting import FlowEnergy, PriceWindow


@dataclass(frozen=True, kw_only=True)
class OutsideControl:
    """Energy a device moved while V2G Home did not drive it (the owner's charging, a pack's own logic)."""

    charged_kwh: float = 0.0
    discharged_kwh: float = 0.0

    def added(self, flow: FlowEnergy) -> OutsideControl:
        """These totals with one more flow."""
        return OutsideControl(
            charged_kwh=self.charged_kwh + flow.charged_kwh,
            discharged_kwh=self.discharged_kwh + flow.discharged_kwh,
        )

    def as_dict(self) -> dict[str, float]:
        """JSON-safe form for the ledger's store."""
        return {"charged_kwh": self.charged_kwh, "discharged_kwh": self.discharged_kwh}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OutsideControl:
        """Read it back (KeyError, TypeError or ValueError when damaged)."""
        return cls(
            charged_kwh=float(data["charged_kwh"]),
            discharged_kwh=float(data["discharged_kwh"]),
        )


class Books:
    """Per device and for the site: V2G Home's priced totals, energy waiting for prices, and the rest."""

    def __init__(self, device_ids: Iterable[str], *, day: date, currency: str) -> None:
        """Empty books for these devices."""
        self.currency = currency
        empty = PeriodTotals.empty(day=day, currency=currency)
        self.site = empty
        self.devices = dict.fromkeys(device_ids, empty)
        self.outside = dict.fromkeys(self.devices, OutsideControl())
        self.unpriced: list[PendingFlow] = []

    def restore(
        self,
        *,
        site: PeriodTotals,
        devices: Mapping[str, PeriodTotals],
        outside: Mapping[str, OutsideControl],
        unpriced: list[PendingFlow],
    ) -> None:
        """Take stored totals (devices no longer on the site are left out)."""
        self.site = site
        self.devices |= {k: v for k, v in devices.items() if k in self.devices}
        self.outside |= {k: v for k, v in outside.items() if k in self.outside}
        self.unpriced = unpriced

    def roll(self, day: date) -> None:
        """Start today (and this month) again when `day` is a new one."""
        self.site = self.site.rolled(day)
        self.devices = {k: v.rolled(day) for k, v in self.devices.items()}

    def add(
        self,
        device_id: str,
        flow: FlowEnergy,
        span: tuple[datetime, datetime],
        *,
        controlled: bool,
        windows: Sequence[PriceWindow],
        wear_per_kwh: float,
    ) -> bool:
        """Book what flowed over `span`; False when nothing flowed.

        Only energy V2G Home moved is priced: the rest is kept apart, in kWh. While no price is known
        for that time (prices still loading, a feed gap) the flow waits instead of being booked
        without money; `priced` books it when prices cover it.
        """
        if not (flow.charged_kwh or flow.discharged_kwh):
            return False
        if not controlled:
            self.outside[device_id] = self.outside[device_id].added(flow)
            return True
        start, end = span
        item = PendingFlow(device_id=device_id, flow=flow, start=start, end=end)
        if covered(windows, start, end):
            self._book(item, windows, wear_per_kwh)
        else:
            self.unpriced.append(item)
        return True

    def priced(
        self, windows: Sequence[PriceWindow], now: datetime, wear_per_kwh: float
    ) -> bool:
        """Book the waiting flows that prices now cover (or that waited too long); whether any were."""
        ready, self.unpriced = split_ready(self.unpriced, windows, now)
        for item in ready:
            if item.device_id in self.devices:
                self._book(item, windows, wear_per_kwh)
        return bool(ready)

    def _book(
        self, item: PendingFlow, windows: Sequence[PriceWindow], wear_per_kwh: float
    ) -> None:
        pieces = interval_earnings(
            item.flow,
            start=item.start,
            end=item.end,
            windows=windows,
            wear_per_kwh=wear_per_kwh,
            currency=self.currency,
            day_starts=[danish_midnight(danish_date(item.end))],
        )
        for piece_start, earned in pieces:
            day = danish_date(piece_start)
            self.devices[item.device_id] = self.devices[item.device_id].added(
                earned, day=day
            )
            self.site = self.site.added(earned, day=day)

    def outside_site(self) -> OutsideControl:
        """The site's energy outside V2G Home's control: the sum over its devices."""
        return OutsideControl(
            charged_kwh=sum(o.charged_kwh for o in self.outside.values()),
            discharged_kwh=sum(o.discharged_kwh for o in self.outside.values()),
        )
