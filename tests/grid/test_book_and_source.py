"""The reservation book (kept in .storage, replaced per source) and the Hz sensor as a frequency source."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.control.frequency import FrequencySource, judge
from custom_components.v2g_home.control.reserve import Commitment, ReserveProduct
from custom_components.v2g_home.grid.frequency_source import FrequencyReader
from custom_components.v2g_home.scheduling.reservations import (
    ReservationBook,
    reservations_store_key,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant

HOUR = timedelta(hours=1)


def held(
    start: datetime,
    end: datetime,
    *,
    source: str = "manual",
    device_id: str = "car",
    product: ReserveProduct = ReserveProduct.FCR_N,
) -> Commitment:
    return Commitment(
        device_id=device_id,
        product=product,
        kw=2.0,
        start=start,
        end=end,
        source=source,
    )


async def test_the_book_is_kept_and_ended_commitments_are_dropped(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """What is committed is there after a restart; what has ended by then is not."""
    now = dt_util.utcnow()
    book = ReservationBook(hass, "site")
    heard: list[None] = []
    book.async_add_listener(lambda: heard.append(None))
    soon = held(now + HOUR, now + 2 * HOUR, product=ReserveProduct.FCR_D_UP)
    await book.async_commit([held(now, now + HOUR), soon])
    assert heard == [None]
    assert book.reserved("car", now).fcr_n_kw == 2.0
    assert book.reserved("car", now).fcr_d_up_kw == 0.0
    assert book.devices(now) == {"car"}
    assert book.next_start(now) == soon.start
    stored = hass_storage[reservations_store_key("site")]["data"]["commitments"]
    # The first ended while Home Assistant was stopped.
    stored[0] |= {
        "start": (now - 2 * HOUR).isoformat(),
        "end": (now - HOUR).isoformat(),
    }
    again = ReservationBook(hass, "site")
    await again.async_load()
    assert again.commitments == (soon,)
    await again.async_remove()


async def test_a_replace_touches_only_its_own_source_from_its_time_on(
    hass: HomeAssistant,
) -> None:
    """The plan's re-plan keeps the aggregator's commitment and its own hour under way up to now."""
    now = dt_util.utcnow()
    book = ReservationBook(hass, "site")
    aggregator = held(now, now + HOUR, source="commit_reserve")
    under_way = held(now - HOUR / 2, now + HOUR / 2, source="plan")
    later = held(now + HOUR, now + 2 * HOUR, source="plan")
    await book.async_commit([aggregator, under_way, later])
    new = held(now, now + 3 * HOUR, source="plan", product=ReserveProduct.FCR_D_DOWN)
    await book.async_replace([new], source="plan", from_time=now + HOUR / 4)
    assert set(book.commitments) == {
        aggregator,
        held(now - HOUR / 2, now + HOUR / 4, source="plan"),
        new,
    }
    # A cut after a commitment's end leaves it as it was.
    await book.async_clear(source="commit_reserve", from_time=now + 2 * HOUR)
    assert aggregator in book.commitments
    await book.async_clear(device_id="car")
    assert book.commitments == ()


async def test_an_unreadable_book_starts_empty(
    hass: HomeAssistant, hass_storage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A damaged commitment is reported and left out, the others kept, nothing raised into the setup."""
    hass_storage[reservations_store_key("site")] = {
        "version": 1,
        "key": reservations_store_key("site"),
        "data": {
            "commitments": [
                {"device_id": "car", "product": "fcr_x"},
                {
                    "device_id": "car",
                    "product": "fcr_n",
                    "kw": 1.5,
                    "start": dt_util.utcnow().isoformat(),
                    "end": (dt_util.utcnow() + HOUR).isoformat(),
                },
            ]
        },
    }
    book = ReservationBook(hass, "site")
    with caplog.at_level(logging.WARNING):
        await book.async_load()
    assert [c.kw for c in book.commitments] == [1.5]
    assert "unreadable" in caplog.text


@pytest.mark.parametrize(
    ("state", "attributes", "hz", "error"),
    [
        ("50.02", {"unit_of_measurement": "Hz"}, 50.02, None),
        ("0.04998", {"unit_of_measurement": "kHz"}, 49.98, None),
        ("unavailable", {"unit_of_measurement": "Hz"}, None, "unavailable"),
        ("50.0", {"unit_of_measurement": "V"}, None, "unit"),
        (None, {}, None, "missing"),
    ],
)
async def test_a_hz_sensor_is_read_with_the_time_it_last_reported(
    hass: HomeAssistant,
    state: str | None,
    attributes: dict[str, Any],
    hz: float | None,
    error: str | None,
) -> None:
    """Hz or kHz to Hz, stamped when the sensor last reported; no value gives the reason instead."""
    if state is not None:
        hass.states.async_set("sensor.grid_hz", state, attributes)
    reader = FrequencyReader(hass, {"frequency_entity": "sensor.grid_hz"}, {})
    await reader.async_setup()
    assert reader.kind is FrequencySource.ENTITY
    reading = await reader.async_read()
    assert reading is not None
    assert reading.hz == (None if hz is None else pytest.approx(hz))
    assert reading.error == error
    if hz is not None:
        current = hass.states.get("sensor.grid_hz")
        assert current is not None
        assert reading.measured_at == current.last_reported
        assert judge(reading, current.last_reported + timedelta(seconds=2.5))[0] is None
    await reader.async_close()


async def test_no_source_and_a_missing_meter_profile(hass: HomeAssistant) -> None:
    """Nothing configured: no source. A meter whose profile is gone: reported, and no source either."""
    nothing = FrequencyReader(hass, {}, {})
    await nothing.async_setup()
    assert nothing.kind is None
    assert await nothing.async_read() is None
    meter = FrequencyReader(
        hass,
        {"frequency_meter_host": "192.0.2.1", "frequency_meter_profile": "gone"},
        {},
    )
    await meter.async_setup()
    assert meter.kind is None
    assert meter.describe()["error"] == "meter_profile_missing"
