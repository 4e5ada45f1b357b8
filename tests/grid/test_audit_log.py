"""The per-second log's file: compact rows per device and UTC day, kept 7 days, read back and exported."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
import io
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.grid.audit_log import (
    MAGIC,
    MAGIC_V1,
    ROW,
    ROW_V1,
    LogRow,
    append_rows,
    day_file,
    max_gap_s,
    read_rows,
    to_csv,
)
from custom_components.v2g_home.grid.audit_trail import AuditTrail

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def row(at: datetime, **changes: object) -> LogRow:
    values: dict[str, object] = {
        "at": at,
        "hz": 49.812,
        "setpoint_kw": -1.5,
        "power_kw": -1.4375,
        "fcr_n_kw": 0.0,
        "fcr_d_up_kw": 4.0,
        "fcr_d_down_kw": 0.0,
        "soc_pct": 61.25,
        "state": ResponseState.RESPONDING,
    }
    return LogRow(**{**values, **changes})  # type: ignore[arg-type]


def test_a_row_takes_41_bytes_and_reads_back() -> None:
    """Float32 values are exact to 4 decimals; unknown values stay unknown."""
    original = row(
        NOON,
        hz=None,
        soc_pct=None,
        state=ResponseState.STALE_FREQUENCY,
        fcr_dk1_kw=2.5,
    )
    packed = original.pack()
    assert len(packed) == ROW.size == 41
    assert LogRow.unpack(packed) == original
    assert LogRow.unpack(row(NOON).pack()) == row(NOON)


def test_rows_go_to_one_file_per_device_and_utc_day(tmp_path: Path) -> None:
    """A day's file starts with the magic; rows across midnight land in two files and read back in order."""
    late = NOON.replace(hour=23, minute=59, second=59)
    rows = [
        row(late),
        row(late + timedelta(seconds=1)),
        row(late + timedelta(seconds=2)),
    ]
    append_rows(tmp_path, {"dev": rows[:1]}, NOON)
    append_rows(tmp_path, {"dev": rows[1:]}, NOON)
    first, second = (
        day_file(tmp_path, "dev", late),
        day_file(tmp_path, "dev", rows[1].at),
    )
    assert first != second
    assert first.read_bytes().startswith(MAGIC)
    assert len(first.read_bytes()) == len(MAGIC) + ROW.size
    assert read_rows(tmp_path, "dev", late, late + timedelta(seconds=2)) == rows
    assert read_rows(tmp_path, "dev", rows[1].at, rows[1].at) == [rows[1]]
    assert read_rows(tmp_path, "other", late, late + timedelta(days=1)) == []


def test_one_flush_across_midnight_and_devices_writes_each_file_once_in_order(
    tmp_path: Path,
) -> None:
    """Rows of two devices and two days in one flush: each file gets its magic once and its rows in order."""
    late = NOON.replace(hour=23, minute=59, second=58)
    seconds = [late + timedelta(seconds=n) for n in range(4)]
    rows = {
        "a": [row(at, setpoint_kw=float(n)) for n, at in enumerate(seconds)],
        "b": [row(at, setpoint_kw=-float(n)) for n, at in enumerate(seconds)],
    }
    append_rows(tmp_path, rows, NOON)
    for device_id, written in rows.items():
        today = day_file(tmp_path, device_id, late)
        assert today.read_bytes().count(MAGIC) == 1
        assert len(today.read_bytes()) == len(MAGIC) + 2 * ROW.size
        assert read_rows(tmp_path, device_id, seconds[0], seconds[-1]) == written


def _version_1(at: datetime) -> bytes:
    """A row as version 1 wrote it: FCR-N, FCR-D up and down only."""
    return ROW_V1.pack(at.timestamp(), 49.812, -1.5, -1.4375, 0.0, 4.0, 0.0, 61.25, 1)


def test_a_version_1_file_is_read_and_rewritten_before_new_rows(
    tmp_path: Path,
) -> None:
    """A day begun before the update reads back (no DK1 FCR); new rows turn the file into version 2."""
    path = day_file(tmp_path, "dev", NOON)
    path.parent.mkdir(parents=True)
    path.write_bytes(MAGIC_V1 + _version_1(NOON) + _version_1(NOON)[:5])
    (old,) = read_rows(tmp_path, "dev", NOON, NOON)
    assert old == row(NOON, state=ResponseState(old.state))
    assert old.fcr_dk1_kw == 0.0
    new = row(NOON + timedelta(seconds=1), fcr_d_up_kw=0.0, fcr_dk1_kw=3.0)
    append_rows(tmp_path, {"dev": [new]}, NOON)
    assert path.read_bytes().startswith(MAGIC)
    assert len(path.read_bytes()) == len(MAGIC) + 2 * ROW.size
    assert read_rows(tmp_path, "dev", NOON, NOON + timedelta(seconds=1)) == [old, new]


