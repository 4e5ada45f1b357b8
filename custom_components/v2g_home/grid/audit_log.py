"""The per-second log an aggregator audits: one row per device and second while a reserve is committed.

Rows are 41 bytes (little-endian: time as float64 seconds since the epoch, frequency, setpoint,
measured power, FCR-N, FCR-D up, FCR-D down and DK1 FCR reserved, SoC as float32, NaN for "not
known", and the response state as a byte), one file per device and UTC day under
`<config>/v2g_home/frequency_log/<entry>/<device>/`, each starting with an 8-byte magic that names
its version. Version 1 files (37-byte rows, without DK1's FCR) are still read, and one written to
again is first rewritten as version 2. Rows are buffered and written in the executor every few
seconds; days older than 7 are deleted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import io
import itertools
import math
import shutil
import struct
from typing import TYPE_CHECKING

from ..control.response import ResponseState

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

MAGIC_V1 = b"V2GFLOG1"
MAGIC = b"V2GFLOG2"
ROW_V1 = struct.Struct("<d7fB")
ROW = struct.Struct("<d8fB")
KEEP = timedelta(days=7)
# Append-only: a state's code is its index here, so old files stay readable.
STATE_CODES: tuple[ResponseState, ...] = tuple(ResponseState)
CSV_HEADER = (
    "time",
    "device",
    "frequency_hz",
    "setpoint_kw",
    "power_kw",
    "fcr_n_kw",
    "fcr_d_up_kw",
    "fcr_d_down_kw",
    "fcr_dk1_kw",
    "soc_pct",
    "state",
)


@dataclass(frozen=True, kw_only=True)
class LogRow:
    """One second of one device (None: not known at that second)."""

    at: datetime
    hz: float | None
    setpoint_kw: float | None
    power_kw: float | None
    fcr_n_kw: float
    fcr_d_up_kw: float
    fcr_d_down_kw: float
    soc_pct: float | None
    state: ResponseState
    fcr_dk1_kw: float = 0.0

    def pack(self) -> bytes:
        """The row's 41 bytes (version 2)."""

        def num(value: float | None) -> float:
            return math.nan if value is None else value

        return ROW.pack(
            self.at.timestamp(),
            num(self.hz),
            num(self.setpoint_kw),
            num(self.power_kw),
            self.fcr_n_kw,
            self.fcr_d_up_kw,
            self.fcr_d_down_kw,
            self.fcr_dk1_kw,
            num(self.soc_pct),
            STATE_CODES.index(self.state),
        )

    @classmethod
    def unpack(cls, data: bytes) -> LogRow:
        """A row from its bytes, of either version."""
        if len(data) == ROW_V1.size:
            at, hz, setpoint, power, n, up, down, soc, code = ROW_V1.unpack(data)
            dk1 = 0.0
        else:
            at, hz, setpoint, power, n, up, down, dk1, soc, code = ROW.unpack(data)

        def value(number: float) -> float | None:
            return None if math.isnan(number) else round(number, 4)

        return cls(
            at=datetime.fromtimestamp(at, UTC),
            hz=value(hz),
            setpoint_kw=value(setpoint),
            power_kw=value(power),
            fcr_n_kw=round(n, 4),
            fcr_d_up_kw=round(up, 4),
            fcr_d_down_kw=round(down, 4),
            fcr_dk1_kw=round(dk1, 4),
            soc_pct=value(soc),
            state=STATE_CODES[code]
            if code < len(STATE_CODES)
            else ResponseState.DEVICE_SILENT,
        )


def _file_rows(data: bytes) -> list[LogRow]:
    """Every whole row of a file's bytes (none for a file that is not a log)."""
    for magic, row in ((MAGIC, ROW), (MAGIC_V1, ROW_V1)):
        if data.startswith(magic):
            body = data[len(magic) :]
            usable = len(body) - len(body) % row.size  # a torn last row is left out
            return [
                LogRow.unpack(body[i : i + row.size])
                for i in range(0, usable, row.size)
            ]
    return []


def _magic(path: Path) -> bytes:
    """The first bytes of a file, where its version stands."""
    with path.open("rb") as file:
        return file.read(len(MAGIC))


def day_file(root: Path, device_id: str, day: datetime) -> Path:
    """The file of one device's UTC day."""
    return root / device_id / f"{day.astimezone(UTC).date().isoformat()}.bin"


def append_rows(root: Path, rows: Mapping[str, list[LogRow]], now: datetime) -> None:
    """Write buffered rows and delete days older than 7 (blocking: run in the executor)."""
    by_file: dict[Path, list[LogRow]] = {}
    for device_id, device_rows in rows.items():
        for row in device_rows:
            by_file.setdefault(day_file(root, device_id, row.at), []).append(row)
    for path, file_rows in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        if not new and _magic(path) != MAGIC:
            # A version 1 file (or a broken one) cannot take version 2 rows: rewrite it.
            kept = _file_rows(path.read_bytes())
            path.write_bytes(MAGIC + b"".join(r.pack() for r in kept))
        with path.open("ab") as file:
            if new:
                file.write(MAGIC)
            file.write(b"".join(row.pack() for row in file_rows))
    oldest = (now - KEEP).date().isoformat()
    for path in root.glob("*/*.bin"):
        if path.stem < oldest:
            path.unlink(missing_ok=True)


def read_rows(
    root: Path, device_id: str, start: datetime, end: datetime
) -> list[LogRow]:
    """A device's rows from `start` to `end` (blocking: run in the executor)."""
    rows: list[LogRow] = []
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end:
        path = day_file(root, device_id, day)
        if path.exists():
            rows.extend(
                row for row in _file_rows(path.read_bytes()) if start <= row.at <= end
            )
        day += timedelta(days=1)
    return rows


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def to_csv(rows: Iterable[tuple[str, LogRow]]) -> str:
    """CSV text of (device name or id, row) pairs, times in UTC with milliseconds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for device, row in rows:
        writer.writerow(
            (
                row.at.isoformat(timespec="milliseconds"),
                device,
                _cell(row.hz),
                _cell(row.setpoint_kw),
                _cell(row.power_kw),
                _cell(row.fcr_n_kw),
                _cell(row.fcr_d_up_kw),
                _cell(row.fcr_d_down_kw),
                _cell(row.fcr_dk1_kw),
                _cell(row.soc_pct),
                row.state.value,
            )
        )
    return out.getvalue()


def max_gap_s(rows: list[LogRow]) -> float:
    """The longest time between two consecutive rows (0 for fewer than two)."""
    times = sorted(row.at for row in rows)
    return max(
        ((b - a).total_seconds() for a, b in itertools.pairwise(times)),
        default=0.0,
    )


def remove_log(root: Path) -> None:
    """Delete a site's whole log (blocking: run in the executor)."""
    shutil.rmtree(root, ignore_errors=True)
