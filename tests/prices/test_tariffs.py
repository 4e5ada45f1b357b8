"""Buy and sell prices for hand-checked examples, and the tariff data files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from custom_components.v2g_home.prices.combine import (
    DKK_PER_EUR,
    TariffSettings,
    apply_tariffs,
)
from custom_components.v2g_home.prices.energidataservice import (
    DAY_AHEAD,
    ELSPOT,
    parse_records,
)
from custom_components.v2g_home.prices.models import PriceSeries, PriceSlot
from custom_components.v2g_home.prices.tariffs import (
    TariffError,
    available_presets,
    load_preset_file,
    parse_custom_table,
    parse_preset,
)
from tests.helpers.recorded import load_fixture

if TYPE_CHECKING:
    from pathlib import Path

RADIUS = available_presets()["radius"]
N1 = available_presets()["n1"]


def _one_slot(
    start: datetime, spot_per_kwh: float, currency: str = "DKK"
) -> PriceSeries:
    slot = PriceSlot(
        start=start, duration=timedelta(minutes=15), price_per_kwh=spot_per_kwh
    )
    return PriceSeries(currency=currency, source="test", slots=(slot,))


def test_winter_weekday_peak_17_to_21() -> None:
    """Wednesday 2026-01-14 18:00 Danish time is Radius winter peak: 0.8788 DKK/kWh."""
    settings = TariffSettings(
        grid=RADIUS, supplier_markup_per_kwh=0.05, export_fee_per_kwh=0.02
    )
    start = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)  # 18:00 CET
    (slot,) = apply_tariffs(_one_slot(start, 1.0), settings)
    # (1.0 + 0.05 + 0.8788 + 0.115 + 0.008) x 1.25
    assert slot.buy_per_kwh == pytest.approx(2.56475)
    # 1.0 - 0.02 - 0.0103
    assert slot.sell_per_kwh == pytest.approx(0.9697)


@pytest.mark.parametrize(
    ("utc_hour", "utc_minute", "grid_per_kwh"),
    [
        (15, 45, 0.2929),  # 16:45 CET: high
        (16, 0, 0.8788),  # 17:00: peak starts
        (19, 45, 0.8788),  # 20:45: still peak
        (20, 0, 0.2929),  # 21:00: high again
        (4, 45, 0.0976),  # 05:45: low
        (5, 0, 0.2929),  # 06:00: high
    ],
)
def test_winter_band_edges(utc_hour: int, utc_minute: int, grid_per_kwh: float) -> None:
    """The bands switch exactly at 06, 17 and 21 Danish time."""
    settings = TariffSettings(
        grid=RADIUS, energinet_per_kwh=0.0, electricity_tax_per_kwh=0.0, vat_rate=0.0
    )
    (slot,) = apply_tariffs(
        _one_slot(datetime(2026, 1, 14, utc_hour, utc_minute, tzinfo=UTC), 0.0),
        settings,
    )
    assert slot.buy_per_kwh == pytest.approx(grid_per_kwh)


def test_summer_weekend_uses_the_same_bands_at_summer_rates() -> None:
    """Saturday 2026-06-13 18:00 CEST: Radius summer peak 0.414082 (the bands hold every day)."""
    settings = TariffSettings(grid=RADIUS, supplier_markup_per_kwh=0.05)
    (slot,) = apply_tariffs(
        _one_slot(datetime(2026, 6, 13, 16, 0, tzinfo=UTC), 0.5), settings
    )
    # (0.5 + 0.05 + 0.414082 + 0.115 + 0.008) x 1.25
    assert slot.buy_per_kwh == pytest.approx(1.3588525)
    (night,) = apply_tariffs(
        _one_slot(datetime(2026, 6, 13, 1, 0, tzinfo=UTC), 0.5), settings
    )
    # 03:00 CEST is low: (0.5 + 0.05 + 0.106175 + 0.115 + 0.008) x 1.25
    assert night.buy_per_kwh == pytest.approx(0.97396875)


def test_autumn_dst_day_has_100_quarters_and_peak_follows_local_time() -> None:
    """2025-10-26 has 25 Danish hours; 17:00 CET is 16:00 UTC after the clocks went back."""
    series = parse_records(
        load_fixture("dayaheadprices_dk1_2025-10-26_dst.json"),
        dataset=DAY_AHEAD,
        area="DK1",
        currency="DKK",
    )
    settings = TariffSettings(
        grid=RADIUS, energinet_per_kwh=0.0, electricity_tax_per_kwh=0.0, vat_rate=0.0
    )
    slots = {slot.start: slot for slot in apply_tariffs(series, settings)}
    assert len(slots) == 100
    # Both 02:00 hours (CEST then CET) are low.
    assert slots[datetime(2025, 10, 26, 0, 0, tzinfo=UTC)].buy_per_kwh == pytest.approx(
        0.61357 + 0.0976
    )
    assert slots[datetime(2025, 10, 26, 1, 0, tzinfo=UTC)].buy_per_kwh == pytest.approx(
        0.60014 + 0.0976
    )
    assert slots[datetime(2025, 10, 26, 15, 45, tzinfo=UTC)].buy_per_kwh - slots[
        datetime(2025, 10, 26, 15, 45, tzinfo=UTC)
    ].spot_per_kwh == pytest.approx(0.2929)
    assert slots[datetime(2025, 10, 26, 16, 0, tzinfo=UTC)].buy_per_kwh - slots[
        datetime(2025, 10, 26, 16, 0, tzinfo=UTC)
    ].spot_per_kwh == pytest.approx(0.8788)


def test_spring_dst_day_has_23_hours_and_peak_starts_at_15_utc() -> None:
    """2025-03-30 (N1 winter rates): 17:00 CEST is 15:00 UTC."""
    series = parse_records(
        load_fixture("elspotprices_dk1_2025-03-30_dst.json"),
        dataset=ELSPOT,
        area="DK1",
        currency="DKK",
    )
    assert len(series.slots) == 23
    settings = TariffSettings(
        grid=N1, energinet_per_kwh=0.0, electricity_tax_per_kwh=0.0, vat_rate=0.0
    )
    grid = {
        slot.start.hour: slot.buy_per_kwh - slot.spot_per_kwh
        for slot in apply_tariffs(series, settings)
    }
    assert grid[14] == pytest.approx(0.3250)
    assert grid[15] == pytest.approx(0.9751)
    assert grid[18] == pytest.approx(0.9751)
    assert grid[19] == pytest.approx(0.3250)


def test_negative_price_hour_makes_selling_cost_money() -> None:
    """2025-09-21 14:00 CEST: spot -9.777185 DKK/MWh with 2025's Energinet tariff and electricity tax."""
    series = parse_records(
        load_fixture("elspotprices_dk1_2025-09-20_21.json"),
        dataset=ELSPOT,
        area="DK1",
        currency="DKK",
    )
    settings = TariffSettings(
        grid=N1, energinet_per_kwh=0.135, electricity_tax_per_kwh=0.72
    )
    slot = next(
        s
        for s in apply_tariffs(series, settings)
        if s.start == datetime(2025, 9, 21, 12, tzinfo=UTC)
    )
    assert slot.spot_per_kwh == pytest.approx(-0.009777185)
    # (-0.009777185 + 0.1625 + 0.135 + 0.72) x 1.25
    assert slot.buy_per_kwh == pytest.approx(1.25965351875)
    assert slot.sell_per_kwh == pytest.approx(-0.020077185)


