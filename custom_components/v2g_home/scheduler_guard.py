"""Safety around each device: the last check before a write, staleness, read-back and repairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .scheduler_problem import DeviceSnapshot

STALE_POLLS = 2  # readings older than this many poll intervals are stale
UNREACHABLE_FOR = timedelta(minutes=15)
READBACK_POLLS = 3
READBACK_WINDOW = timedelta(seconds=60)
READBACK_TOLERANCE_KW = 0.5
READBACK_TOLERANCE_SHARE = 0.15
# Near full or empty the battery itself stops the power: no fault of the charger.
SOC_LIMIT_MARGIN_PCT = 2.0


@dataclass(frozen=True, kw_only=True)
class SafetyInputs:
    """What the last check before a write looks at."""

    fresh: bool  # the device's readings are recent
    prices_known: bool  # the current slot has a price
    floor_pct: float  # max(reserve, departure target when a departure is ahead)


def safe_setpoint_kw(
    wanted_kw: float, device: DeviceSnapshot, safety: SafetyInputs
) -> float:
    """The setpoint that may be written: never a discharge below the floor, stale or blind."""
    if wanted_kw >= 0:
        return wanted_kw
    if not safety.fresh or not safety.prices_known or device.soc_pct is None:
        return 0.0
    if device.soc_pct <= safety.floor_pct:
        return 0.0
    return wanted_kw


def follows(commanded_kw: float, power_kw: float) -> bool:
    """Whether the measured power is where the setpoint put it (rounding to amps allowed)."""
    tolerance = max(READBACK_TOLERANCE_KW, READBACK_TOLERANCE_SHARE * abs(commanded_kw))
    return abs(power_kw - commanded_kw) <= tolerance


class DeviceGuard:
    """Watches one device: when it last answered, and whether it follows what was written."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, device_id: str, poll: timedelta
    ) -> None:
        """Nothing is known until the first poll is seen."""
        self.hass = hass
        self.device_id = device_id
        self.poll = poll
        self.last_ok: datetime | None = None
        self.unavailable_since: datetime | None = None
        self.commanded_kw: float | None = None
        self.commanded_at: datetime | None = None
        self.polls_since_command = 0
        self.exporting = False
        self.unreachable_issue = f"device_unreachable_{entry_id}_{device_id}"
        self.readback_issue = f"setpoint_not_applied_{entry_id}_{device_id}"

    def fresh(self, now: datetime) -> bool:
        """Whether the latest good reading is recent enough to act on."""
        return (
            self.unavailable_since is None
            and self.last_ok is not None
            and now - self.last_ok <= self.poll * STALE_POLLS
        )

    def seen(self, device: DeviceSnapshot, answering: bool, now: datetime) -> None:
        """Account for one poll: answering or not, and what its power says about the setpoint."""
        if answering:
            self.last_ok = now
            self.unavailable_since = None
            ir.async_delete_issue(self.hass, DOMAIN, self.unreachable_issue)
            self._check_readback(device, now)
            return
        if self.unavailable_since is None:
            self.unavailable_since = now
        self.check_unreachable(device, now)

    def check_unreachable(self, device: DeviceSnapshot, now: datetime) -> None:
        """Raise the repair once the device has been away for long."""
        since = self.unavailable_since
        if since is None or now - since <= UNREACHABLE_FOR:
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.unreachable_issue,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="device_unreachable",
            translation_placeholders={
                "device": device.name,
                "minutes": str(int((now - since).total_seconds() // 60)),
            },
        )

    def commanded(self, power_kw: float, now: datetime) -> None:
        """A new setpoint was written: start watching whether the device follows."""
        if power_kw == self.commanded_kw:
            return
        self.commanded_kw = power_kw
        self.commanded_at = now
        self.polls_since_command = 0

    def _check_readback(self, device: DeviceSnapshot, now: datetime) -> None:
        commanded, since = self.commanded_kw, self.commanded_at
        if commanded is None or since is None or device.power_kw is None:
            return
        self.polls_since_command += 1
        if follows(commanded, device.power_kw) or _at_soc_limit(device, commanded):
            ir.async_delete_issue(self.hass, DOMAIN, self.readback_issue)
            return
        if self.polls_since_command < READBACK_POLLS or now - since < READBACK_WINDOW:
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.readback_issue,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="setpoint_not_applied",
            translation_placeholders={
                "device": device.name,
                "setpoint": f"{commanded:.2f}",
                "power": f"{device.power_kw:.2f}",
            },
        )

    def forget(self) -> None:
        """The device is not driven by the plan any more: clear what only applies then."""
        self.commanded_kw = None
        self.commanded_at = None
        ir.async_delete_issue(self.hass, DOMAIN, self.readback_issue)

    def remove_issues(self) -> None:
        """On unload, leave no repair behind that the next start would not confirm."""
        ir.async_delete_issue(self.hass, DOMAIN, self.readback_issue)


def _at_soc_limit(device: DeviceSnapshot, commanded_kw: float) -> bool:
    soc = device.soc_pct
    if soc is None:
        return False
    if commanded_kw > 0:
        return soc >= 100 - SOC_LIMIT_MARGIN_PCT
    return commanded_kw < 0 and soc <= SOC_LIMIT_MARGIN_PCT
