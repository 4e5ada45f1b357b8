"""Energi Data Service client: Danish day-ahead prices (DayAheadPrices, Elspotprices before October 2025)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import json
import time
from typing import Any, Final

import aiohttp

from .models import (
    SOURCE_ENERGIDATASERVICE,
    PriceFetchError,
    PriceFormatError,
    PriceSeries,
    RateLimitedError,
)
from .series import RawPoint, build_series, merge_series

API_URL: Final = "https://api.energidataservice.dk/dataset"
QUARTER_HOUR_FROM: Final = date(2025, 10, 1)
AREAS: Final = ("DK1", "DK2")
CURRENCIES: Final = ("DKK", "EUR")


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """Column names of one Energi Data Service price dataset."""

    name: str
    time_column: str
    price_prefix: str
    slot: timedelta


DAY_AHEAD: Final = Dataset(
    name="DayAheadPrices",
    time_column="TimeUTC",
    price_prefix="DayAheadPrice",
    slot=timedelta(minutes=15),
)
ELSPOT: Final = Dataset(
    name="Elspotprices",
    time_column="HourUTC",
    price_prefix="SpotPrice",
    slot=timedelta(hours=1),
)


def parse_records(
    payload: Any, *, dataset: Dataset, area: str, currency: str
) -> PriceSeries:
    """Validate a dataset reply ({"records": [...]}, prices per MWh, UTC times without offset) into a series per kWh."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("records"), list):
        raise PriceFormatError(
            f"{dataset.name}: expected an object with a 'records' list"
        )
    price_column = f"{dataset.price_prefix}{currency}"
    points: list[RawPoint] = []
    for index, record in enumerate(payload["records"]):
        where = f"{dataset.name}.records[{index}]"
        if not isinstance(record, Mapping):
            raise PriceFormatError(f"{where}: expected an object")
        if record.get("PriceArea", area) != area:
            continue
        stamp = record.get(dataset.time_column)
        if not isinstance(stamp, str):
            raise PriceFormatError(
                f"{where}: '{dataset.time_column}' missing or not text"
            )
        try:
            start = datetime.fromisoformat(stamp)
        except ValueError as err:
            raise PriceFormatError(
                f"{where}: '{stamp}' is not an ISO 8601 time"
            ) from err
        value = record.get(price_column)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise PriceFormatError(f"{where}: '{price_column}' is not a number")
        points.append(
            RawPoint(
                start=start.replace(tzinfo=UTC) if start.tzinfo is None else start,
                end=None,
                price_per_kwh=None if value is None else float(value) / 1000.0,
            )
        )
    return build_series(points, currency=currency, source=SOURCE_ENERGIDATASERVICE)


