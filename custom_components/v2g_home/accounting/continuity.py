"""Counting on across a gap: a restart or an outage, bridged by counters or by a device's run-on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..planner.accounting import FlowEnergy
from .device_flows import DeviceSample, flow_at_power, has_counters


@dataclass(frozen=True, kw_only=True)
class Continued:
    """Where counting goes on from, the sample to keep, and what ran on in the gap (flow, from, to)."""

    previous: DeviceSample | None
    sample: DeviceSample
    run_on: tuple[FlowEnergy, DeviceSample, datetime] | None = None


def run_on_from(
    last: DeviceSample, stopped_at: datetime, fail_safe_s: float | None
) -> DeviceSample | None:
    """What a device without counters keeps doing after Home Assistant stops (None: nothing known).

    Home Assistant stopping does not hand devices back: one V2G Home drives runs on at its last
    command until its own fail-safe (counted from the last request it heard, the last poll) stops it.
    After that it is under its own control, which is not V2G Home's to book.
    """
    if has_counters(last) or not last.controlled or not fail_safe_s:
        return None
    return replace(
        last, at=stopped_at, run_on_until=last.at + timedelta(seconds=fail_safe_s)
    )


def continue_from(
    resumed: DeviceSample | None,
    previous: DeviceSample | None,
    sample: DeviceSample,
    *,
    started_at: datetime,
    still_connected: bool,
) -> Continued:
    """The first good poll after a gap: counters bridge it, else a run-on, else counting starts now.

    `resumed` is the device's last sample before a restart or an outage; `still_connected` is False
    when a charger's car has gone (its run-on is then not known).
    """
    run_on = None
    polled_before_start = sample.at < started_at
    if resumed is not None and has_counters(resumed) and has_counters(sample):
        previous = resumed  # the gap, exactly, from the device's own counters
    elif polled_before_start:
        # Polled before this ledger started: the ledger before booked up to its stop, so count from
        # now, by power (the counters' delta would reach back before the start).
        sample = replace(
            sample,
            at=started_at,
            charged_counter_kwh=None,
            discharged_counter_kwh=None,
        )
    if resumed is not None and resumed.run_on_until is not None and still_connected:
        end = min(sample.at, resumed.run_on_until)
        run_on = (flow_at_power(resumed, end), resumed, end)
    if polled_before_start and resumed is not None and resumed.controlled:
        # The device still runs V2G Home's last command until the restored mode drives it again.
        sample = replace(sample, controlled=True)
    return Continued(previous=previous, sample=sample, run_on=run_on)
