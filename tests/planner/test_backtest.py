"""Tests for the backtest command on small shipped price files."""

from __future__ import annotations

import io
import json
from pathlib import Path
import subprocess
import sys
from typing import Any

import pytest

from custom_components.v2g_home.planner.backtest import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "backtest"
ELSPOT = FIXTURES / "elspotprices_dk1_2023-10-26_2023-11-01.csv"
DAY_AHEAD = FIXTURES / "dayaheadprices_dk1_2024-03-30_2024-04-01.csv"
PLAIN = FIXTURES / "plain_dk1_dkk_2024-06-10_2024-06-12.csv"
SITE = FIXTURES / "site_leaf_and_pack.yaml"
REPO = Path(__file__).parent.parent.parent
JSON_KEYS = {
    "energy_charged_kwh",
    "energy_sold_kwh",
    "energy_to_home_kwh",
    "export_revenue",
    "home_savings",
    "trip_credit",
    "revenue",
    "import_cost",
    "wear_cost",
    "net_profit",
    "currency",
    "days",
    "plan_ms_median",
    "plan_ms_p95",
}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(*args: str | Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _json(*args: str | Path) -> dict[str, Any]:
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize(("path", "days"), [(ELSPOT, 7), (DAY_AHEAD, 3), (PLAIN, 3)])
def test_every_price_format_gives_a_profit_report(path: Path, days: int) -> None:
    data = _json("--prices", path)
    assert set(data) == JSON_KEYS
    assert (data["currency"], data["days"]) == ("DKK", days)
    assert data["energy_charged_kwh"] > 0
    assert data["energy_sold_kwh"] > 0
    assert data["energy_to_home_kwh"] == 0  # no house load without a site file
    assert data["net_profit"] == pytest.approx(
        data["revenue"] - data["import_cost"] - data["wear_cost"], abs=0.02
    )
    assert data["net_profit"] > 0


def test_table_has_monthly_rows_and_plan_timings() -> None:
    code, out, _ = _run("--prices", ELSPOT)
    assert code == 0
    months = [
        line.split()[0]
        for line in out.splitlines()
        if line.strip().startswith(("2023-", "total"))
    ]
    assert months == ["2023-10", "2023-11", "total"]
    assert "rolling day-ahead" in out
    assert "storage: state of charge 50% at the start" in out
    assert out.rstrip().splitlines()[-1].split()[1] == "plans,"


def test_perfect_foresight_earns_at_least_rolling_and_keeps_the_start_soc() -> None:
    rolling = _json("--prices", ELSPOT)
    foresight = _json("--prices", ELSPOT, "--perfect-foresight")
    assert foresight["net_profit"] >= rolling["net_profit"] - 0.01
    assert (
        foresight["net_profit"]
        >= 0.9 * foresight["revenue"] - foresight["import_cost"] - 1
    )  # sanity
    _, table, _ = _run("--prices", ELSPOT, "--perfect-foresight")
    end_line = next(line for line in table.splitlines() if line.startswith("storage:"))
    start_pct, end_pct = (
        int(word.rstrip("%")) for word in end_line.split() if word.endswith("%")
    )
    assert end_pct >= start_pct


def test_eur_prices_and_date_range() -> None:
    dkk = _json("--prices", ELSPOT, "--start", "2023-10-28", "--end", "2023-10-30")
    eur = _json(
        "--prices",
        ELSPOT,
        "--currency",
        "EUR",
        "--start",
        "2023-10-28",
        "--end",
        "2023-10-30",
    )
    assert (dkk["days"], eur["days"], eur["currency"]) == (3, 3, "EUR")
    assert dkk["net_profit"] / eur["net_profit"] == pytest.approx(7.45, rel=0.05)


def test_flat_prices_leave_the_battery_idle(tmp_path: Path) -> None:
    flat = tmp_path / "flat.csv"
    rows = [f"2024-06-10T{hour:02d}:00:00+02:00,0.5" for hour in range(24)]
    flat.write_text("start,price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = _json("--prices", flat)
    assert data["energy_charged_kwh"] == pytest.approx(0, abs=0.01)
    assert data["net_profit"] == pytest.approx(0, abs=0.01)


def test_charges_vat_and_wear_shrink_the_profit() -> None:
    spot = _json("--prices", ELSPOT)
    charged = _json(
        "--prices",
        ELSPOT,
        "--buy-adder",
        "0.5",
        "--vat",
        "0.25",
        "--sell-fee",
        "0.01",
        "--wear",
        "0.1",
    )
    assert charged["net_profit"] < spot["net_profit"]
    assert charged["energy_sold_kwh"] < spot["energy_sold_kwh"]


def test_site_file_with_house_load_serves_the_home() -> None:
    data = _json("--prices", ELSPOT, "--site", SITE)
    assert data["energy_to_home_kwh"] > 0
    assert data["wear_cost"] > 0


def test_progress_bar_goes_to_a_terminal_stderr() -> None:
    stdout, stderr = io.StringIO(), _Terminal()
    assert main(["--prices", str(ELSPOT), "--json"], stdout=stdout, stderr=stderr) == 0
    assert "100%" in stderr.getvalue()
    assert set(json.loads(stdout.getvalue())) == JSON_KEYS
    quiet = _Terminal()
    main(
        ["--prices", str(ELSPOT), "--json", "--no-progress"],
        stdout=io.StringIO(),
        stderr=quiet,
    )
    assert quiet.getvalue() == ""


def test_filled_prices_are_mentioned(tmp_path: Path) -> None:
    gappy = tmp_path / "gappy.csv"
    gappy.write_text(
        "start,price\n2024-06-10T00:00:00+02:00,0.1\n2024-06-10T03:00:00+02:00,0.9\n"
        "2024-06-10T04:00:00+02:00,0.2\n",
        encoding="utf-8",
    )
    code, _, err = _run("--prices", gappy)
    assert code == 0
    assert "2 missing prices filled" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prices", "nowhere.csv"], "cannot read nowhere.csv"),
        (["--prices", ELSPOT, "--area", "DK2"], "area DK2 not in file (areas: DK1)"),
        (
            ["--prices", ELSPOT, "--start", "2024-01-01"],
            "has no prices between 2024-01-01",
        ),
        (
            ["--prices", ELSPOT, "--start", "2023-10-28", "--end", "2023-10-27"],
            "--end is before --start",
        ),
        (
            ["--prices", ELSPOT, "--site", SITE, "--wear", "0.1"],
            "--wear: put these into the --site file",
        ),
        (
            ["--prices", ELSPOT, "--site", "nowhere.yaml"],
            "cannot read site file nowhere.yaml",
        ),
        (
            ["--prices", ELSPOT, "--soc-min", "0.6"],
            "--soc-start must lie between --soc-min and --soc-max",
        ),
        (
            ["--prices", ELSPOT, "--min-power-kw", "8"],
            "--min-power-kw must not exceed --power-kw",
        ),
    ],
)
def test_unusable_input_gives_one_line_and_exit_2(
    args: list[str | Path], message: str
) -> None:
    code, out, err = _run(*args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("backtest: error: ")
    assert message in err


def test_module_runs_as_a_command() -> None:
    completed = subprocess.run(  # noqa: S603  # our own module with fixed arguments
        [
            sys.executable,
            "-m",
            "custom_components.v2g_home.planner.backtest",
            "--prices",
            str(PLAIN),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert set(json.loads(completed.stdout)) == JSON_KEYS


@pytest.mark.parametrize(
    "flags",
    [
        ["--soc-min", "1.5"],
        ["--wear", "-1"],
        ["--power-kw", "0"],
        ["--efficiency", "0"],
        ["--currency", "SEK"],
    ],
)
def test_out_of_range_flags_are_refused(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--prices", str(ELSPOT), *flags])
    assert caught.value.code == 2
    assert flags[0] in capsys.readouterr().err


def test_a_smaller_battery_on_a_slower_charger_moves_less_energy() -> None:
    leaf = _json("--prices", ELSPOT)
    small = _json(
        "--prices", ELSPOT, "--capacity-kwh", "10", "--power-kw", "3.7", "--min-power-kw", "1.38",
        "--efficiency", "0.9", "--soc-min", "0.1", "--soc-max", "1", "--soc-start", "0.5",
    )  # fmt: skip
    assert 0 < small["energy_charged_kwh"] < leaf["energy_charged_kwh"]
    assert 0 < small["net_profit"] < leaf["net_profit"]
