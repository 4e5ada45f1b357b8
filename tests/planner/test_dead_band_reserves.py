"""A device with a dead band keeps an accepted bid: its re-planned flows come with their own reserves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from custom_components.v2g_home.control.reserve_settings import (
    ReserveSettings,
    reserve_market,
)
from custom_components.v2g_home.planner.model import PlanningProblem, Site, Slot
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.reserve_model import ReserveCommitment

from .reserve_scenarios import real_dst_prices
from .scenarios import DANISH, leaf, pack

# Found by running Home Assistant's reserve test at 00:37 UTC: the plan's first slot is short, the
# car's charger refuses less than 1.38 kW, and FCR-D up is committed two hours later.
START = datetime(2026, 12, 7, 0, 37, 14, tzinfo=UTC)
BID = datetime(2026, 12, 7, 2, tzinfo=UTC)


def _slots() -> tuple[Slot, ...]:
    """Flat prices (buy 1.0, sell 0.8) in quarter hours from START, the first one cut short."""
    first = START.replace(minute=45, second=0)
    edges = [START, first] + [first + timedelta(minutes=15 * k) for k in range(1, 96)]
    return tuple(
        Slot(start=a, duration=b - a, buy_price_per_kwh=1.0, sell_price_per_kwh=0.8)
        for a, b in pairwise(edges)
    )


def test_a_dead_band_plan_keeps_the_committed_reserve() -> None:
    """The Quasar and a pack at flat prices, FCR-N/FCR-D at their medians: the bid is held in full."""
    car = leaf(
        device_id="car", soc_min=0.0, soc_max=1.0, reserve_soc=0.2, min_power_kw=1.38
    )
    battery = pack(
        "pack", initial_soc=0.5, soc_min=0.0, reserve_soc=0.2, wear_per_kwh=0.1
    )
    slots = _slots()
    commitments = [
        ReserveCommitment(
            device_id="car",
            product="fcr_d_up",
            start=BID + timedelta(hours=h),
            end=BID + timedelta(hours=h + 1),
            kw=1.5,
        )
        for h in (0, 1)
    ]
    market = reserve_market(
        ReserveSettings(enabled=True, soc_low_pct=20.0, soc_high_pct=90.0),
        results=real_dst_prices(),
        commitments=commitments,
        device_ids=["car", "pack"],
        slots=slots,
        zone=DANISH,
        deliverable={"car": frozenset({"fcr_n", "fcr_d_up", "fcr_d_down"})},
    )
    problem = PlanningProblem(
        slots=slots,
        devices=(car, battery),
        site=Site(export_limit_kw=10.0),
        reserves=market,
    )
    result = plan(problem)
    assert result.infeasibilities == ()
    (held,) = [
        r for r in result.reserves if r.product == "fcr_d_up" and r.device_id == "car"
    ]
    for slot, kw in zip(result.slots, held.kw, strict=True):
        if BID <= slot.start < BID + timedelta(hours=2):
            assert kw >= 1.5 - 1e-6
