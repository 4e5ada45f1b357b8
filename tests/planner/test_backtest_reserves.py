"""The backtest with reserves: the flags, the report, and the forecast bid over a DST and quarter-hour week."""

from __future__ import annotations

from datetime import timedelta
import io
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.planner import backtest_sim
from custom_components.v2g_home.planner.backtest import main
from custom_components.v2g_home.planner.backtest_account import market_slots
from custom_components.v2g_home.planner.backtest_args import (
    build_parser,
    site_from_flags,
)
from custom_components.v2g_home.planner.backtest_reserves import reserve_setup
from custom_components.v2g_home.planner.model import InfeasibilityKind
from custom_components.v2g_home.planner.price_files import DANISH_TIME
from custom_components.v2g_home.planner.price_merge import load_price_files

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reserves"
SPOT = FIXTURES / "dayaheadprices_dk2_2025-10-16_2025-10-27.csv"
FCR = FIXTURES / "fcrnddk2_dk2_2025-10-16_2025-10-27.csv"
MFRR = FIXTURES / "mfrrcapacitymarket_2025-10-16_2025-10-27.csv"
CAR = ("--power-kw", "10", "--wear", "0.05", "--area", "DK2")
RESERVE_KEYS = {"reserve_income", "activation_cost", "reserves"}


def _run(*args: str | Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _json(*args: str | Path) -> dict[str, Any]:
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _identity(data: dict[str, Any]) -> None:
    energy = data["revenue"] - data["import_cost"] - data["wear_cost"]
    assert data["net_profit"] == pytest.approx(
        energy + data["reserve_income"] - data["activation_cost"], abs=0.02
    )
    by_product = data["reserves"]
    assert data["reserve_income"] == pytest.approx(
        sum(p["income"] for p in by_product.values()), abs=0.05
    )


def test_perfect_foresight_reports_each_product() -> None:
    data = _json(
        "--prices",
        SPOT,
        "--reserve-prices",
        FCR,
        "--mfrr-prices",
        MFRR,
        "--reserves",
        "fcr-n,fcr-d-up,fcr-d-down,mfrr-up",
        *CAR,
        "--perfect-foresight",
    )
    assert set(data) >= RESERVE_KEYS
    assert set(data["reserves"]) == {"fcr_n", "fcr_d_up", "fcr_d_down", "mfrr_up"}
    assert all(
        set(p) == {"income", "activation_cost", "mean_kw"}
        for p in data["reserves"].values()
    )
    assert data["reserve_income"] > 0
    assert data["reserves"]["fcr_n"]["activation_cost"] > 0
    _identity(data)


def test_the_forecast_bid_earns_less_than_foresight_and_says_so() -> None:
    data = _json(
        "--prices",
        SPOT,
        "--reserve-prices",
        FCR,
        *CAR,
        "--share",
        "--aggregator-share",
        "0.4",
        "--fcr-n-activation",
        "0.3",
    )
    _identity(data)
    foresight = data["foresight"]
    assert set(foresight) >= {
        "export_revenue",
        "wear_cost",
        "net_profit",
        "reserve_income",
        "reserves",
    }
    assert 0 < data["net_profit"] <= foresight["net_profit"] + 1e-6
    assert data["share_of_foresight"] == pytest.approx(
        data["net_profit"] / foresight["net_profit"], abs=1e-4
    )


def test_the_share_and_activation_change_the_money() -> None:
    common = (
        "--prices",
        SPOT,
        "--reserve-prices",
        FCR,
        "--reserves",
        "fcr-n",
        *CAR,
        "--perfect-foresight",
    )
    base = _json(*common, "--aggregator-share", "0.4", "--fcr-n-activation", "0.3")
    kept = _json(*common, "--aggregator-share", "0.0", "--fcr-n-activation", "0.3")
    free = _json(*common, "--aggregator-share", "0.4", "--fcr-n-activation", "0.0")
    assert kept["reserve_income"] > base["reserve_income"]
    assert free["activation_cost"] == 0.0
    assert free["net_profit"] >= base["net_profit"]


def test_the_table_lists_the_products() -> None:
    code, out, err = _run(
        "--prices", SPOT, "--reserve-prices", FCR, *CAR, "--perfect-foresight"
    )
    assert code == 0, err
    assert "reserves: income" in out
    assert "  FCR-N: income" in out
    assert "kW held on average" in out


def test_without_reserve_flags_the_json_keeps_its_keys() -> None:
    data = _json("--prices", SPOT, *CAR, "--perfect-foresight")
    assert not RESERVE_KEYS & set(data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reserves", "fcr-n"), "--reserves needs --reserve-prices"),
        (
            ("--reserve-prices", str(FCR), "--reserves", "afrr"),
            "unknown reserve product",
        ),
        (
            ("--reserve-prices", str(FCR), "--reserves", "mfrr-up"),
            "no prices for mFRR up",
        ),
        (
            ("--reserve-prices", str(SPOT)),
            "not an FcrNdDK2, FcrDK1 or MfrrCapacityMarket file",
        ),
        (("--reserve-prices", str(FIXTURES / "missing.csv")), "cannot read"),
    ],
)
def test_bad_reserve_flags_are_explained(args: tuple[str, ...], message: str) -> None:
    code, _, err = _run("--prices", SPOT, *CAR, *args)
    assert code == 2
    assert message in err


def test_an_aggregator_cannot_keep_everything() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--prices", "x", "--aggregator-share", "1"])


def test_the_forecast_bid_holds_its_accepted_bids_through_dst_and_quarter_hours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = build_parser().parse_args(["--prices", str(SPOT), *CAR])
    prices = load_price_files([SPOT], area="DK2")
    site = site_from_flags(args)
    slots = market_slots(prices, site)
    assert {s.duration for s in slots} == {timedelta(minutes=15)}
    setup = reserve_setup(
        [FCR],
        products=None,
        area="DK2",
        currency="DKK",
        aggregator_share=0.4,
        fcr_n_activation=0.3,
    )
    problems = []
    planned = backtest_sim.plan

    def recording(problem):  # type: ignore[no-untyped-def]
        result = planned(problem)
        problems.append((problem, result))
        return result

    monkeypatch.setattr(backtest_sim, "plan", recording)
    run = backtest_sim.simulate(slots, site, reserves=setup)
    assert all(
        p.kind is not InfeasibilityKind.RESERVE_COMMITMENT
        for _, result in problems
        for p in result.infeasibilities
    )
    # The 25-hour day: its bid (made at 07:00 the day before) covers every hour it holds.
    committed = {
        c.start
        for problem, _ in problems
        if problem.reserves is not None
        for c in problem.reserves.commitments
        if c.start.astimezone(DANISH_TIME).date().isoformat() == "2025-10-26"
    }
    assert len(committed) >= 20
    assert all(key in {"fcr_n", "fcr_d_up", "fcr_d_down"} for key, *_ in run.reserves)
    assert sum(income for _, income, _, _ in run.reserves) > 0
