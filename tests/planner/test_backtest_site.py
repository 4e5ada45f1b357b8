"""Tests for the backtest's site description (YAML file and tariffs)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.planner.backtest_site import (
    HouseLoad,
    SiteError,
    Tariff,
    TariffBand,
)
from custom_components.v2g_home.planner.backtest_site_yaml import (
    load_site,
    site_from_mapping,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "backtest"
DEVICE = {"name": "leaf", "capacity_kwh": 37, "power_kw": 7.4, "efficiency": 0.92}


def _site(tmp_path: Path, **root: Any) -> Any:
    return site_from_mapping({"devices": [DEVICE], **root}, base_dir=tmp_path)


def test_shipped_site_file_reads_devices_trips_tariff_and_load() -> None:
    site = load_site(FIXTURES / "site_leaf_and_pack.yaml")
    leaf, pack = site.devices
    assert (leaf.name, leaf.capacity_kwh, leaf.min_power_kw, leaf.soc_start) == (
        "leaf",
        37.0,
        1.38,
        0.6,
    )
    assert (leaf.charge_power_kw, leaf.discharge_power_kw) == (7.4, 7.4)
    assert (
        pack.charge_power_kw,
        pack.discharge_power_kw,
        pack.discharge_efficiency,
    ) == (5.0, 4.0, 0.95)
    assert pack.soc_start == 0.1  # defaults to the lowest SoC
    trip = leaf.trips[0]
    assert trip.weekdays == frozenset(range(5))
    assert (trip.leave, trip.back, trip.energy_kwh) == (time(7, 30), time(16, 30), 6.0)
    assert site.import_limit_kw == 17.0
    assert site.export_limit_kw is None
    # 18:00 Danish time on a January day is the winter peak.
    assert site.house_load.kw_at(datetime(2024, 1, 10, 17, tzinfo=UTC)) == 1.5


def test_buy_price_adds_time_of_use_by_danish_hour_and_season_then_vat() -> None:
    tariff = load_site(FIXTURES / "site_leaf_and_pack.yaml").tariff
    winter_peak = datetime(2024, 1, 10, 16, tzinfo=UTC)  # 17:00 CET
    summer_night = datetime(2024, 7, 10, 1, tzinfo=UTC)  # 03:00 CEST
    assert tariff.buy_price(0.5, winter_peak) == pytest.approx(
        (0.5 + 0.855 + 0.8788) * 1.25
    )
    assert tariff.buy_price(0.5, summer_night) == pytest.approx(
        (0.5 + 0.855 + 0.0976) * 1.25
    )
    assert tariff.sell_price(0.5) == pytest.approx(0.49)


def test_tariff_band_ends_before_its_to_hour() -> None:
    band = TariffBand(from_hour=17, to_hour=21, price_per_kwh=1.0)
    tariff = Tariff(time_of_use=(band,))
    assert (
        tariff.buy_price(0.0, datetime(2024, 1, 10, 19, 59, tzinfo=UTC)) == 1.0
    )  # 20:59 local
    assert (
        tariff.buy_price(0.0, datetime(2024, 1, 10, 20, tzinfo=UTC)) == 0.0
    )  # 21:00 local


def test_unquoted_yaml_times_are_read_as_clock_times(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(
        "devices:\n  - capacity_kwh: 37\n    power_kw: 7\n    efficiency: 0.9\n"
        "    trips: [{leave: 07:30, back: 16:00, energy_kwh: 5}]\n",
        encoding="utf-8",
    )
    trip = load_site(path).devices[0].trips[0]
    assert (trip.leave, trip.back) == (time(7, 30), time(16, 0))


def test_house_load_file_is_looked_up_by_weekday_and_hour_of_year(
    tmp_path: Path,
) -> None:
    # A leap year of hourly values from midnight starting Friday 2016-01-01 (Danish time); value = hour index.
    lines = ["utc_timestamp,household_load_kwh", "2015-12-31T23:00:00Z,0"]
    lines += [f"t{hour},{hour}" for hour in range(1, 366 * 24)]
    lines[3] = "t2,"  # a blank repeats the hour before
    lines[4] = "t3,-0.2"  # a meter glitch counts as nothing
    (tmp_path / "load.csv").write_text("\n".join(lines), encoding="utf-8")
    load = _site(tmp_path, house_load_file="load.csv").house_load
    assert load.year_kwh[2:4] == (1.0, 0.0)
    # Monday 2024-01-01 12:00 CET takes Monday 2016-01-04 12:00 CET: 3 days and 12 hours in.
    assert load.kw_at(datetime(2024, 1, 1, 11, tzinfo=UTC)) == 3 * 24 + 12
    # Monday 2024-07-01 18:00 CEST takes Monday 2016-07-04 18:00 CEST = 16:00 UTC, 185 days and 17 hours in.
    assert load.kw_at(datetime(2024, 7, 1, 16, tzinfo=UTC)) == 185 * 24 + 17


def test_constant_house_load(tmp_path: Path) -> None:
    assert _site(tmp_path, house_load_kw=0.7).house_load == HouseLoad(
        hourly_kw=(0.7,) * 24
    )


@pytest.mark.parametrize(
    ("root", "message"),
    [
        ({"devices": []}, "'devices' must be a non-empty list"),
        ({"devices": [DEVICE, DEVICE]}, "names must be unique"),
        (
            {"devices": [{**DEVICE, "capacity_kwh": 0}]},
            "devices[0].capacity_kwh: 0.0 is out of range",
        ),
        (
            {"devices": [{**DEVICE, "efficiency": "high"}]},
            "devices[0].efficiency: a number is required",
        ),
        (
            {"devices": [{**DEVICE, "soc_min": 0.5, "soc_max": 0.4}]},
            "devices[0].soc_max",
        ),
        ({"devices": ["leaf"]}, "devices[0]: expected a mapping"),
        (
            {"devices": [{**DEVICE, "trips": [{"days": ["monday"]}]}]},
            "devices[0].trips[0].days",
        ),
        (
            {
                "devices": [
                    {
                        **DEVICE,
                        "trips": [{"leave": "noon", "back": "13:00", "energy_kwh": 1}],
                    }
                ]
            },
            "devices[0].trips[0].leave: a time like '07:30' is required",
        ),
        (
            {
                "devices": [
                    {
                        **DEVICE,
                        "trips": [{"leave": "17:00", "back": "08:00", "energy_kwh": 1}],
                    }
                ]
            },
            "'back' must be later the same day",
        ),
        (
            {
                "devices": [
                    {
                        **DEVICE,
                        "trips": [
                            {"leave": "07:00", "back": "08:00", "energy_kwh": 40}
                        ],
                    }
                ]
            },
            "energy_kwh: 40.0 is out of range",
        ),
        (
            {"devices": [DEVICE], "tariff": {"time_of_use": {}}},
            "tariff.time_of_use must be a list",
        ),
        (
            {"devices": [DEVICE], "tariff": {"time_of_use": [{"months": [13]}]}},
            "months: use a list",
        ),
        (
            {
                "devices": [DEVICE],
                "tariff": {
                    "time_of_use": [{"from_hour": 6, "to_hour": 6, "price_per_kwh": 1}]
                },
            },
            "to_hour: 6.0 is out of range",
        ),
        (
            {"devices": [DEVICE], "house_load_kw": [1.0] * 23},
            "house_load_kw: one number >= 0 or a list of 24",
        ),
        ({"devices": [DEVICE], "house_load_kw": True}, "house_load_kw"),
        (
            {"devices": [DEVICE], "export_allowed": "no"},
            "site.export_allowed: true or false",
        ),
        (
            {"devices": [DEVICE], "import_limit_kw": -1},
            "site.import_limit_kw: -1.0 is out of range",
        ),
        (
            {"devices": [DEVICE], "house_load_file": "missing.csv"},
            "house_load_file: cannot read",
        ),
        ([], "site: expected a mapping"),
    ],
)
def test_bad_site_descriptions_name_the_field(
    tmp_path: Path, root: Any, message: str
) -> None:
    with pytest.raises(SiteError) as caught:
        site_from_mapping(root, base_dir=tmp_path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("utc_timestamp,load\nx,1\n", "has no column 'household_load_kwh'"),
        ("household_load_kwh\n1\n", "has no column 'utc_timestamp'"),
        ("utc_timestamp,household_load_kwh\nnever,1\n", ":2: bad time 'never'"),
        (
            "utc_timestamp,household_load_kwh\n2016-01-01T00:00:00,1\n",
            "needs a UTC offset",
        ),
        (
            "utc_timestamp,household_load_kwh\n2016-01-01T00:00:00Z,lots\n",
            ":2: bad value",
        ),
    ],
)
def test_bad_house_load_files(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "load.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SiteError, match=message):
        _site(tmp_path, house_load_file="load.csv")


def test_unreadable_yaml_is_a_site_error(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("devices: [\n", encoding="utf-8")
    with pytest.raises(SiteError, match="cannot read site file"):
        load_site(path)