def test_eur_prices_get_tariffs_converted_at_the_peg() -> None:
    """Tariffs are DKK; a EUR series gets them divided by the central rate."""
    settings = TariffSettings(
        grid=None,
        supplier_markup_per_kwh=0.0,
        energinet_per_kwh=0.115,
        electricity_tax_per_kwh=0.008,
    )
    (slot,) = apply_tariffs(
        _one_slot(datetime(2026, 1, 14, tzinfo=UTC), 0.1, "EUR"), settings
    )
    assert slot.buy_per_kwh == pytest.approx((0.1 + 0.123 / DKK_PER_EUR) * 1.25)
    assert slot.sell_per_kwh == pytest.approx(0.1 - 0.0103 / DKK_PER_EUR)
    with pytest.raises(ValueError, match="SEK"):
        apply_tariffs(
            _one_slot(datetime(2026, 1, 14, tzinfo=UTC), 0.1, "SEK"), settings
        )


def test_shipped_presets_are_complete_and_ordered() -> None:
    """Every preset names a source, covers 24 hours, and has low <= high <= peak in every period."""
    presets = available_presets()
    assert {"radius", "cerius", "n1", "konstant", "tarm"} <= presets.keys()
    for preset in presets.values():
        assert preset.source
        assert len(preset.level_by_hour) == 24
        assert [p.valid_from for p in preset.periods] == sorted(
            p.valid_from for p in preset.periods
        )
        for period in preset.periods:
            rates = period.rate_per_kwh_by_level
            assert 0 < rates["low"] <= rates["high"] <= rates["peak"] < 2, (
                preset.id,
                period,
            )


