"""The reserve glue's parts: the price feed, the kept commitments and income, the offer and its changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.v2g_home.accounting.reserve_income import (
    ReserveIncome,
    reserve_income_store_key,
)
from custom_components.v2g_home.control.reserve import Commitment, ReserveProduct
from custom_components.v2g_home.planner.optimise import plan
from custom_components.v2g_home.planner.reserve_model import ReserveCommitment
from custom_components.v2g_home.planner.reserve_plan import reserved_kw_at
from custom_components.v2g_home.prices.models import PriceFetchError
from custom_components.v2g_home.pricing.reserve_prices import ReservePriceFeed
from custom_components.v2g_home.scheduling.reservations import (
    SOURCE_AGGREGATOR,
    ReservationBook,
    reservations_store_key,
)
from custom_components.v2g_home.scheduling.reserves import changed, offer_of
from tests.planner.reserve_scenarios import day_problem

from .test_reserves import FCR_FIXTURE

if TYPE_CHECKING:
    from datetime import date

    from homeassistant.core import HomeAssistant

    from custom_components.v2g_home.planner.model import PlanningProblem

NOW = datetime(2025, 3, 30, 10, tzinfo=UTC)


class _Client:
    """Answers like Energi Data Service, or fails, and remembers what was asked."""

    def __init__(self, payloads: dict[str, Any], *, fail: bool = False) -> None:
        self.payloads, self.fail = payloads, fail
        self.asked: list[tuple[str, dict[str, list[str]]]] = []

    async def fetch_records(
        self,
        dataset: str,
        *,
        time_column: str,
        first_day: date,
        end_day: date,
        filters: dict[str, list[str]],
        per_day: int,
    ) -> Any:
        del time_column, first_day, end_day, per_day
        self.asked.append((dataset, filters))
        if self.fail:
            raise PriceFetchError(f"{dataset}: down")
        return self.payloads.get(dataset, {"records": []})


async def test_the_feed_fetches_the_products_datasets_in_kroner(
    hass: HomeAssistant,
) -> None:
    fcr = json.loads(FCR_FIXTURE.read_text(encoding="utf-8"))
    client = _Client({"FcrNdDK2": fcr})
    feed = ReservePriceFeed(
        hass,
        area="DK1",
        currency="DKK",
        products=("fcr_n", "fcr_dk1", "mfrr_up"),
        client=client,  # type: ignore[arg-type]
    )
    await feed.async_refresh(NOW)
    assert [name for name, _ in client.asked] == [
        "FcrNdDK2",
        "FcrDK1",
        "MfrrCapacityMarket",
    ]
    assert client.asked[2][1] == {"PriceArea": ["DK1"]}
    assert set(feed.results) == {
        "fcr_n"
    }  # the other products' datasets answered nothing
    hour = datetime(2025, 3, 30, 21, tzinfo=UTC)
    assert feed.results["fcr_n"][hour] == pytest.approx(17.1619 * 7.46 / 1000)
    await feed.async_refresh(NOW + timedelta(hours=1))
    assert len(client.asked) == 3  # not again within three hours


async def test_a_failing_feed_keeps_what_it_knew(hass: HomeAssistant) -> None:
    client = _Client({}, fail=True)
    feed = ReservePriceFeed(
        hass, area="DK2", currency="EUR", products=("fcr_n",), client=client
    )  # type: ignore[arg-type]
    feed.results = {"fcr_n": {NOW: 0.02}}
    await feed.async_refresh(NOW)
    assert feed.results == {"fcr_n": {NOW: 0.02}}


async def test_commitments_that_ended_or_are_unreadable_are_dropped(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    future = datetime.now(UTC) + timedelta(hours=3)
    past = datetime.now(UTC) - timedelta(hours=3)
    item = {
        "device_id": "car",
        "product": "fcr_n",
        "kw": 2.0,
        "source": "commit_reserve",
    }
    hass_storage[reservations_store_key("site")] = {
        "version": 1,
        "data": {
            "commitments": [
                {
                    **item,
                    "start": future.isoformat(),
                    "end": (future + timedelta(hours=1)).isoformat(),
                },
                {
                    **item,
                    "start": past.isoformat(),
                    "end": (past + timedelta(hours=1)).isoformat(),
                },
            ]
        },
    }
    book = ReservationBook(hass, "site")
    await book.async_load()
    assert [c.start for c in book.commitments] == [future]
    assert book.held("car", "fcr_n", future) == 2.0
    hass_storage[reservations_store_key("broken")] = {
        "version": 1,
        "data": {"commitments": [{"kw": "x"}]},
    }
    broken = ReservationBook(hass, "broken")
    await broken.async_load()
    assert broken.commitments == ()


async def test_a_new_bid_for_the_same_hour_replaces_the_old_one(
    hass: HomeAssistant,
) -> None:
    book = ReservationBook(hass, "site")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(
        hours=2
    )
    heard: list[int] = []
    book.async_add_listener(lambda: heard.append(1))

    def bid(kw: float, source: str = SOURCE_AGGREGATOR) -> Commitment:
        return Commitment(
            device_id="car",
            product=ReserveProduct.FCR_N,
            start=start,
            end=start + timedelta(hours=1),
            kw=kw,
            source=source,
        )

    await book.async_commit([bid(2.0)])
    await book.async_commit([bid(3.0)])
    assert [c.kw for c in book.commitments] == [3.0]
    assert heard == [1, 1]
    # Another writer's commitment for the same hour is its own: both are held.
    await book.async_commit([bid(1.0, source="manual")])
    assert book.held("car", "fcr_n", start) == 4.0
    assert book.planner_commitments()[0] == ReserveCommitment(
        device_id="car",
        product="fcr_n",
        start=start,
        end=start + timedelta(hours=1),
        kw=3.0,
    )


async def test_income_is_kept_per_day_and_across_a_reload(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    income = ReserveIncome(hass, "site", "DKK")
    income.book("car", NOW, 1.5)
    income.book("pack", NOW, 0.5)
    income.book("car", NOW + timedelta(days=1), 1.0)
    assert (income.lifetime(), income.lifetime("car")) == (3.0, 2.5)
    assert income.today(None, NOW + timedelta(days=1)) == 1.0
    assert income.today(None, NOW) == 0.0  # yesterday's are gone from today
    await income.async_flush()
    again = ReserveIncome(hass, "site", "DKK")
    await again.async_load()
    assert again.lifetime("car") == 2.5
    other = ReserveIncome(hass, "site", "EUR")
    await other.async_load()
    assert other.lifetime() == 0.0  # another currency starts over
    hass_storage[reserve_income_store_key("bad")] = {
        "version": 1,
        "data": {"currency": "DKK", "lifetime": "x", "today": {}, "day": None},
    }
    bad = ReserveIncome(hass, "bad", "DKK")
    await bad.async_load()
    assert bad.lifetime() == 0.0


def _plan() -> tuple[PlanningProblem, Any]:
    problem = day_problem("2024-11-05", with_load=True)
    return problem, plan(problem)


def test_the_offer_lists_each_hour_the_plan_covers() -> None:
    problem, result = _plan()
    now = problem.slots[0].start + timedelta(minutes=20)
    offer = offer_of(result, ("fcr_n", "fcr_d_up"), now)
    assert len(offer["fcr_n"]) == 24
    assert offer["fcr_n"][0]["start"] == problem.slots[0].start.isoformat()
    assert any(item["kw"] > 0 for item in offer["fcr_d_up"])
    assert offer_of(None, ("fcr_n",), now) == {"fcr_n": []}
    assert not any(item["expected_prices"] for item in offer["fcr_n"])


def test_the_offer_reaches_past_the_published_prices_through_the_lookahead() -> None:
    """Half a day published, half expected: the plan keeps 12 h, the offer still lists 24 and marks the rest."""
    problem, _ = _plan()
    published, expected = problem.slots[:12], problem.slots[12:]
    result = plan(
        replace(
            problem,
            slots=published,
            terminal_value=replace(problem.terminal_value, lookahead=expected),
        )
    )
    assert result.slots == published
    assert result.ahead_slots == expected
    assert all(len(r.kw) == len(expected) for r in result.reserves_ahead)
    offer = offer_of(result, ("fcr_n", "fcr_d_up"), published[0].start)
    assert len(offer["fcr_d_up"]) == 24
    assert [item["expected_prices"] for item in offer["fcr_d_up"]] == [False] * 12 + [
        True
    ] * 12
    later = [item["kw"] for item in offer["fcr_d_up"][12:]]
    assert any(kw > 0 for kw in later)
    assert later[0] == pytest.approx(
        reserved_kw_at(result, "fcr_d_up", expected[0].start), abs=1e-3
    )


def test_an_offer_changes_when_an_hour_both_cover_differs_or_a_new_one_holds() -> None:
    before = {"fcr_n": [{"start": "a", "kw": 1.0}, {"start": "b", "kw": 2.0}]}
    assert not changed(
        before, {"fcr_n": [{"start": "b", "kw": 2.01}]}
    )  # an hour went by
    assert changed(before, {"fcr_n": [{"start": "b", "kw": 1.0}]})
    assert changed(
        before, {"fcr_n": [{"start": "b", "kw": 2.0}, {"start": "c", "kw": 1.0}]}
    )
    assert not changed(
        before, {"fcr_n": [{"start": "b", "kw": 2.0}, {"start": "c", "kw": 0.0}]}
    )