def _retry_after_s(headers: Mapping[str, str], default_s: float) -> float:
    try:
        return max(float(headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return default_s


class EnergiDataServiceClient:
    """Fetches day-ahead prices politely: one request per dataset per interval, retries with backoff."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str = API_URL,
        timeout_s: float = 20.0,
        max_attempts: int = 3,
        min_interval_s: float = 60.0,
        max_wait_s: float = 130.0,
        monotonic: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Use the caller's session (Home Assistant's shared one in production)."""
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_attempts = max_attempts
        self._min_interval_s = min_interval_s
        self._max_wait_s = max_wait_s
        # Looked up at call time so a test's frozen clock (or HA's) is honoured.
        self._monotonic = monotonic or (lambda: time.monotonic())
        self._sleep = sleep
        self._next_allowed: dict[str, float] = {}
        self.request_count = 0

    async def fetch_prices(
        self, *, area: str, currency: str, first_day: date, end_day: date
    ) -> PriceSeries:
        """Fetch spot prices for Danish days [first_day, end_day); may be empty before publication."""
        if area not in AREAS or currency not in CURRENCIES:
            raise ValueError(
                f"area must be one of {AREAS} and currency one of {CURRENCIES}"
            )
        result = PriceSeries(currency=currency, source=SOURCE_ENERGIDATASERVICE)
        if first_day < QUARTER_HOUR_FROM:
            series = await self._fetch(
                ELSPOT, area, currency, first_day, min(end_day, QUARTER_HOUR_FROM)
            )
            result = merge_series(result, series)
        if end_day > QUARTER_HOUR_FROM:
            series = await self._fetch(
                DAY_AHEAD, area, currency, max(first_day, QUARTER_HOUR_FROM), end_day
            )
            result = merge_series(result, series)
        return result

    async def _wait_turn(self, dataset: str) -> None:
        wait_s = self._next_allowed.get(dataset, float("-inf")) - self._monotonic()
        if wait_s > self._max_wait_s:
            raise RateLimitedError(
                f"{dataset}: next request allowed in {wait_s:.0f} s",
                retry_after_s=wait_s,
            )
        if wait_s > 0:
            await self._sleep(wait_s)

    async def _fetch(
        self, dataset: Dataset, area: str, currency: str, first_day: date, end_day: date
    ) -> PriceSeries:
        payload = await self.fetch_records(
            dataset.name,
            time_column=dataset.time_column,
            first_day=first_day,
            end_day=end_day,
            filters={"PriceArea": [area]},
            per_day=200,  # room to spare: a 25-hour day has 100 quarters
        )
        return parse_records(payload, dataset=dataset, area=area, currency=currency)

    async def fetch_records(
        self,
        dataset: str,
        *,
        time_column: str,
        first_day: date,
        end_day: date,
        filters: Mapping[str, list[str]],
        per_day: int,
    ) -> Any:
        """The reply of any dataset for Danish days [first_day, end_day), fetched politely."""
        params = {
            "start": first_day.isoformat(),
            "end": end_day.isoformat(),
            "filter": json.dumps(dict(filters), separators=(",", ":")),
            "sort": f"{time_column} ASC",
            # Explicit: the API's default limit is short.
            "limit": str(max((end_day - first_day).days, 1) * per_day),
        }
        for attempt in range(1, self._max_attempts + 1):
            await self._wait_turn(dataset)
            self._next_allowed[dataset] = self._monotonic() + self._min_interval_s
            try:
                return await self._request_once(dataset, params)
            except RateLimitedError as err:
                self._next_allowed[dataset] = self._monotonic() + err.retry_after_s
                if (
                    attempt == self._max_attempts
                    or err.retry_after_s > self._max_wait_s
                ):
                    raise
            except (TimeoutError, aiohttp.ClientError, PriceFetchError) as err:
                if attempt == self._max_attempts:
                    raise PriceFetchError(
                        f"{dataset}: gave up after {attempt} attempts ({str(err) or type(err).__name__})"
                    ) from err
                self._next_allowed[dataset] = (
                    self._monotonic() + self._min_interval_s * 2 ** (attempt - 1)
                )
        raise AssertionError(
            "unreachable: the last attempt returns or raises"
        )  # pragma: no cover

    async def _request_once(self, dataset: str, params: Mapping[str, str]) -> Any:
        """Send one request and return the decoded JSON, or raise a typed error."""
        self.request_count += 1
        async with self._session.get(
            f"{self._base_url}/{dataset}", params=params, timeout=self._timeout
        ) as response:
            if response.status == 429:
                retry_s = max(
                    _retry_after_s(response.headers, self._min_interval_s),
                    self._min_interval_s,
                )
                raise RateLimitedError(
                    f"{dataset}: rate limited (429)", retry_after_s=retry_s
                )
            if response.status >= 500:
                raise PriceFetchError(f"{dataset}: server error {response.status}")
            if response.status != 200:
                # A client error will not heal by retrying.
                raise PriceFormatError(f"{dataset}: HTTP {response.status}")
            try:
                return await response.json(content_type=None)
            except ValueError as err:
                raise PriceFormatError(f"{dataset}: reply is not JSON") from err
