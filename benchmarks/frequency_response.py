"""Frequency response with Home Assistant in the loop, on the simulator, in real time, per charger kind.

Run: scripts/run-in newest python -m benchmarks.frequency_response [--log-minutes 60] [--json]

The site (benchmarks/frequency_site.py, in DK2) has a Wallbox Quasar 1, an EVtec BiDiPro 10, a SunSpec DER
battery answered by the fast task, and one with model 711 answering by its own droop; the grid meter
is the frequency source. Reserves are committed with the `set_reserved_power` action, the power is
what each simulated device runs at (its meter), sampled every 20 ms; times are wall-clock seconds.
- FCR-D: one device holds FCR-D up, the grid steps from 50.0 to 49.5 Hz (full activation); seconds
  until 50 % and 100 % (at least 99 %) of the reserve is exported: fcr_d_t50_s, fcr_d_t100_s.
- FCR-N: one device holds FCR-N, the grid steps from 50.0 to 49.9 Hz; seconds to 63 %: fcr_n_t63_s.
- DK1's FCR: the same devices on a DK1 site hold it, the grid steps from 50.0 to 49.8 Hz (full
  activation); seconds to 100 %: fcr_dk1_t100_s.
- Log: every device holds reserves for --log-minutes (default 60, the goal's hour) while the grid
  plays normal noise, an FCR-D-up event (49.7 Hz for 60 s) and a slow FCR-N drift every 20 minutes;
  the per-second log is exported as CSV with `export_frequency_log`, and log_max_gap_s is the longest
  time between two consecutive rows of a device.
Goals (printed, never asserted): FCR-D 50 % within 5 s and 100 % within 30 s on every charger with a
ramp of at most 2 s; FCR-N 63 % within 60 s; DK1's FCR 100 % within 30 s; no log gap longer than 2 s
in a committed hour.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import asynccontextmanager
import json
import logging
from pathlib import Path
import sys
import tempfile
import time
from typing import TYPE_CHECKING, TextIO

from benchmarks.frequency_measure import (
    FULL,
    GOALS,
    RAMP_S,
    Bench,
    log_run,
    step,
    wait_until,
)
from benchmarks.frequency_site import (
    Device,
    control_mode_selects,
    devices,
    home_assistant,
    publish_flat_prices,
    serve,
    site_entry,
)
from custom_components.v2g_home.devices.simulator import SimClock
from custom_components.v2g_home.devices.simulator.grid_frequency import FrequencyTrace
from custom_components.v2g_home.devices.simulator.grid_meter import SimulatedGridMeter

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.core import HomeAssistant


async def run(
    log_minutes: float, kinds: tuple[str, ...]
) -> dict[str, dict[str, float | None]]:
    """Set everything up, measure, tear down."""
    clock = SimClock(speed=1.0)
    grid = FrequencyTrace(clock, noise=False)
    grid.fixed_hz = 50.0
    site = [d for d in devices(clock, grid) if d.kind in kinds]
    (meter, *servers) = await serve(SimulatedGridMeter(grid), *(d.sim for d in site))
    for device, server in zip(site, servers, strict=True):
        device.server = server
    try:
        with tempfile.TemporaryDirectory() as config_dir:
            async with home_assistant(Path(config_dir)) as hass:
                publish_flat_prices(hass)
                return await measure(hass, site, meter.port, grid, clock, log_minutes)
    finally:
        for server in (meter, *servers):
            await server.stop()


async def measure(
    hass: HomeAssistant,
    site: list[Device],
    meter_port: int,
    grid: FrequencyTrace,
    clock: SimClock,
    log_minutes: float,
) -> dict[str, dict[str, float | None]]:
    """The DK2 steps and the log run on a DK2 site, then DK1's FCR step on the same devices in DK1."""
    results: dict[str, dict[str, float | None]] = {}
    async with site_in_auto(hass, site, meter_port, grid, "DK2") as bench:
        for device in site:
            progress(f"{device.kind}: FCR-D up and FCR-N steps")
            t50, t100 = await step(bench, device, "fcr_d_up", 49.5, (0.5, FULL))
            (t63,) = await step(bench, device, "fcr_n", 49.9, (0.63,))
            results[device.kind] = {
                "fcr_d_t50_s": t50,
                "fcr_d_t100_s": t100,
                "fcr_n_t63_s": t63,
            }
        progress(f"every device committed for {log_minutes:g} min")
        gaps = await log_run(bench, site, clock, log_minutes)
        for device in site:
            results[device.kind]["log_max_gap_s"] = round(gaps[device.kind], 2)
    async with site_in_auto(hass, site, meter_port, grid, "DK1") as bench:
        for device in site:
            progress(f"{device.kind}: DK1's FCR step")
            (full,) = await step(bench, device, "fcr_dk1", 49.8, (FULL,))
            results[device.kind]["fcr_dk1_t100_s"] = full
    return results


