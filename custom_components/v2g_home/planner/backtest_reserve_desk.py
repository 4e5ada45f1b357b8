"""The backtest's reserve desk: what each plan may sell, the D-1 bids, and the income of what was held.

Perfect foresight sells at the real prices in one plan. The realistic mode bids for the next day an
hour before each product's last auction closes (FCR-N and FCR-D at 17:00 Danish time, after the
day-ahead prices are published around 13:00; DK1's FCR and mFRR at 07:00, before them), or at the
setup's bid hour for every product, and before the reserve results are known: the bid plan sees the
reserve prices as same-hour medians of the last week, and tomorrow's spot, while unknown, at prices
expected from the last two weeks. What it offers is accepted (a small bidder takes the marginal
price) and held as a commitment in every later plan; income is booked at the real prices.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
import math
from typing import TYPE_CHECKING

from ..prices.reserve_forecast import bid_prices
from .backtest_horizon import PUBLICATION_HOUR
from .expected import DEFAULT_DAYS, expected_prices
from .price_files import DANISH_TIME
from .reserve_blocks import block_span
from .reserve_model import ReserveCommitment, ReserveMarket, ReserveOffer
from .reserve_products import cost_share

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .backtest_reserves import ReserveSetup
    from .backtest_site import SiteSpec
    from .model import Plan, Slot

_HELD_KW = 1e-3


@dataclass(frozen=True)
class BidMoment:
    """A bid made the day before `day` starts: which products, at which Danish hour."""

    day: datetime
    products: frozenset[str]
    hour: int
    last: bool  # the day's last bid: after it, the day is closed to new reserves


def bid_hours(setup: ReserveSetup) -> dict[int, frozenset[str]]:
    """Per Danish hour the day before, the products bid then: an hour before each one's gate."""
    hours: dict[int, set[str]] = {}
    for spec in setup.products:
        hour = max(spec.gate_hour - 1, 0) if setup.bid_hour is None else setup.bid_hour
        hours.setdefault(hour, set()).add(spec.key)
    return {hour: frozenset(keys) for hour, keys in hours.items()}


@dataclass
class ProductBook:
    """What one product earned over the run."""

    income: float = 0.0
    activation_cost: float = 0.0
    kwh_held: float = 0.0  # kW x hours, for the mean


def _day_start(moment: datetime, days: int = 0) -> datetime:
    local = moment.astimezone(DANISH_TIME).date() + timedelta(days=days)
    return datetime.combine(local, time(), tzinfo=DANISH_TIME).astimezone(UTC)


