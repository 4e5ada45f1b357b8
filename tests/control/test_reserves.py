"""An aggregator's dispatch inside the floors, and the site's reserve option as a market for the plan."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.v2g_home.control.decide import Force, Situation, decide
from custom_components.v2g_home.control.dispatch import Dispatch, dispatch_refusal
from custom_components.v2g_home.control.modes import ControlMode
from custom_components.v2g_home.control.reserve_settings import (
    ReserveSettings,
    offer_windows,
    reserve_market,
)
from custom_components.v2g_home.planner.model import Slot
from custom_components.v2g_home.planner.reserve_model import ReserveCommitment

from .conftest import NOW, SETTINGS, car, pack

DANISH = ZoneInfo("Europe/Copenhagen")
SOON = NOW + timedelta(minutes=5)


def _situation(**changes: object) -> Situation:
    return Situation(
        device=changes.pop("device", car()),  # type: ignore[arg-type]
        now=NOW,
        settings=SETTINGS,
        planned_kw=float(changes.pop("planned_kw", 0.0)),  # type: ignore[arg-type]
        **changes,  # type: ignore[arg-type]
    )


def test_a_dispatch_adds_to_the_plan() -> None:
    command = decide(_situation(planned_kw=2.0, offset_kw=-3.0))
    assert (command.setpoint_kw, command.reason) == (-1.0, "dispatch")


@pytest.mark.parametrize(
    ("situation", "offset", "refusal"),
    [
        ({}, -3.0, None),
        ({"planned_kw": 5.0}, 2.0, None),
        ({"device": car(soc_pct=20.01)}, -3.0, "reserve_floor"),
        ({"departure": (NOW + timedelta(hours=3), 80.0)}, -3.0, "departure_floor"),
        ({"planned_kw": 5.0}, 3.0, "power_limit"),
        ({"device": pack()}, -6.0, "power_limit"),
        ({"device": car(mode=ControlMode.HOLD)}, 1.0, "user_mode"),
        ({"device": car(available=False)}, 1.0, "unavailable"),
        ({"force": Force(power_kw=2.0, until=SOON)}, 1.0, "force"),
        ({"device": car(reading_age_s=600.0)}, -1.0, "stale_reading"),
        ({"prices_known": False}, -1.0, "stale_prices"),
        ({"device": car(soc_pct=None)}, -1.0, "soc_unknown"),
    ],
)
def test_a_dispatch_is_refused_where_it_cannot_be_honoured(
    situation: dict[str, object], offset: float, refusal: str | None
) -> None:
    dispatch = Dispatch(offset_kw=offset, until=SOON)
    assert dispatch_refusal(_situation(**situation), dispatch) == refusal


def test_an_ended_dispatch_is_refused() -> None:
    dispatch = Dispatch(offset_kw=1.0, until=NOW)
    assert not dispatch.active(NOW)
    assert dispatch_refusal(_situation(), dispatch) == "ended"


def test_the_settings_come_from_the_options_section() -> None:
    settings = ReserveSettings.from_options(
        {
            "reserves_on": True,
            "reserve_products": ["fcr_n", "afrr"],
            "aggregator_share_pct": 25,
            "reserve_offer_from": "17:00:00",
            "reserve_offer_to": "07:00:00",
            "reserve_soc_low_pct": 30,
            "reserve_soc_high_pct": 80,
        }
    )
    assert settings == ReserveSettings(
        enabled=True,
        products=("fcr_n",),
        aggregator_share=0.25,
        offer_from=time(17),
        offer_to=time(7),
        soc_low_pct=30.0,
        soc_high_pct=80.0,
    )
    assert ReserveSettings.from_options({}) == ReserveSettings()


def test_a_dk1_site_offers_only_what_is_sold_in_dk1() -> None:
    """DK1 lies in the continental area: its FCR and mFRR up; a Nordic product chosen before is dropped."""
    chosen = {"reserves_on": True, "reserve_products": ["fcr_n", "fcr_dk1", "mfrr_up"]}
    settings = ReserveSettings.from_options(chosen, area="DK1")
    assert settings.products == ("fcr_dk1", "mfrr_up")
    assert ReserveSettings.from_options({}, area="DK1").products == ("fcr_dk1",)
    assert ReserveSettings.from_options(chosen, area="DK2").products == (
        "fcr_n",
        "mfrr_up",
    )


def test_offered_hours_run_overnight_in_danish_time() -> None:
    settings = ReserveSettings(enabled=True, offer_from=time(17), offer_to=time(7))
    start = datetime(2026, 1, 15, 12, tzinfo=UTC)  # 13:00 Danish time
    windows = offer_windows(settings, start, start + timedelta(days=1, hours=6), DANISH)
    assert windows is not None
    assert [
        (w.start.astimezone(DANISH).hour, w.end.astimezone(DANISH).hour)
        for w in windows
    ] == [
        (17, 7),
        (17, 19),
    ]
    assert offer_windows(ReserveSettings(enabled=True), start, start, DANISH) is None


def _slots(hours: int) -> tuple[Slot, ...]:
    return tuple(
        Slot(
            start=NOW.replace(minute=0) + timedelta(hours=h),
            duration=timedelta(hours=1),
            buy_price_per_kwh=1.0,
            sell_price_per_kwh=0.8,
        )
        for h in range(hours)
    )


def test_the_market_bids_on_results_then_on_same_hour_medians() -> None:
    settings = ReserveSettings(
        enabled=True, products=("fcr_n", "mfrr_up"), soc_low_pct=30.0
    )
    week = NOW.replace(minute=0) - timedelta(days=7)
    results = {
        "fcr_n": {
            week + timedelta(hours=h): 0.1 + (h % 24) / 100 for h in range(24 * 7 + 2)
        }
    }
    commitment = ReserveCommitment(
        device_id="charger",
        product="fcr_n",
        start=NOW,
        end=NOW + timedelta(hours=1),
        kw=2.0,
    )
    other = ReserveCommitment(
        device_id="van",
        product="fcr_n",
        start=NOW,
        end=NOW + timedelta(hours=1),
        kw=2.0,
    )
    market = reserve_market(
        settings,
        results=results,
        commitments=(commitment, other),
        device_ids=("charger",),
        slots=_slots(6),
        zone=DANISH,
    )
    assert market is not None
    assert [p.key for p in market.products] == ["fcr_n", "mfrr_up"]
    assert set(market.prices) == {
        "fcr_n"
    }  # no mFRR results, so no mFRR forecast either
    known = NOW.replace(minute=0)
    assert market.prices["fcr_n"][known] == results["fcr_n"][known]
    assert market.commitments == (commitment,)
    (offer,) = market.offers
    assert (offer.device_id, offer.soc_low, offer.windows) == ("charger", 0.3, None)
    assert market.aggregator_share == 0.4


def test_no_market_with_reserves_off_or_nothing_to_offer() -> None:
    arguments = {"results": {}, "commitments": (), "slots": _slots(2), "zone": DANISH}
    assert (
        reserve_market(ReserveSettings(), device_ids=("charger",), **arguments) is None
    )  # type: ignore[arg-type]
    on = ReserveSettings(enabled=True)
    assert reserve_market(on, device_ids=(), **arguments) is None  # type: ignore[arg-type]