def test_preset_validity_window() -> None:
    """A preset holds from its first rate until valid_to."""
    assert RADIUS.holds_on(date(2026, 11, 25))
    assert not RADIUS.holds_on(date(2027, 4, 1))
    assert not RADIUS.holds_on(date(2025, 3, 31))


def test_custom_table() -> None:
    """A custom table maps local hours to DKK/kWh."""
    table = parse_custom_table(
        "# my grid\n00-06 0.10\n06:00-17:00 0,30\n17-21 = 0.90\n21-24 0.30\n"
    )
    settings = TariffSettings(
        grid=table, energinet_per_kwh=0.0, electricity_tax_per_kwh=0.0, vat_rate=0.0
    )
    (slot,) = apply_tariffs(
        _one_slot(datetime(2026, 7, 1, 16, 0, tzinfo=UTC), 0.0), settings
    )  # 18:00 CEST
    assert slot.buy_per_kwh == pytest.approx(0.90)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00-06 0.1\n06-24 0.2\n05-07 0.3", "given twice"),
        ("00-06 0.1\n06-23 0.2", "hour 23 has no price"),
        ("cheap at night", "expected 'HH-HH price'"),
        ("06-05 0.1", "0 <= start < end <= 24"),
    ],
)
def test_custom_table_errors(text: str, message: str) -> None:
    """Bad tables are rejected with a message the user can act on."""
    with pytest.raises(TariffError, match=message):
        parse_custom_table(text)


GOOD = {
    "id": "x",
    "name": "X",
    "source": "test",
    "bands": {"low": [[0, 6]], "high": [[6, 24]]},
    "rates": [{"valid_from": date(2026, 1, 1), "low": 0.1, "high": 0.2}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "'name'"),
        ({"valid_to": "soon"}, "valid_to"),
        ({"bands": []}, "'bands'"),
        ({"bands": {"low": "0-6"}}, "list of"),
        (
            {"bands": {"low": [[0, 6, 7]], "high": [[6, 24]]}},
            "expected \\[start, end\\]",
        ),
        ({"bands": {"low": [[0, 25]]}}, "outside 0-24"),
        ({"bands": {"low": [[0, 7]], "high": [[6, 24]]}}, "two bands"),
        ({"bands": {"low": [[0, 6]], "high": [[7, 24]]}}, "hour 6 is in no band"),
        ({"rates": []}, "non-empty list"),
        ({"rates": [{"valid_from": "2026", "low": 0.1, "high": 0.2}]}, "valid_from"),
        ({"rates": [{"valid_from": date(2026, 1, 1), "low": 0.1}]}, "needs numbers"),
    ],
)
def test_preset_errors_name_the_field(change: dict[str, object], message: str) -> None:
    """An invalid data file fails with the field that is wrong."""
    with pytest.raises(TariffError, match=message):
        parse_preset({**GOOD, **change}, "x.yaml")
    with pytest.raises(TariffError, match="expected a mapping"):
        parse_preset([], "x.yaml")


def test_preset_file_errors(tmp_path: Path) -> None:
    """Unreadable YAML is a TariffError naming the file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n")
    with pytest.raises(TariffError, match=r"bad\.yaml: cannot read"):
        load_preset_file(bad)
