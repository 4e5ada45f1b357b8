"""Price forecasts read from other integrations' entity attributes and actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.v2g_home.prices.entity_adapters import (
    EntityFormat,
    detect_entity_format,
    parse_entity_prices,
    parse_nordpool_core_response,
)
from custom_components.v2g_home.prices.models import PriceFormatError
from tests.helpers.recorded import load_fixture

MIDNIGHT_UTC = datetime(2026, 1, 13, 23, 0, tzinfo=UTC)  # 2026-01-14 00:00 Danish time


def test_hacs_nordpool_quarter_hours() -> None:
    """raw_today items {start, end, value} in DKK/kWh become 96 quarter-hour slots."""
    attributes = load_fixture("entity_nordpool_hacs_dk1_2026-01-14.json")
    assert detect_entity_format(attributes) is EntityFormat.NORDPOOL_HACS
    series = parse_entity_prices(attributes, entity_id="sensor.nordpool")
    assert (series.currency, series.source, len(series.slots)) == (
        "DKK",
        "nordpool_hacs",
        96,
    )
    assert series.slots[0].start == MIDNIGHT_UTC
    assert series.slots[0].duration == timedelta(minutes=15)
    assert series.slots[0].price_per_kwh == pytest.approx(0.275)


def test_hacs_nordpool_with_datetime_objects_in_cents_per_mwh() -> None:
    """Live attributes hold datetimes; cents and MWh are converted to currency per kWh."""
    start = datetime(2026, 1, 14, 0, 0, tzinfo=UTC)
    attributes = {
        "raw_today": [
            {"start": start, "end": start + timedelta(hours=1), "value": 5000.0}
        ],
        "raw_tomorrow": None,
        "currency": "EUR",
        "unit": "MWh",
        "price_in_cents": True,
    }
    series = parse_entity_prices(attributes)
    assert series.currency == "EUR"
    assert series.slots[0].duration == timedelta(hours=1)
    assert series.slots[0].price_per_kwh == pytest.approx(0.05)


def test_hacs_energidataservice_today_and_tomorrow() -> None:
    """{hour, price} items at 15 minutes; tomorrow included, the Carnot forecast left out."""
    series = parse_entity_prices(
        load_fixture("entity_energidataservice_hacs_dk1_2026-01-14.json")
    )
    assert (series.currency, series.source, len(series.slots)) == (
        "DKK",
        "energidataservice_hacs",
        192,
    )
    assert series.slots[-1].end == MIDNIGHT_UTC + timedelta(days=2)
    assert {slot.duration for slot in series.slots} == {timedelta(minutes=15)}


def test_entsoe_hourly_eur() -> None:
    """ENTSO-E {time, price} items in EUR/kWh; 'prices' repeats both days and is de-duplicated."""
    series = parse_entity_prices(load_fixture("entity_entsoe_dk1_2026-01-14_15.json"))
    assert (series.currency, series.source, len(series.slots)) == ("EUR", "entsoe", 48)
    assert series.slots[0].duration == timedelta(hours=1)
    assert series.slots[0].price_per_kwh == pytest.approx(0.03691)


def test_core_nordpool_action_response() -> None:
    """get_prices_for_date gives {area: [{start, end, price per MWh}]}."""
    series = parse_nordpool_core_response(
        load_fixture("nordpool_core_get_prices_for_date_dk1_2026-01-14.json"),
        area="DK1",
        currency="DKK",
    )
    assert (series.source, len(series.slots)) == ("nordpool_core", 96)
    assert series.slots[0].start == MIDNIGHT_UTC
    assert series.slots[0].price_per_kwh == pytest.approx(0.27538)


def test_naive_times_are_danish_and_ore_is_a_subunit() -> None:
    """A naive time is read as Danish local time; øre/kWh is divided by 100."""
    attributes = {
        "raw_today": [{"hour": "2026-07-01T18:00:00", "price": 150}],
        "unit_of_measurement": "øre/kWh",
    }
    series = parse_entity_prices(attributes)
    assert series.slots[0].start == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    assert series.slots[0].price_per_kwh == pytest.approx(1.5)
    assert series.currency == "DKK"


def test_unknown_shape_names_what_was_expected() -> None:
    """An entity without a known forecast gets an error listing the shapes we read."""
    assert detect_entity_format({"today": [0.3, 0.4]}) is None
    with pytest.raises(
        PriceFormatError,
        match=r"sensor\.x has no price forecast.*raw_today.*prices_today",
    ):
        parse_entity_prices({"today": [0.3, 0.4]}, entity_id="sensor.x")


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {
                "raw_today": [{"hour": "2026-01-14T00:00:00+01:00", "price": 1}],
                "raw_tomorrow": "soon",
            },
            "raw_tomorrow: expected a list",
        ),
        (
            {
                "raw_today": [
                    {"hour": "2026-01-14T00:00:00+01:00", "price": 1},
                    {"hour": "x"},
                ]
            },
            r"raw_today\[1\]: expected an item",
        ),
        ({"raw_today": [{"hour": "yesterday", "price": 1}]}, "not an ISO 8601 time"),
        ({"raw_today": [{"hour": 12, "price": 1}]}, "expected a time"),
        (
            {"raw_today": [{"hour": "2026-01-14T00:00:00+01:00", "price": "cheap"}]},
            "not a number",
        ),
        (
            {"raw_today": [{"hour": "2026-01-14T00:00:00+01:00", "price": [1]}]},
            "expected a number",
        ),
    ],
)
def test_malformed_attributes(attributes: dict[str, Any], message: str) -> None:
    """Malformed items raise PriceFormatError naming the item."""
    with pytest.raises(PriceFormatError, match=message):
        parse_entity_prices(attributes)


def test_missing_prices_are_gaps() -> None:
    """None prices leave gaps rather than zeros."""
    attributes = {
        "prices_today": [
            {"time": "2026-01-14T00:00:00+01:00", "price": 0.1},
            {"time": "2026-01-14T01:00:00+01:00", "price": None},
        ]
    }
    series = parse_entity_prices(attributes)
    assert len(series.slots) == 1


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"DK2": []}, "no list for area DK1"),
        (
            {"DK1": [{"start": "2026-01-14T00:00:00+00:00", "price": 1}]},
            "'start', 'end' and 'price'",
        ),
    ],
)
def test_malformed_core_nordpool_response(
    response: dict[str, Any], message: str
) -> None:
    """The action's response is validated too."""
    with pytest.raises(PriceFormatError, match=message):
        parse_nordpool_core_response(response, area="DK1", currency="DKK")


def test_an_integration_that_has_not_fetched_yet_is_accepted() -> None:
    """Empty forecast lists are a known layout with no prices yet, not an unknown shape."""
    assert (
        detect_entity_format({"raw_today": [], "raw_tomorrow": []})
        is EntityFormat.NORDPOOL_HACS
    )
    assert detect_entity_format({"prices_today": []}) is EntityFormat.ENTSOE
    assert (
        parse_entity_prices({"prices_today": [], "prices_tomorrow": None}).slots == ()
    )
    # A filled list of another layout wins over an empty one.
    assert (
        detect_entity_format(
            {
                "raw_today": [],
                "prices_today": [{"time": "2026-01-14T00:00:00+01:00", "price": 0.1}],
            }
        )
        is EntityFormat.ENTSOE
    )
