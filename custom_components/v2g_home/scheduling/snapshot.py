"""What the latest poll of a coordinator says about its device, as control sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..control.snapshot import DeviceSnapshot
from ..coordinators.charger import ChargerCoordinator
from ..coordinators.pack import PackCoordinator
from ..devices.charger import SessionState

if TYPE_CHECKING:
    from ..coordinators.base import DeviceCoordinator

# One-way efficiency of a bidirectional charger with its car (AC to battery and back): Quasar 1 owners
# measure roughly 85 % round trip, so about 0.92 each way.
CAR_EFFICIENCY = 0.92
# One-way efficiency of a stationary lithium pack with its inverter (about 90 % round trip).
PACK_EFFICIENCY = 0.95


def snapshot(
    device_id: str,
    coordinator: DeviceCoordinator[Any],
    *,
    reading_age_s: float | None = 0.0,
) -> DeviceSnapshot:
    """Read what the latest poll says about a charger's Leaf or a pack (and how old that poll is)."""
    answering = coordinator.last_update_success and coordinator.data is not None
    poll_s = coordinator.base_interval.total_seconds()
    if isinstance(coordinator, ChargerCoordinator):
        data = coordinator.data
        status = None if data is None else data.status
        caps = None if status is None else status.capabilities
        return DeviceSnapshot(
            device_id=device_id,
            name=coordinator.name,
            is_car=True,
            mode=coordinator.control.mode,
            # A car on the plug whose session is still starting cannot be commanded yet.
            available=answering
            and data is not None
            and data.car.plugged_in is True
            and data.status.state is not SessionState.CONNECTING,
            soc_pct=None if data is None else data.car.soc.soc_pct,
            capacity_kwh=coordinator.car.capacity_kwh,
            max_charge_kw=0.0 if caps is None else caps.max_charge_kw,
            max_discharge_kw=0.0 if caps is None else caps.max_discharge_kw,
            # The planner takes one dead band for both directions: the larger one is safe for both.
            min_power_kw=0.0
            if caps is None
            else max(caps.min_charge_kw, caps.min_discharge_kw),
            efficiency=CAR_EFFICIENCY,
            power_kw=None if status is None else status.power_kw,
            answering=answering,
            reading_age_s=reading_age_s,
            poll_interval_s=poll_s,
        )
    if not isinstance(coordinator, PackCoordinator):  # pragma: no cover - no other kind
        raise TypeError(type(coordinator).__name__)
    reading = coordinator.data.reading if coordinator.data else None
    return DeviceSnapshot(
        device_id=device_id,
        name=coordinator.name,
        is_car=False,
        mode=coordinator.mode,
        available=answering,
        soc_pct=None if reading is None else reading.soc_pct,
        capacity_kwh=None if reading is None else reading.capacity_kwh,
        max_charge_kw=(reading.max_charge_kw or 0.0) if reading else 0.0,
        max_discharge_kw=(reading.max_discharge_kw or 0.0) if reading else 0.0,
        min_power_kw=0.0,
        efficiency=PACK_EFFICIENCY,
        power_kw=None if reading is None else reading.power_kw,
        answering=answering,
        reading_age_s=reading_age_s,
        poll_interval_s=poll_s,
    )
