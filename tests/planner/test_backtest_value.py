"""Backtest: house load and solar files, the learned terminal value, the foresight share, joined files."""

from __future__ import annotations

from dataclasses import replace
import io
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.planner.backtest import main
from custom_components.v2g_home.planner.backtest_lookahead import (
    Lookahead,
    TerminalPolicy,
)
from custom_components.v2g_home.planner.backtest_report import Totals
from custom_components.v2g_home.planner.backtest_sim import market_slots, simulate
from custom_components.v2g_home.planner.backtest_site import (
    DeviceSpec,
    HouseLoad,
    SiteSpec,
)
from custom_components.v2g_home.planner.backtest_site_yaml import load_profile
from custom_components.v2g_home.planner.price_files import load_price_file
from custom_components.v2g_home.planner.price_merge import load_price_files

FIXTURES = Path(__file__).parent.parent / "fixtures"
ELSPOT = FIXTURES / "backtest" / "elspotprices_dk1_2023-10-26_2023-11-01.csv"
LOAD = (
    FIXTURES / "load" / "konstanz_residential4_2016-10-20_2016-11-06_load_pv_hourly.csv"
)
LEAF = DeviceSpec(
    name="leaf",
    capacity_kwh=37,
    soc_min=0.2,
    soc_max=0.9,
    soc_start=0.5,
    charge_power_kw=7.4,
    discharge_power_kw=7.4,
    charge_efficiency=0.92,
    discharge_efficiency=0.92,
    wear_per_kwh=0.05,
)


def _json(*args: str | Path) -> dict[str, Any]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(a) for a in (*args, "--json")], stdout=stdout, stderr=stderr)
    assert code == 0, stderr.getvalue()
    data: dict[str, Any] = json.loads(stdout.getvalue())
    return data


def _profile(column: str) -> HouseLoad:
    first, values = load_profile(LOAD, "utc_timestamp", column)
    return HouseLoad(year_kwh=tuple(values), first_hour=first)


def test_share_flag_runs_perfect_foresight_too() -> None:
    data = _json("--prices", ELSPOT, "--wear", "0.05", "--share")
    assert 0.5 < data["share_of_foresight"] <= 1.0 + 1e-6
    assert data["foresight_net_profit"] >= data["net_profit"] - 1e-6
    foresight = _json("--prices", ELSPOT, "--wear", "0.05", "--perfect-foresight")
    assert data["foresight_net_profit"] == pytest.approx(foresight["net_profit"])
    stdout = io.StringIO()
    assert main(["--prices", str(ELSPOT), "--share"], stdout=stdout) == 0
    assert "perfect foresight: net profit" in stdout.getvalue()


def test_house_load_and_solar_flags_split_export_and_home_savings() -> None:
    spot = _json("--prices", ELSPOT)
    home = _json(
        "--prices", ELSPOT, "--house-load", LOAD, "--solar", LOAD, "--vat", "0.25"
    )
    assert spot["home_savings"] == 0.0
    assert home["home_savings"] > 0.0
    assert home["energy_to_home_kwh"] > 0.0
    parts = home["export_revenue"] + home["home_savings"] + home["trip_credit"]
    assert parts == pytest.approx(home["revenue"], abs=0.02)
    assert home["net_profit"] == pytest.approx(
        home["revenue"] - home["import_cost"] - home["wear_cost"], abs=0.02
    )


def test_net_profit_with_solar_is_the_bill_saved_less_wear() -> None:
    site = SiteSpec(
        devices=(LEAF,), house_load=_profile("household_load_kwh"), solar=_profile("pv")
    )
    slots = market_slots(load_price_file(ELSPOT), site)
    assert sum(s.solar_kw for s in slots) > 10.0  # some sun in an October week
    run = simulate(slots, site)

    def bill(grid_kw: float, slot: Any) -> float:
        if grid_kw >= 0:
            return grid_kw * slot.buy_price_per_kwh * slot.hours
        return grid_kw * max(slot.sell_price_per_kwh, 0.0) * slot.hours

    without = with_ = wear = 0.0
    for slot, (power,) in zip(slots, run.setpoints_kw, strict=True):
        base = slot.house_load_kw - slot.solar_kw
        without += bill(base, slot)
        with_ += bill(base + power, slot)
        wear += max(-power, 0.0) * slot.hours * LEAF.wear_per_kwh
    total = sum((t for _, t in run.months), start=Totals())
    assert total.net_profit == pytest.approx(without - with_ - wear, abs=1e-6)
    assert run.refused_kwh == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize("policy", list(TerminalPolicy))
