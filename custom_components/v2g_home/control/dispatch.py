"""An aggregator's dispatch: a signed power offset on top of the plan for a while, inside the floors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .decide import Action, Situation, decide
from .safety import Verdict

_LIMIT_MARGIN_KW = 1e-6


@dataclass(frozen=True, kw_only=True)
class Dispatch:
    """This offset (kW, + charges more, - exports more) on top of the plan until then."""

    offset_kw: float
    until: datetime

    def active(self, now: datetime) -> bool:
        """Whether it still applies."""
        return now < self.until


def dispatch_refusal(situation: Situation, dispatch: Dispatch) -> str | None:
    """Why the offset cannot be honoured on this device now (None: it can, exactly).

    It must run on top of the plan (auto, available, no user's override), pass every safety rule
    unchanged (floors, fresh readings and prices) and stay within the device's power limits.
    """
    if not dispatch.active(situation.now):
        return "ended"
    with_offset = replace(situation, offset_kw=dispatch.offset_kw)
    command = decide(with_offset)
    if command.action is not Action.SETPOINT:
        return "user_mode"
    if command.reason != "dispatch":
        return command.reason
    if command.verdict is not Verdict.OK:
        return command.verdict.value
    device = situation.device
    wanted = situation.planned_kw + dispatch.offset_kw
    if not (
        -device.max_discharge_kw - _LIMIT_MARGIN_KW
        <= wanted
        <= device.max_charge_kw + _LIMIT_MARGIN_KW
    ):
        return "power_limit"
    return None
