"""Read price forecasts from other integrations' entity attributes and actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from .models import (
    SOURCE_ENERGIDATASERVICE_HACS,
    SOURCE_ENTSOE,
    SOURCE_NORDPOOL_CORE,
    SOURCE_NORDPOOL_HACS,
    PriceFormatError,
    PriceSeries,
)
from .series import RawPoint, build_series

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
EXPECTED_SHAPES = (
    "raw_today/raw_tomorrow lists of {start, end, value} (Nord Pool, HACS), "
    "raw_today/raw_tomorrow lists of {hour, price} (Energi Data Service, HACS), "
    "prices_today/prices_tomorrow lists of {time, price} (ENTSO-E), "
    "or a core Nord Pool sensor"
)
_PER_KWH_DIVISOR = {"wh": 0.001, "kwh": 1.0, "mwh": 1000.0}
_CURRENCY_SYMBOLS = {
    "€": "EUR",
    "eur": "EUR",
    "dkk": "DKK",
    "kr": "DKK",
    "øre": "DKK",
    "ct": "EUR",
    "c": "EUR",
    "cent": "EUR",
    "sek": "SEK",
    "nok": "NOK",
}
_SUBUNITS = {"øre", "ct", "c", "cent", "cents", "öre"}


class EntityFormat(StrEnum):
    """The attribute layouts we know how to read."""

    NORDPOOL_HACS = SOURCE_NORDPOOL_HACS
    ENERGIDATASERVICE_HACS = SOURCE_ENERGIDATASERVICE_HACS
    ENTSOE = SOURCE_ENTSOE


_LAYOUTS: dict[EntityFormat, tuple[tuple[str, ...], str, str]] = {
    EntityFormat.NORDPOOL_HACS: (("raw_today", "raw_tomorrow"), "start", "value"),
    EntityFormat.ENERGIDATASERVICE_HACS: (
        ("raw_today", "raw_tomorrow"),
        "hour",
        "price",
    ),
    EntityFormat.ENTSOE: (
        ("prices_today", "prices_tomorrow", "prices"),
        "time",
        "price",
    ),
}


def detect_entity_format(attributes: Mapping[str, Any]) -> EntityFormat | None:
    """Recognise an entity's attribute layout from its first forecast item, or None.

    An empty list (an integration that has not fetched yet) counts as its layout, so the
    config flow accepts the entity; its prices arrive at a later read.
    """
    empty_match: EntityFormat | None = None
    for entity_format, (keys, time_key, value_key) in _LAYOUTS.items():
        items = attributes.get(keys[0])
        if not isinstance(items, list):
            continue
        if not items:
            empty_match = empty_match or entity_format
        elif (
            isinstance(items[0], Mapping)
            and time_key in items[0]
            and value_key in items[0]
        ):
            return entity_format
    return empty_match


def _parse_time(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as err:
            raise PriceFormatError(
                f"{where}: {value!r} is not an ISO 8601 time"
            ) from err
    else:
        raise PriceFormatError(f"{where}: expected a time, got {type(value).__name__}")
    # A naive time in a Danish integration's attributes is Danish local time.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=DANISH_TIME)


def _parse_price(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PriceFormatError(
            f"{where}: expected a number, got {type(value).__name__}"
        )
    try:
        return float(value)
    except ValueError as err:
        raise PriceFormatError(f"{where}: {value!r} is not a number") from err


def _unit_of(attributes: Mapping[str, Any], default_currency: str) -> tuple[str, float]:
    """Return (currency, divisor to get currency per kWh) from the attributes."""
    unit_text = str(attributes.get("unit_of_measurement") or "")
    money, _, energy = unit_text.partition("/")
    money = money.strip().lower()
    energy = str(attributes.get("unit") or energy).strip().lower()
    currency = str(
        attributes.get("currency") or _CURRENCY_SYMBOLS.get(money, default_currency)
    ).upper()
    divisor = _PER_KWH_DIVISOR.get(energy, 1.0)
    if money in _SUBUNITS or attributes.get("price_in_cents") is True:
        divisor *= 100.0
    return currency, divisor


def parse_entity_prices(
    attributes: Mapping[str, Any], *, entity_id: str = "the price entity"
) -> PriceSeries:
    """Read today's and tomorrow's prices from an entity's attributes into a series per kWh."""
    entity_format = detect_entity_format(attributes)
    if entity_format is None:
        raise PriceFormatError(
            f"{entity_id} has no price forecast in a known shape; expected {EXPECTED_SHAPES}"
        )
    keys, time_key, value_key = _LAYOUTS[entity_format]
    currency, divisor = _unit_of(
        attributes, "EUR" if entity_format is EntityFormat.ENTSOE else "DKK"
    )
    points: list[RawPoint] = []
    for key in keys:
        items = attributes.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PriceFormatError(
                f"{entity_id}.{key}: expected a list, got {type(items).__name__}"
            )
        for index, item in enumerate(items):
            where = f"{entity_id}.{key}[{index}]"
            if (
                not isinstance(item, Mapping)
                or time_key not in item
                or value_key not in item
            ):
                raise PriceFormatError(
                    f"{where}: expected an item with '{time_key}' and '{value_key}'"
                )
            price = _parse_price(item[value_key], where)
            end = (
                _parse_time(item["end"], where)
                if entity_format is EntityFormat.NORDPOOL_HACS and item.get("end")
                else None
            )
            points.append(
                RawPoint(
                    start=_parse_time(item[time_key], where),
                    end=end,
                    price_per_kwh=None if price is None else price / divisor,
                )
            )
    return build_series(points, currency=currency, source=entity_format.value)


def parse_nordpool_core_response(
    response: Mapping[str, Any], *, area: str, currency: str
) -> PriceSeries:
    """Read core Nord Pool's get_prices_for_date response ({area: [{start, end, price per MWh}]})."""
    items = response.get(area)
    if not isinstance(items, list):
        raise PriceFormatError(
            f"Nord Pool response has no list for area {area}; expected {{'{area}': [{{start, end, price}}]}}"
        )
    points: list[RawPoint] = []
    for index, item in enumerate(items):
        where = f"nordpool.{area}[{index}]"
        if (
            not isinstance(item, Mapping)
            or not {"start", "end", "price"} <= item.keys()
        ):
            raise PriceFormatError(
                f"{where}: expected an item with 'start', 'end' and 'price'"
            )
        price = _parse_price(item["price"], where)
        points.append(
            RawPoint(
                start=_parse_time(item["start"], where),
                end=_parse_time(item["end"], where),
                price_per_kwh=None if price is None else price / 1000.0,
            )
        )
    return build_series(points, currency=currency, source=SOURCE_NORDPOOL_CORE)