@asynccontextmanager
async def site_in_auto(
    hass: HomeAssistant,
    site: list[Device],
    meter_port: int,
    grid: FrequencyTrace,
    area: str,
) -> AsyncIterator[Bench]:
    """The site in `area` set up, every device in auto and at rest; unloaded however it ends."""
    entry = site_entry(site, meter_port, area)
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("the site did not set up")
    await hass.async_block_till_done()
    try:
        by_port = {int(sub.data["port"]): key for key, sub in entry.subentries.items()}
        selects = control_mode_selects(hass, entry.entry_id)
        for device in site:
            assert device.server is not None  # noqa: S101
            device.device_id = by_port[device.server.port]
            await hass.services.async_call(
                "select",
                "select_option",
                {"entity_id": selects[device.device_id], "option": "auto"},
                blocking=True,
            )
        # The cars stay home (no departure target), so the plan holds every device at 0 kW.
        await entry.runtime_data.scheduler.async_update_settings(departure_time=None)
        bench = Bench(hass, entry, grid)
        await car_soc_known(bench, site)
        yield bench
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await hass.config_entries.async_remove(entry.entry_id)


def progress(text: str) -> None:
    """A line on stderr, so a long run shows where it is (stdout stays the result)."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


async def car_soc_known(bench: Bench, site: list[Device]) -> None:
    """Poll until every charger knows its car's SoC (the Quasar's probe charge), then until all rest."""
    for device in site:
        coordinator = bench.entry.runtime_data.devices[device.device_id]
        for _ in range(120):
            data = getattr(coordinator.data, "car", None)
            if data is None or data.soc.soc_pct is not None:
                break
            await asyncio.sleep(0.5)
            await coordinator.async_refresh()
    await wait_until(lambda: all(abs(d.power_kw) < 0.05 for d in site), 60)


def report(
    results: dict[str, dict[str, float | None]], log_minutes: float, out: TextIO
) -> None:
    """The figures per charger kind and each goal, met or missed."""
    print(
        f"Frequency response, Home Assistant in the loop, real time ({log_minutes:g} min log run)",
        file=out,
    )
    print(
        f"{'kind':<17}{'ramp s':>7}{'FCR-D 50% s':>13}{'FCR-D 100% s':>14}{'FCR-N 63% s':>13}"
        f"{'log gap s':>11}{'DK1 100% s':>12}",
        file=out,
    )
    for kind, figures in results.items():
        cells = [figures[key] for key in GOALS]
        text = "".join(
            f"{'-' if v is None else f'{v:.2f}':>{w}}"
            for v, w in zip(cells, (13, 14, 13, 11, 12), strict=True)
        )
        print(f"{kind:<17}{RAMP_S[kind]:>7.1f}{text}", file=out)
    print(
        "Goals: FCR-D 50 % <= 5 s and 100 % <= 30 s (ramp <= 2 s), FCR-N 63 % <= 60 s, log gap <= 2 s,"
        " DK1's FCR 100 % <= 30 s",
        file=out,
    )
    for kind, figures in results.items():
        for key, limit in GOALS.items():
            value = figures[key]
            verdict = "met" if value is not None and value <= limit else "MISSED"
            if key.startswith("fcr_d_") and RAMP_S[kind] > 2.0:
                verdict += " (not required: it ramps over more than 2 s)"
            print(f"  {kind} {key}: {value} (goal {limit:g}) {verdict}", file=out)


def main() -> None:
    """Read the command line, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--log-minutes",
        type=float,
        default=60.0,
        help="how long every device stays committed for the log gap (default 60; shorter for a quick run)",
    )
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=tuple(RAMP_S),
        default=tuple(RAMP_S),
        help="the charger kinds to measure (default: all)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object keyed by charger kind (the table goes to stderr)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results = asyncio.run(run(args.log_minutes, tuple(args.kinds)))
    if args.json:
        # stdout carries the one JSON object; the table goes to stderr.
        report(results, args.log_minutes, sys.stderr)
        print(json.dumps(results, sort_keys=True))
    else:
        report(results, args.log_minutes, sys.stdout)


if __name__ == "__main__":
    main()