def test_both_terminal_values_run_and_foresight_stays_ahead(
    policy: TerminalPolicy,
) -> None:
    site = SiteSpec(devices=(LEAF,), house_load=_profile("household_load_kwh"))
    slots = market_slots(load_price_file(ELSPOT), site)
    rolling = simulate(slots, site, terminal=policy)
    foresight = simulate(slots, site, perfect_foresight=True)
    profit = [sum(t.net_profit for _, t in r.months) for r in (rolling, foresight)]
    assert 0 < profit[0] <= profit[1] + 1e-6
    assert rolling.refused_kwh == pytest.approx(0.0, abs=1e-4)
    assert len(rolling.plan_ms) < len(slots) / 10  # re-planned on news, not every slot


def test_the_lookahead_is_learned_once_per_horizon_from_known_prices_only() -> None:
    site = SiteSpec(devices=(LEAF,))
    slots = market_slots(load_price_file(ELSPOT), site)
    lookahead = Lookahead(slots, site)
    stop, ahead = lookahead.after(48)
    assert lookahead.after(48) == (
        stop,
        ahead,
    )  # the same horizon, the same expectation
    assert [s.start for s in ahead] == [s.start for s in slots[48:stop]]
    assert 23 <= len(ahead) <= 25
    # Changing prices after the horizon does not change what is expected there.
    later = slots[:48] + tuple(
        replace(s, buy_price_per_kwh=99.0, sell_price_per_kwh=99.0) for s in slots[48:]
    )
    assert Lookahead(later, site).after(48)[1][0].sell_price_per_kwh == pytest.approx(
        ahead[0].sell_price_per_kwh
    )


def test_several_price_files_are_joined(tmp_path: Path) -> None:
    lines = ELSPOT.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]  # newest first
    newer, older = tmp_path / "newer.csv", tmp_path / "older.csv"
    newer.write_text("\n".join([header, *rows[:80]]) + "\n", encoding="utf-8")
    older.write_text("\n".join([header, *rows[80:]]) + "\n", encoding="utf-8")
    joined = load_price_files([older, newer])
    whole = load_price_file(ELSPOT)
    assert joined.slots == whole.slots
    assert _json("--prices", older, newer)["days"] == 7
    clash = tmp_path / "clash.csv"
    clash.write_text(
        "\n".join([header, rows[0].replace(";DK1;", ";DK1;9")]) + "\n",
        encoding="utf-8",
    )
    stderr = io.StringIO()
    assert main(["--prices", str(ELSPOT), str(clash)], stderr=stderr) == 2
    assert "differently" in stderr.getvalue()


def test_a_site_file_names_its_solar_file(tmp_path: Path) -> None:
    site_file = tmp_path / "site.yaml"
    site_file.write_text(
        f"house_load_file: {LOAD}\nsolar_file: {LOAD}\n"
        "devices:\n  - {name: leaf, capacity_kwh: 37, power_kw: 7.4, efficiency: 0.92}\n",
        encoding="utf-8",
    )
    with_solar = _json("--prices", ELSPOT, "--site", site_file)
    assert with_solar["energy_to_home_kwh"] > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("utc_timestamp,pv\n2016-10-20T00:00:00Z,inf\n", encoding="utf-8")
    stderr = io.StringIO()
    assert main(["--prices", str(ELSPOT), "--solar", str(bad)], stderr=stderr) == 2
    assert "--solar" in stderr.getvalue()
    assert "bad value" in stderr.getvalue()
