"""The forecast bid's moments: an hour before each product's last auction closes, and what each bid sees."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from custom_components.v2g_home.planner.backtest_account import market_slots
from custom_components.v2g_home.planner.backtest_args import (
    build_parser,
    site_from_flags,
)
from custom_components.v2g_home.planner.backtest_reserve_desk import (
    ReserveDesk,
    bid_hours,
)
from custom_components.v2g_home.planner.backtest_reserves import (
    ReserveSetup,
    reserve_setup,
)
from custom_components.v2g_home.planner.price_files import DANISH_TIME
from custom_components.v2g_home.planner.price_merge import load_price_files

if TYPE_CHECKING:
    from custom_components.v2g_home.planner.model import Slot

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reserves"
SPOT = FIXTURES / "dayaheadprices_dk2_2025-10-16_2025-10-27.csv"
FCR = FIXTURES / "fcrnddk2_dk2_2025-10-16_2025-10-27.csv"
MFRR = FIXTURES / "mfrrcapacitymarket_2025-10-16_2025-10-27.csv"
FCR_KEYS = frozenset({"fcr_n", "fcr_d_up", "fcr_d_down"})


def _setup(products: str, bid_hour: int | None = None) -> ReserveSetup:
    return reserve_setup(
        [FCR, MFRR],
        products=products,
        area="DK2",
        currency="DKK",
        aggregator_share=0.4,
        fcr_n_activation=0.3,
        bid_hour=bid_hour,
    )


def test_each_product_is_bid_an_hour_before_its_last_auction_closes() -> None:
    """FCR-N and FCR-D at 17:00 (late auction, 18:00), mFRR at 07:00; a bid hour moves them all."""
    assert bid_hours(_setup("fcr-n,fcr-d-up,fcr-d-down")) == {17: FCR_KEYS}
    assert bid_hours(_setup("fcr-n,fcr-d-up,fcr-d-down,mfrr-up")) == {
        17: FCR_KEYS,
        7: frozenset({"mfrr_up"}),
    }
    assert bid_hours(_setup("fcr-n,mfrr-up", bid_hour=0)) == {
        0: frozenset({"fcr_n", "mfrr_up"})
    }


def _desk() -> tuple[ReserveDesk, tuple[Slot, ...], str]:
    args = build_parser().parse_args(["--prices", str(SPOT), "--power-kw", "10"])
    site = site_from_flags(args)
    slots = market_slots(load_price_files([SPOT], area="DK2"), site)
    setup = _setup("fcr-n,fcr-d-up,fcr-d-down,mfrr-up")
    desk = ReserveDesk(setup, slots, site, perfect_foresight=False)
    return desk, slots, site.devices[0].name


def test_the_day_closes_after_its_last_bid() -> None:
    """Two bids a day, for the next day; only the 17:00 one is the day's last."""
    desk, slots, _ = _desk()
    moments = sorted(desk.bids.items())
    assert moments
    for index, moment in moments:
        local = slots[index].start.astimezone(DANISH_TIME)
        assert local.minute == 0
        assert local.hour in {7, 17}
        assert moment.last == (local.hour == 17)
        assert moment.products == (FCR_KEYS if local.hour == 17 else {"mfrr_up"})
        assert moment.day.astimezone(DANISH_TIME).date() == local.date() + timedelta(
            days=1
        )


def test_a_bid_commits_only_its_own_products_and_sees_spot_once_published() -> None:
    """07:00: mFRR on expected spot prices, day still open; 17:00: FCR on the real ones, day closed."""
    desk, slots, device = _desk()
    seen: list[tuple[Slot, ...]] = []

    def plan_bid(index: int, today: Any, later: Any, market: Any) -> Any:
        every = tuple(today) + tuple(later)
        seen.append(every)
        reserves = [
            SimpleNamespace(
                device_id=device, product=p.key, kw=np.full(len(every), 2.0)
            )
            for p in market.products
        ]
        return SimpleNamespace(slots=every, reserves=reserves)

    morning, evening = (
        next(
            i
            for i, m in sorted(desk.bids.items())
            if m.hour == hour and i > len(slots) // 3
        )
        for hour in (7, 17)
    )
    day = desk.bids[morning].day
    assert desk.bids[evening].day == day
    until = desk.bid_until
    desk.bid(morning, plan_bid)
    assert {c.product for c in desk.commitments} == {"mfrr_up"}
    assert all(c.start >= day for c in desk.commitments)
    assert desk.bid_until == until
    desk.bid(evening, plan_bid)
    assert {c.product for c in desk.commitments} == FCR_KEYS | {"mfrr_up"}
    assert desk.bid_until == day + timedelta(days=1)
    real = {s.start: s.buy_price_per_kwh for s in slots}
    tomorrow = [
        [
            s.buy_price_per_kwh != real[s.start]
            for s in bid
            if day <= s.start < desk.bid_until
        ]
        for bid in seen
    ]
    # At 07:00 the day-ahead prices are not out: the bid plans tomorrow at expected ones.
    assert any(tomorrow[0])
    assert not any(tomorrow[1])  # at 17:00 they are
