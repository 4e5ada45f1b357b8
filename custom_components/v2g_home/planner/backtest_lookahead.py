"""What the rolling backtest's planner expects after the known prices, learned from the prices seen."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .expected import DEFAULT_DAYS, LOOKAHEAD, expected_prices
from .model import TerminalValue

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .backtest_site import SiteSpec
    from .model import Slot


class TerminalPolicy(StrEnum):
    """How the rolling planner values energy left when the known prices end."""

    LEARNED = "learned"  # look 24 h further, at prices expected from the last two weeks
    HORIZON = "horizon"  # the typical sell price of the known horizon (the planner's own default)


class Lookahead:
    """Expected slots after a horizon: the real slot times, house load and solar; learned prices.

    Prices are expected from the spot prices known when the horizon was published (see
    expected.expected_prices); tariffs then make them buy and sell prices. The same horizon end
    always gets the same lookahead, so a re-plan between publications finishes the same problem.
    """

    def __init__(self, slots: Sequence[Slot], site: SiteSpec) -> None:
        """Remember the market; nothing is learned before a horizon asks."""
        self.slots = tuple(slots)
        self.site = site
        self.starts = [slot.start for slot in self.slots]
        self._known: dict[int, tuple[int, tuple[Slot, ...]]] = {}

    def after(self, end: int) -> tuple[int, tuple[Slot, ...]]:
        """(the index where the lookahead ends, its slots) for a horizon ending before slot `end`."""
        if end not in self._known:
            self._known[end] = self._learn(end)
        return self._known[end]

    def _learn(self, end: int) -> tuple[int, tuple[Slot, ...]]:
        horizon_end = self.slots[end - 1].end
        stop = bisect_left(self.starts, horizon_end + LOOKAHEAD)
        first = bisect_left(self.starts, horizon_end - timedelta(days=DEFAULT_DAYS))
        tariff = self.site.tariff
        history = [
            (slot.start, tariff.spot_of(slot.sell_price_per_kwh))
            for slot in self.slots[first:end]
        ]
        ahead = self.slots[end:stop]
        spots = expected_prices(history, [slot.start for slot in ahead])
        return stop, tuple(
            replace(
                slot,
                buy_price_per_kwh=tariff.buy_price(spot, slot.start),
                sell_price_per_kwh=tariff.sell_price(spot),
            )
            for slot, spot in zip(ahead, spots, strict=True)
        )


def terminal_for(
    policy: TerminalPolicy,
    lookahead: Lookahead,
    end: int,
    *,
    final: bool,
    pinned: float | None,
) -> tuple[int, TerminalValue]:
    """Where a problem with known prices up to slot `end` ends, and how stored energy is valued.

    At the end of the data it is worth nothing: the backtest stops there. Otherwise, by default,
    the plan looks 24 h further at prices learned from the last two weeks (see Lookahead). With
    the horizon policy the planner values it from the prices published; a re-plan before the
    next publication keeps that value (`pinned`), so it solves the rest of the same problem
    instead of re-valuing from a shrinking horizon.
    """
    if final:
        return end, TerminalValue(price_per_kwh=0.0)
    if policy is TerminalPolicy.LEARNED:
        stop, ahead = lookahead.after(end)
        return stop, TerminalValue(lookahead=ahead)
    if pinned is not None:
        return end, TerminalValue(price_per_kwh=pinned)
    return end, TerminalValue()
