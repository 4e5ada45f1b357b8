"""One device's readings as the ledger samples them, and the energy that flowed between two samples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..coordinators.charger import ChargerData
from ..coordinators.pack import PackData
from ..planner.accounting import FlowEnergy, split_discharge
from .pack_energy import MAX_INTEGRATION_GAP, integrate_kwh

if TYPE_CHECKING:
    from ..coordinators.base import DeviceCoordinator


@dataclass(frozen=True, kw_only=True)
class DeviceSample:
    """A device's power at one moment, its energy counters if it has any, and its share of the house.

    home_kw and export_kw are this device's share of the home's need and of the measured export
    (None when no sensor says so). controlled: V2G Home drove the device when it was read; what flows
    from this sample to the next belongs to V2G Home only then.
    """

    at: datetime
    power_kw: float
    charged_counter_kwh: float | None = None
    discharged_counter_kwh: float | None = None
    home_kw: float | None = None
    export_kw: float | None = None
    controlled: bool = True
    # Home Assistant stopped while V2G Home drove the device: it runs on at this power until then.
    run_on_until: datetime | None = None


def has_counters(sample: DeviceSample) -> bool:
    """Whether the sample carries both energy counters."""
    return (
        sample.charged_counter_kwh is not None
        and sample.discharged_counter_kwh is not None
    )


def sample_as_dict(sample: DeviceSample) -> dict[str, Any]:
    """JSON-safe form of a sample (for the ledger's store)."""
    return {
        "at": sample.at.isoformat(),
        "power_kw": sample.power_kw,
        "charged_counter_kwh": sample.charged_counter_kwh,
        "discharged_counter_kwh": sample.discharged_counter_kwh,
        "controlled": sample.controlled,
        "run_on_until": None
        if sample.run_on_until is None
        else sample.run_on_until.isoformat(),
    }


def sample_from_dict(data: dict[str, Any]) -> DeviceSample:
    """Read a stored sample back (KeyError, TypeError or ValueError when damaged)."""
    charged, discharged = data["charged_counter_kwh"], data["discharged_counter_kwh"]
    return DeviceSample(
        at=datetime.fromisoformat(data["at"]),
        power_kw=float(data["power_kw"]),
        charged_counter_kwh=None if charged is None else float(charged),
        discharged_counter_kwh=None if discharged is None else float(discharged),
        # Stores written before the split booked everything as V2G Home's.
        controlled=bool(data.get("controlled", True)),
        run_on_until=None
        if (run_on := data.get("run_on_until")) is None
        else datetime.fromisoformat(run_on),
    )


def read_device(coordinator: DeviceCoordinator[Any]) -> DeviceSample | None:
    """The coordinator's latest poll as a sample; None when it has no usable power reading."""
    data = coordinator.data
    if isinstance(data, PackData) and data.reading.power_kw is not None:
        return DeviceSample(
            at=data.measured_at,
            power_kw=data.reading.power_kw,
            charged_counter_kwh=data.reading.energy_charged_kwh,
            discharged_counter_kwh=data.reading.energy_discharged_kwh,
            controlled=coordinator.under_control,
        )
    if isinstance(data, ChargerData) and data.status.power_kw is not None:
        # The charger's poll carries no timestamp: it is stamped when the ledger hears of it.
        # Chargers with lifetime energy counters (SunSpec DER) give them too.
        return DeviceSample(
            at=dt_util.utcnow(),
            power_kw=data.status.power_kw,
            charged_counter_kwh=getattr(data.reading, "energy_charged_kwh", None),
            discharged_counter_kwh=getattr(data.reading, "energy_discharged_kwh", None),
            controlled=coordinator.under_control,
        )
    return None


def still_connected(coordinator: DeviceCoordinator[Any]) -> bool:
    """False when a charger reports its car gone (what it did meanwhile is then not known)."""
    data = coordinator.data
    return not (isinstance(data, ChargerData) and data.car.plugged_in is False)


def _counter_delta(previous: float | None, current: float | None) -> float | None:
    if previous is None or current is None or current < previous:
        return None
    return current - previous


def _mean_kwh(
    previous: float | None, current: float | None, hours: float
) -> float | None:
    if previous is None or current is None:
        return None
    return (previous + current) / 2 * hours


def _split(
    charged_kwh: float,
    discharged_kwh: float,
    *,
    hours: float,
    export_kw: tuple[float | None, float | None],
    home_kw: tuple[float | None, float | None],
) -> FlowEnergy:
    split = split_discharge(
        discharged_kwh,
        grid_export_kwh=_mean_kwh(*export_kw, hours),
        home_need_kwh=_mean_kwh(*home_kw, hours),
    )
    return FlowEnergy(
        charged_kwh=charged_kwh,
        to_home_kwh=split.to_home_kwh,
        exported_kwh=split.exported_kwh,
    )


def flow_until(last: DeviceSample, end: datetime) -> FlowEnergy:
    """Energy from the last sample up to `end` at the last known power (left point).

    For the tail before an unload, when no later sample will come; nothing across a gap
    longer than MAX_INTEGRATION_GAP.
    """
    if end - last.at > MAX_INTEGRATION_GAP:
        return FlowEnergy()
    return flow_at_power(last, end)


def flow_at_power(last: DeviceSample, end: datetime) -> FlowEnergy:
    """Energy from the sample up to `end` at the sample's power, however long (a device's run-on)."""
    elapsed = end - last.at
    if elapsed.total_seconds() <= 0:
        return FlowEnergy()
    hours = elapsed.total_seconds() / 3600
    return _split(
        max(last.power_kw, 0.0) * hours,
        max(-last.power_kw, 0.0) * hours,
        hours=hours,
        export_kw=(last.export_kw, last.export_kw),
        home_kw=(last.home_kw, last.home_kw),
    )


def flow_between(previous: DeviceSample, current: DeviceSample) -> FlowEnergy:
    """Energy from one sample to the next: counters where the device has them, else power by trapezoid.

    Nothing is counted across a gap longer than MAX_INTEGRATION_GAP (the device was away).
    """
    elapsed = current.at - previous.at
    if elapsed.total_seconds() <= 0:
        return FlowEnergy()
    before, after = (previous.at, previous.power_kw), (current.at, current.power_kw)
    charged = _counter_delta(previous.charged_counter_kwh, current.charged_counter_kwh)
    discharged = _counter_delta(
        previous.discharged_counter_kwh, current.discharged_counter_kwh
    )
    if charged is None or discharged is None:
        if elapsed > MAX_INTEGRATION_GAP:
            return FlowEnergy()  # by power only across a short gap; counters cover any
        charged = integrate_kwh(before, after, 1)
        discharged = integrate_kwh(before, after, -1)
    return _split(
        charged,
        discharged,
        hours=elapsed.total_seconds() / 3600,
        export_kw=(previous.export_kw, current.export_kw),
        home_kw=(previous.home_kw, current.home_kw),
    )
