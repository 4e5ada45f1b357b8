"""What the frequency benchmark measures: step responses and the per-second log's gaps (see frequency_response.py)."""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime
import itertools
from pathlib import Path
import time
from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from benchmarks.frequency_site import Device, control_mode_selects
from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.devices.simulator.grid_frequency import (
    FrequencyDrift,
    FrequencyStep,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.v2g_home.devices.simulator import SimClock
    from custom_components.v2g_home.devices.simulator.grid_frequency import (
        FrequencyTrace,
    )
    from custom_components.v2g_home.grid.responder import FrequencyResponder

SAMPLE_S = 0.02
FULL = 0.99  # "100 %": the metered power within 1 % of the reserve
GOALS = {
    "fcr_d_t50_s": 5.0,
    "fcr_d_t100_s": 30.0,
    "fcr_n_t63_s": 60.0,
    "log_max_gap_s": 2.0,
    "fcr_dk1_t100_s": 30.0,
}
RAMP_S = {
    "quasar": 2.0,
    "evtec_bidipro": 4.0,
    "sunspec_der": 1.0,
    "sunspec_der_711": 2.0,
}
EVENT_EVERY_S = 1200.0
# Reserves held during the log run: FCR-N moves energy both ways all the time; the 711 device keeps
# FCR-D only (FCR-N with FCR-D does not fit one droop curve).
LOG_RESERVES = {
    "quasar": {"fcr_n_kw": 2.3},
    "evtec_bidipro": {"fcr_n_kw": 3.0, "fcr_d_up_kw": 3.0},
    "sunspec_der": {"fcr_n_kw": 2.0, "fcr_d_up_kw": 2.0},
    "sunspec_der_711": {"fcr_d_up_kw": 3.0, "fcr_d_down_kw": 1.0},
}


class Bench:
    """Home Assistant with the site, the grid, and the action calls the measurements use."""

    def __init__(
        self, hass: HomeAssistant, entry: MockConfigEntry, grid: FrequencyTrace
    ) -> None:
        """The site is set up."""
        self.hass = hass
        self.entry = entry
        self.grid = grid
        self.responder: FrequencyResponder = entry.runtime_data.responder

    def ha_device(self, device: Device) -> str:
        """The Home Assistant device id of a charger or battery (that of its control mode select)."""
        select = control_mode_selects(self.hass, self.entry.entry_id)[device.device_id]
        entity = er.async_get(self.hass).async_get(select)
        assert entity is not None  # noqa: S101 - registered when the site was set up
        assert entity.device_id is not None  # noqa: S101
        return entity.device_id

    async def reserve(self, device: Device, **kw: float) -> None:
        """Hold these reserves on the device for an hour and a half (all 0 ends them)."""
        await self.hass.services.async_call(
            DOMAIN,
            "set_reserved_power",
            {"device_id": self.ha_device(device), "duration": {"minutes": 90}, **kw},
            blocking=True,
        )

    def state(self, device: Device) -> ResponseState:
        """What the response does for the device now."""
        return self.responder.tracks[device.device_id].state


async def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Wait in real time until `condition` holds; False when it did not within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(SAMPLE_S)
    return True


async def step(
    bench: Bench, device: Device, product: str, hz: float, shares: tuple[float, ...]
) -> list[float | None]:
    """Seconds from a step to `hz` until each share of the reserve is exported (None: not within 60 s)."""
    await bench.reserve(device, **{f"{product}_kw": device.reserve_kw})
    answering = (ResponseState.RESPONDING, ResponseState.DEVICE_LOCAL)
    await wait_until(lambda: bench.state(device) in answering, 20)
    await asyncio.sleep(2.0)  # a DER device's own droop is written at the first tick
    started = time.monotonic()
    bench.grid.fixed_hz = hz
    reached: list[float | None] = [None] * len(shares)
    while time.monotonic() - started < 60 and None in reached:
        share = -device.power_kw / device.reserve_kw
        for index, wanted in enumerate(shares):
            if reached[index] is None and share >= wanted:
                reached[index] = round(time.monotonic() - started, 2)
        await asyncio.sleep(SAMPLE_S)
    bench.grid.fixed_hz = 50.0
    await bench.reserve(device)
    await wait_until(lambda: bench.state(device) is ResponseState.NOT_COMMITTED, 20)
    await wait_until(lambda: abs(device.power_kw) < 0.05, 30)
    return reached


def _gaps(path: Path, start: datetime) -> dict[str, float]:
    """The longest time between two rows of each device in an exported log (from `start` on)."""
    times: dict[str, list[datetime]] = {}
    with path.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            at = datetime.fromisoformat(row["time"])
            if at >= start:
                times.setdefault(row["device"], []).append(at)
    return {
        name: max(
            ((b - a).total_seconds() for a, b in itertools.pairwise(sorted(stamps))),
            default=float("inf"),
        )
        for name, stamps in times.items()
    }


async def log_run(
    bench: Bench, site: list[Device], clock: SimClock, minutes: float
) -> dict[str, float]:
    """Every device committed for `minutes` on a lively grid; the longest log gap per device kind."""
    now_s = clock.now()
    count = int(minutes * 60 / EVENT_EVERY_S) + 1
    bench.grid.steps = tuple(
        FrequencyStep(start_s=now_s + 120 + k * EVENT_EVERY_S, duration_s=60, hz=49.7)
        for k in range(count)
    )
    bench.grid.drifts = tuple(
        FrequencyDrift(
            start_s=now_s + 300 + k * EVENT_EVERY_S, duration_s=600, depth_hz=-0.07
        )
        for k in range(count)
    )
    bench.grid.noise, bench.grid.fixed_hz = True, None
    for device in site:
        await bench.reserve(device, **LOG_RESERVES[device.kind])
    await asyncio.sleep(2.0)  # the first tick after the commitments
    start = dt_util.utcnow()
    await asyncio.sleep(minutes * 60)
    end = dt_util.utcnow()
    result = await bench.hass.services.async_call(
        DOMAIN,
        "export_frequency_log",
        {"config_entry_id": bench.entry.entry_id, "start": start, "end": end},
        blocking=True,
        return_response=True,
    )
    assert result is not None  # noqa: S101 - the action returns where it wrote
    gaps = await bench.hass.async_add_executor_job(
        _gaps, Path(str(result["path"])), start
    )
    names = bench.responder.scheduler.names()
    return {d.kind: gaps.get(names[d.device_id], float("inf")) for d in site}
