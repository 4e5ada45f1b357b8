"""Watches each device for the scheduler: when it last answered, whether it follows what was written, repairs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..control.modes import ControlMode
from ..control.safety import at_soc_limit, follows

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from ..control.decide import Command
    from ..control.snapshot import DeviceSnapshot

UNREACHABLE_FOR = timedelta(minutes=15)
# How long a car with an unknown SoC may charge slowly to make its charger report the SoC.
SOC_PROBE_FOR = timedelta(minutes=10)
READBACK_POLLS = 3
READBACK_WINDOW = timedelta(seconds=60)


class DeviceGuard:
    """One device's watch: the age of its readings, read-back of setpoints, and the repairs they raise."""

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
        self.last_command: Command | None = None
        self._probe_since: datetime | None = None
        self.unreachable_issue = f"device_unreachable_{entry_id}_{device_id}"
        self.readback_issue = f"setpoint_not_applied_{entry_id}_{device_id}"

    def reading_age_s(self, now: datetime) -> float | None:
        """Seconds since the latest good reading; None before the first one or while the device is away."""
        if self.unavailable_since is not None or self.last_ok is None:
            return None
        return (now - self.last_ok).total_seconds()

    def may_probe_soc(self, device: DeviceSnapshot, now: datetime) -> bool:
        """Whether a plugged-in car with an unknown SoC may still charge slowly to learn it (once per plug-in)."""
        if not device.is_car or not device.available:
            self._probe_since = None  # unplugged: the next car gets its own probe
            return False
        if device.known_soc_pct is not None:
            return False
        if self._probe_since is None:
            self._probe_since = now
        return now - self._probe_since < SOC_PROBE_FOR

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
        """Raise the repair at once for a device V2G Home drives, after long for one it only watches."""
        since = self.unavailable_since
        if since is None:
            return
        if device.mode is ControlMode.OFF and now - since <= UNREACHABLE_FOR:
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
                "since": dt_util.as_local(since).strftime("%H:%M"),
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
        if follows(commanded, device.power_kw) or at_soc_limit(device, commanded):
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