class ReserveDesk:
    """Reserve markets for the runner's plans, the bids, and the books."""

    def __init__(
        self,
        setup: ReserveSetup,
        slots: Sequence[Slot],
        site: SiteSpec,
        *,
        perfect_foresight: bool,
    ) -> None:
        """Find the bid moments (see `bid_hours`), each for the day after."""
        self.setup = setup
        self.slots = tuple(slots)
        self.site = site
        self.starts = [slot.start for slot in self.slots]
        self.foresight = perfect_foresight
        self.commitments: list[ReserveCommitment] = []
        self.bid_until = (
            self.slots[0].start if self.slots else datetime.max.replace(tzinfo=UTC)
        )
        self.books = {p.key: ProductBook() for p in setup.products}
        self.bids: dict[int, BidMoment] = {}
        if not perfect_foresight:
            hours = bid_hours(setup)
            last = max(hours, default=0)
            for index, slot in enumerate(self.slots):
                local = slot.start.astimezone(DANISH_TIME)
                if local.hour in hours and local.minute == 0:
                    self.bids[index] = BidMoment(
                        day=_day_start(slot.start, 1),
                        products=hours[local.hour],
                        hour=local.hour,
                        last=local.hour == last,
                    )

    def market(
        self, start: int, stop: int, previous: tuple[Plan, int] | None
    ) -> ReserveMarket:
        """The market of a plan over slots [start, stop)."""
        hours = self._hours(start, stop)
        offers = tuple(ReserveOffer(device_id=d.name) for d in self.site.devices)
        common = {
            "products": self.setup.products,
            "offers": offers,
            "aggregator_share": self.setup.aggregator_share,
            "activation": self.setup.activation,
        }
        if self.foresight:
            return ReserveMarket(
                prices=self._actual(hours),
                commitments=self._started(start, previous),
                **common,  # type: ignore[arg-type]
            )
        return ReserveMarket(
            prices=bid_prices(self.setup.prices, hours, known_until=self.bid_until),
            commitments=tuple(self.commitments),
            closed_until=self.bid_until,
            **common,  # type: ignore[arg-type]
        )

    def _hours(self, start: int, stop: int) -> list[datetime]:
        first = self.slots[start].start.replace(minute=0)
        last = self.slots[stop - 1].end
        hours = []
        while first < last:
            hours.append(first)
            first += timedelta(hours=1)
        return hours

    def _actual(self, hours: list[datetime]) -> dict[str, dict[datetime, float]]:
        return {
            key: {h: known[h] for h in hours if h in known}
            for key, known in self.setup.prices.items()
        }

    def _started(
        self, start: int, previous: tuple[Plan, int] | None
    ) -> tuple[ReserveCommitment, ...]:
        """Blocks a re-plan starts inside of keep what the plan before held there."""
        if previous is None:
            return ()
        plan, offset = previous
        at = start - offset
        moment = self.slots[start].start
        kept = []
        for held in plan.reserves:
            spec = next(p for p in self.setup.products if p.key == held.product)
            begin, end = block_span(spec, moment)
            if begin < moment and 0 <= at < len(held.kw) and held.kw[at] > _HELD_KW:
                kept.append(
                    ReserveCommitment(
                        device_id=held.device_id,
                        product=held.product,
                        start=begin,
                        end=end,
                        kw=held.kw[at],
                    )
                )
        return tuple(kept)

    def bid_due(self, index: int) -> bool:
        """Whether a bid is made before slot `index` runs."""
        return index in self.bids

    def bid(
        self,
        index: int,
        plan_bid: Callable[
            [int, tuple[Slot, ...], tuple[Slot, ...], ReserveMarket], Plan
        ],
    ) -> None:
        """Bid for the day after: plan it on expected prices and hold what the plan offers."""
        moment = self.bids[index]
        day = moment.day
        day_end = _day_start(day, 1)
        first_day = bisect_left(self.starts, day)
        last_day = bisect_left(self.starts, day_end)
        if last_day <= first_day:
            return
        stop = bisect_left(self.starts, _day_start(day, 2))
        # Before the day-ahead prices are out, the bid plan sees the day at expected prices.
        spot_known = moment.hour >= PUBLICATION_HOUR
        slots = self._expected(index, last_day if spot_known else first_day, stop)
        market = ReserveMarket(
            products=self.setup.products,
            prices=bid_prices(
                self.setup.prices, self._hours(index, stop), known_until=day
            ),
            offers=tuple(ReserveOffer(device_id=d.name) for d in self.site.devices),
            aggregator_share=self.setup.aggregator_share,
            activation=self.setup.activation,
            commitments=tuple(self.commitments),
            closed_until=day,
        )
        plan = plan_bid(
            index, slots[: last_day - index], slots[last_day - index :], market
        )
        offset = first_day - index
        for held in plan.reserves:
            if held.product not in moment.products:
                continue  # bid later, in its own auction
            spec = next(p for p in self.setup.products if p.key == held.product)
            t = offset
            while t < last_day - index:
                begin, end = block_span(spec, plan.slots[t].start)
                # Bids go in 10 W steps, rounded down: never on the very edge of the rules.
                kw = math.floor(held.kw[t] * 100.0) / 100.0
                if kw > _HELD_KW:
                    self.commitments.append(
                        ReserveCommitment(
                            device_id=held.device_id,
                            product=held.product,
                            start=begin,
                            end=end,
                            kw=kw,
                        )
                    )
                while t < last_day - index and plan.slots[t].start < end:
                    t += 1
        if moment.last:
            self.bid_until = day_end
        now = self.slots[index].start
        self.commitments = [c for c in self.commitments if c.end > now]

    def _expected(self, index: int, first_unknown: int, stop: int) -> tuple[Slot, ...]:
        """Slots [index, stop) with the spot prices from `first_unknown` on expected, not known."""
        if first_unknown >= stop:
            return self.slots[index:stop]
        tariff = self.site.tariff
        since = bisect_left(
            self.starts, self.starts[first_unknown] - timedelta(days=DEFAULT_DAYS)
        )
        history = [
            (s.start, tariff.spot_of(s.sell_price_per_kwh))
            for s in self.slots[since:first_unknown]
        ]
        ahead = self.slots[first_unknown:stop]
        spots = expected_prices(history, [s.start for s in ahead])
        expected = tuple(
            replace(
                s,
                buy_price_per_kwh=tariff.buy_price(p, s.start),
                sell_price_per_kwh=tariff.sell_price(p),
            )
            for s, p in zip(ahead, spots, strict=True)
        )
        return self.slots[index:first_unknown] + expected

    def book(self, slot: Slot, plan: Plan, offset: int) -> tuple[float, float]:
        """Income and expected activation cost of the reserves held in a slot, at the real prices."""
        income = activation = 0.0
        hour = slot.start.replace(minute=0)
        for held in plan.reserves:
            kw = held.kw[offset]
            if kw <= _HELD_KW:
                continue
            spec = next(p for p in self.setup.products if p.key == held.product)
            device = next(d for d in self.site.devices if d.name == held.device_id)
            price = self.setup.prices[held.product].get(hour, 0.0)
            earned = (1.0 - self.setup.aggregator_share) * price * kw * slot.hours
            alpha = self.setup.activation.get(spec.key, spec.expected_activation)
            round_trip = (
                slot.buy_price_per_kwh
                - device.charge_efficiency
                * device.discharge_efficiency
                * min(slot.sell_price_per_kwh, slot.buy_price_per_kwh)
                + device.wear_per_kwh
            )
            cost = cost_share(spec, alpha) * round_trip * kw * slot.hours
            book = self.books[held.product]
            book.income += earned
            book.activation_cost += cost
            book.kwh_held += kw * slot.hours
            income += earned
            activation += cost
        return income, activation

    def summary(self) -> tuple[tuple[str, float, float, float], ...]:
        """Per product: income, expected activation cost and the mean kW held over the run."""
        hours = max(sum(slot.hours for slot in self.slots), 1e-9)
        return tuple(
            (key, book.income, book.activation_cost, book.kwh_held / hours)
            for key, book in self.books.items()
        )
