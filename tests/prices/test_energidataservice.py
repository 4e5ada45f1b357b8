"""Energi Data Service client against a local HTTP server that answers like the real API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.v2g_home.prices.energidataservice import (
    DAY_AHEAD,
    ELSPOT,
    EnergiDataServiceClient,
    parse_records,
)
from custom_components.v2g_home.prices.models import (
    PriceFetchError,
    PriceFormatError,
    RateLimitedError,
)
from tests.helpers.recorded import load_fixture

Reply = Callable[[web.Request], web.StreamResponse]


@dataclass
class FakeApi:
    """Serves queued replies per dataset and remembers every request."""

    replies: dict[str, list[Any]] = field(default_factory=dict)
    requests: list[web.Request] = field(default_factory=list)
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer with the next queued reply for the dataset (the last one repeats)."""
        self.requests.append(request)
        queue = self.replies[request.match_info["dataset"]]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, web.Response):
            # A response object can be sent once; repeat it as a fresh copy.
            return web.Response(
                status=reply.status, headers=reply.headers, body=reply.body
            )
        if callable(reply):
            return await reply(request)
        return web.json_response(reply)


@dataclass
class FakeClock:
    """Monotonic time that only moves when the client sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        """Return the fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Record the wait and move the clock."""
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[FakeApi]:
    fake = FakeApi()
    app = web.Application()
    app.router.add_get("/dataset/{dataset}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.base_url = f"http://127.0.0.1:{port}/dataset"
    yield fake
    await runner.cleanup()


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def _client(
    session: aiohttp.ClientSession, api: FakeApi, clock: FakeClock, **kwargs: Any
) -> EnergiDataServiceClient:
    return EnergiDataServiceClient(
        session,
        base_url=api.base_url,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
        **kwargs,
    )


async def test_fetches_today_and_tomorrow_in_quarter_hours(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """DayAheadPrices: 192 quarter-hour slots in UTC, DKK per kWh, asked with the documented parameters."""
    api.replies["DayAheadPrices"] = [
        load_fixture("dayaheadprices_dk1_2026-01-14_15.json")
    ]
    series = await _client(session, api, FakeClock()).fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 16),
    )
    assert len(series.slots) == 192
    assert series.currency == "DKK"
    assert series.source == "energidataservice"
    assert series.slots[0].start == datetime(2026, 1, 13, 23, 0, tzinfo=UTC)
    assert series.slots[0].duration == timedelta(minutes=15)
    assert series.slots[0].price_per_kwh == pytest.approx(0.275380005)
    query = api.requests[0].query
    assert query["start"] == "2026-01-14"
    assert query["end"] == "2026-01-16"
    assert json.loads(query["filter"]) == {"PriceArea": ["DK1"]}
    assert query["sort"] == "TimeUTC ASC"
    assert int(query["limit"]) >= 2 * 100


async def test_eur_column_is_used_for_eur(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """Currency EUR reads DayAheadPriceEUR."""
    api.replies["DayAheadPrices"] = [load_fixture("dayaheadprices_dk1_2026-01-14.json")]
    series = await _client(session, api, FakeClock()).fetch_prices(
        area="DK1",
        currency="EUR",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 15),
    )
    assert series.currency == "EUR"
    assert series.slots[0].price_per_kwh == pytest.approx(0.03691)


async def test_history_before_october_2025_comes_from_elspotprices(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """A span across 2025-10-01 asks both datasets and joins hourly and quarter-hour slots."""
    api.replies["Elspotprices"] = [load_fixture("elspotprices_dk1_2025-09-20_21.json")]
    api.replies["DayAheadPrices"] = [
        load_fixture("dayaheadprices_dk1_2025-10-26_dst.json")
    ]
    client = _client(session, api, FakeClock())
    series = await client.fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2025, 9, 20),
        end_day=date(2025, 10, 27),
    )
    assert [r.match_info["dataset"] for r in api.requests] == [
        "Elspotprices",
        "DayAheadPrices",
    ]
    assert api.requests[0].query["end"] == "2025-10-01"
    assert api.requests[1].query["start"] == "2025-10-01"
    assert len(series.slots) == 48 + 100
    assert series.slots[0].duration == timedelta(hours=1)
    assert series.slots[-1].duration == timedelta(minutes=15)


async def test_empty_records_before_publication(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """No records yet (tomorrow unpublished) is an empty series, not an error."""
    api.replies["DayAheadPrices"] = [
        {"total": 0, "filters": "{}", "dataset": "DayAheadPrices", "records": []}
    ]
    series = await _client(session, api, FakeClock()).fetch_prices(
        area="DK2",
        currency="DKK",
        first_day=date(2026, 1, 15),
        end_day=date(2026, 1, 16),
    )
    assert series.slots == ()


async def test_429_waits_for_retry_after_then_succeeds(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """A 429 is retried no sooner than Retry-After (and the one-per-minute rule)."""
    api.replies["DayAheadPrices"] = [
        web.Response(status=429, headers={"Retry-After": "90"}),
        load_fixture("dayaheadprices_dk1_2026-01-14.json"),
    ]
    clock = FakeClock()
    series = await _client(session, api, clock).fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 15),
    )
    assert len(series.slots) == 96
    assert clock.sleeps == [90]
    assert len(api.requests) == 2


async def test_429_with_a_long_retry_after_gives_up_at_once(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """A Retry-After beyond what an update may wait raises RateLimitedError for the scheduler."""
    api.replies["DayAheadPrices"] = [
        web.Response(status=429, headers={"Retry-After": "600"})
    ]
    client = _client(session, api, FakeClock())
    with pytest.raises(RateLimitedError) as caught:
        await client.fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    assert caught.value.retry_after_s == 600
    assert len(api.requests) == 1
    # The next call respects the wait without asking the server.
    with pytest.raises(RateLimitedError):
        await client.fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    assert len(api.requests) == 1


async def test_429_without_retry_after_on_last_attempt(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """Without Retry-After the client assumes the one-minute rule; out of attempts it raises."""
    api.replies["DayAheadPrices"] = [
        web.Response(status=429, headers={"Retry-After": "soon"})
    ]
    clock = FakeClock()
    with pytest.raises(RateLimitedError) as caught:
        await _client(session, api, clock, max_attempts=1).fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    assert caught.value.retry_after_s == 60


async def test_server_errors_are_retried_with_backoff(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """5xx then success: one retry after the backoff."""
    api.replies["DayAheadPrices"] = [
        web.Response(status=503),
        load_fixture("dayaheadprices_dk1_2026-01-14.json"),
    ]
    clock = FakeClock()
    series = await _client(session, api, clock).fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 15),
    )
    assert len(series.slots) == 96
    assert clock.sleeps == [60]


async def test_persistent_server_errors_raise_fetch_error(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """After the last attempt the error is a PriceFetchError saying what happened."""
    api.replies["DayAheadPrices"] = [web.Response(status=500)]
    clock = FakeClock()
    with pytest.raises(PriceFetchError, match="server error 500"):
        await _client(session, api, clock, max_attempts=3).fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    assert len(api.requests) == 3
    assert clock.sleeps == [60, 120]


async def test_timeout_raises_fetch_error(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """A reply slower than the timeout is a PriceFetchError."""

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.json_response({"records": []})

    api.replies["DayAheadPrices"] = [slow]
    with pytest.raises(PriceFetchError, match="TimeoutError"):
        await _client(
            session, api, FakeClock(), timeout_s=0.05, max_attempts=1
        ).fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )


async def test_client_errors_and_garbage_are_format_errors(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """HTTP 400 and a non-JSON body are not retried."""
    client = _client(session, api, FakeClock(), min_interval_s=0)
    api.replies["DayAheadPrices"] = [web.Response(status=400)]
    with pytest.raises(PriceFormatError, match="HTTP 400"):
        await client.fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    api.replies["DayAheadPrices"] = [
        web.Response(text="<html>maintenance</html>", content_type="text/html")
    ]
    with pytest.raises(PriceFormatError, match="not JSON"):
        await client.fetch_prices(
            area="DK1",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )
    assert len(api.requests) == 2


async def test_one_request_per_dataset_per_minute(
    api: FakeApi, session: aiohttp.ClientSession
) -> None:
    """A second fetch within a minute waits out the rest of the minute."""
    api.replies["DayAheadPrices"] = [load_fixture("dayaheadprices_dk1_2026-01-14.json")]
    clock = FakeClock()
    client = _client(session, api, clock)
    await client.fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 15),
    )
    clock.now += 15
    await client.fetch_prices(
        area="DK1",
        currency="DKK",
        first_day=date(2026, 1, 14),
        end_day=date(2026, 1, 15),
    )
    assert clock.sleeps == [45]
    assert client.request_count == 2


async def test_rejects_unknown_area(session: aiohttp.ClientSession) -> None:
    """Only DK1/DK2 and DKK/EUR are offered."""
    with pytest.raises(ValueError, match="DK1"):
        await EnergiDataServiceClient(session).fetch_prices(
            area="SE3",
            currency="DKK",
            first_day=date(2026, 1, 14),
            end_day=date(2026, 1, 15),
        )


def _records(*records: Any) -> dict[str, Any]:
    return {
        "total": len(records),
        "dataset": "DayAheadPrices",
        "records": list(records),
    }


def test_null_prices_leave_a_gap_and_duplicates_collapse() -> None:
    """A null price is a missing slot; a duplicated slot is kept once (the later record wins)."""
    payload = _records(
        {
            "TimeUTC": "2026-01-14T00:00:00",
            "PriceArea": "DK1",
            "DayAheadPriceDKK": 500.0,
        },
        {
            "TimeUTC": "2026-01-14T00:15:00",
            "PriceArea": "DK1",
            "DayAheadPriceDKK": None,
        },
        {
            "TimeUTC": "2026-01-14T00:30:00",
            "PriceArea": "DK1",
            "DayAheadPriceDKK": 300.0,
        },
        {
            "TimeUTC": "2026-01-14T00:30:00",
            "PriceArea": "DK1",
            "DayAheadPriceDKK": 310.0,
        },
        {
            "TimeUTC": "2026-01-14T00:45:00",
            "PriceArea": "DK2",
            "DayAheadPriceDKK": 999.0,
        },
    )
    series = parse_records(payload, dataset=DAY_AHEAD, area="DK1", currency="DKK")
    assert [(s.start.minute, s.price_per_kwh) for s in series.slots] == [
        (0, 0.5),
        (30, 0.31),
    ]
    assert all(s.duration == timedelta(minutes=15) for s in series.slots)
    assert series.covers(datetime(2026, 1, 14, 0, 20, tzinfo=UTC)) is None
    assert series.covers(datetime(2026, 1, 14, 0, 40, tzinfo=UTC)) is series.slots[1]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "'records' list"),
        ({"records": "none"}, "'records' list"),
        (_records("x"), r"records\[0\]: expected an object"),
        (_records({"PriceArea": "DK1", "SpotPriceDKK": 1.0}), "'HourUTC' missing"),
        (_records({"HourUTC": "yesterday", "SpotPriceDKK": 1.0}), "not an ISO 8601"),
        (
            _records({"HourUTC": "2025-01-01T00:00:00", "SpotPriceDKK": "1,5"}),
            "'SpotPriceDKK' is not a number",
        ),
    ],
)
def test_malformed_replies_raise_format_errors(payload: Any, message: str) -> None:
    """Every malformed reply becomes a PriceFormatError naming the place."""
    with pytest.raises(PriceFormatError, match=message):
        parse_records(payload, dataset=ELSPOT, area="DK1", currency="DKK")