def test_days_older_than_seven_are_deleted(tmp_path: Path) -> None:
    """Writing today removes the file of eight days ago and keeps the one of seven days ago."""
    for days in (8, 7):
        append_rows(
            tmp_path,
            {"dev": [row(NOON - timedelta(days=days))]},
            NOON - timedelta(days=days),
        )
    append_rows(tmp_path, {"dev": [row(NOON)]}, NOON)
    kept = sorted(path.stem for path in (tmp_path / "dev").iterdir())
    assert kept == [
        (NOON - timedelta(days=7)).date().isoformat(),
        NOON.date().isoformat(),
    ]


def test_a_torn_or_foreign_file_loses_nothing_else(tmp_path: Path) -> None:
    """A half-written last row is left out; a file without the magic is not read at all."""
    append_rows(tmp_path, {"dev": [row(NOON), row(NOON + timedelta(seconds=1))]}, NOON)
    path = day_file(tmp_path, "dev", NOON)
    path.write_bytes(path.read_bytes()[:-5])
    assert read_rows(tmp_path, "dev", NOON, NOON + timedelta(hours=1)) == [row(NOON)]
    path.write_bytes(b"not a log")
    assert read_rows(tmp_path, "dev", NOON, NOON + timedelta(hours=1)) == []


def test_an_unknown_state_code_reads_as_device_silent() -> None:
    """A file from a newer version with a state this one does not know still reads."""
    data = bytearray(row(NOON).pack())
    data[-1] = 250
    assert LogRow.unpack(bytes(data)).state is ResponseState.DEVICE_SILENT


def test_csv_has_one_line_per_second_with_empty_unknowns() -> None:
    """Header, UTC times with milliseconds, blanks for unknown values, the state's code word."""
    text = to_csv(
        [
            ("Car", row(NOON)),
            ("Car", row(NOON, hz=None, state=ResponseState.STALE_FREQUENCY)),
        ]
    )
    lines = list(csv.DictReader(io.StringIO(text)))
    assert lines[0]["time"] == "2026-06-01T12:00:00.000+00:00"
    assert lines[0]["frequency_hz"] == "49.812"
    assert lines[0]["fcr_d_up_kw"] == "4"
    assert lines[1]["frequency_hz"] == ""
    assert lines[1]["state"] == "stale_frequency"
    assert {line["device"] for line in lines} == {"Car"}


def test_max_gap() -> None:
    """The longest time between consecutive rows, whatever their order."""
    times = [NOON + timedelta(seconds=s) for s in (0, 1, 3.5, 2)]
    assert max_gap_s([row(t) for t in times]) == pytest.approx(1.5)
    assert max_gap_s([row(NOON)]) == 0.0


async def test_the_trail_keeps_one_row_per_second_and_writes_it_off_the_loop(
    hass: HomeAssistant,
) -> None:
    """Two ticks in one second: the later one counts; unwritten rows are read with the written ones."""
    trail = AuditTrail(hass, "entry")
    # Recent: a flush deletes days older than 7 from now.
    base = dt_util.utcnow().replace(second=0, microsecond=0) - timedelta(minutes=5)
    start = base.replace(microsecond=100_000)
    trail.add("dev", row(start))
    trail.add("dev", row(start + timedelta(milliseconds=500), power_kw=-2.0))
    trail.add("dev", row(start + timedelta(seconds=1)))
    assert [r.power_kw for r in trail.recent["dev"]] == [-2.0, -1.4375]
    assert len(await trail.async_rows("dev", base, base + timedelta(minutes=1))) == 2
    await trail.async_flush()
    assert not trail.due(base + timedelta(hours=1))  # nothing left to write
    trail.add("dev", row(start + timedelta(seconds=2)))
    assert trail.due(dt_util.utcnow() + timedelta(seconds=10))
    rows = await trail.async_rows("dev", base, base + timedelta(minutes=1))
    assert [r.at.second for r in rows] == [0, 1, 2]
    assert rows[0].power_kw == -2.0
    await trail.async_remove()
    assert not trail.root.exists()
