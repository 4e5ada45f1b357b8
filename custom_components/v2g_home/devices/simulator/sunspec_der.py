"""A storage device that speaks the SunSpec DER models of IEEE 1547-2018: 1, 701, 702, 704 and 713.

Choices where the models leave room:
- 701 `W` and 704 `WSet` are + while the device generates (discharges) and - while it absorbs
  (charges), as the model text says; the simulator's own power is + charging like every device here.
- 704 control: with `WSetEna` 1 the device runs at -`WSet` (`WSetMod` 1, watts) or at -`WSetPct` %
  of `WMax` (`WSetMod` 0); with `WSetEna` 0 it follows its local logic (`local_power_kw`, 0 unless
  the household sets it). Charge and discharge are capped by 702 `WChaRteMax` / `WDisChaRteMax`.
- Revert timer: a write of `WSetEna`, `WSetMod`, `WSet`, `WSetPct` or `WSetRvrtTms` starts it; after
  `WSetRvrtTms` seconds `WSetEna`, `WSet` and `WSetPct` take their reversion values
  (`WSetEnaRvrt`, `WSetRvrt`, `WSetPctRvrt`) and the timer stops. 0 = no timer.
- Only the points the device implements are writable (exception 2 otherwise); a multi-register
  point must be written whole (exception 3 otherwise); values out of range get exception 3.
- `with_watts_mode=False` leaves `WSet`/`WSetRvrt` unimplemented; `with_revert=False` the timer.
- Non-zero `alarm_bits` (701 `Alrm`) put the inverter in FAULT and stop the flow.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .base import ILLEGAL_ADDRESS, ILLEGAL_VALUE, ModbusExceptionReply
from .battery import SimulatedBattery
from .sunspec_der_models import MODEL_701, MODEL_702, MODEL_704, MODEL_713
from .sunspec_der_values import (
    WSET_PCT_SCALE_FACTOR,
    ac_values,
    capacity_values,
    control_values,
    default_settings,
    storage_values,
    w_scale_factor,
)
from .sunspec_layout import END_MODEL, SUNS_MARKER, PointValue, place_models
from .sunspec_models import MODEL_1

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .clock import SimClock
    from .sunspec_layout import PlacedModel
    from .sunspec_models import SunSpecPoint

_LOGGER = logging.getLogger(__name__)
_TIMER_POINTS = frozenset({"WSetEna", "WSetMod", "WSet", "WSetPct", "WSetRvrtTms"})
_SIGNED = frozenset({"int16", "int32"})


class SimulatedDerStorage(SimulatedBattery):
    """A DER storage device whose physics advance lazily to the clock on every access."""

    def __init__(
        self,
        clock: SimClock,
        *,
        base_address: int = 40000,
        capacity_kwh: float = 13.5,
        soc_pct: float = 50.0,
        max_power_kw: float = 5.0,
        efficiency: float = 0.95,
        soh_pct: float = 98.0,
        with_watts_mode: bool = True,
        with_revert: bool = True,
        serial: str = "SIMDER0001",
        manufacturer: str = "V2G Home",
        model: str = "Simulated DER storage",
        firmware: str = "1.0.0",
    ) -> None:
        """A device holding `soc_pct` of `capacity_kwh` whose models start at `base_address`."""
        if capacity_kwh <= 0 or max_power_kw <= 0 or not 0 < efficiency <= 1:
            raise ValueError(
                "capacity and power must be positive, efficiency in (0, 1]"
            )
        super().__init__(
            clock, capacity_kwh=capacity_kwh, soc_pct=soc_pct, efficiency=efficiency
        )
        self.base_address = base_address
        self.max_power_kw = max_power_kw
        self.soh_pct = soh_pct
        self.with_watts_mode = with_watts_mode
        self.with_revert = with_revert
        self.frequency_hz = 50.0
        self.alarm_bits = 0
        self.local_power_kw = 0.0
        self.identity = {
            "Mn": manufacturer,
            "Md": model,
            "SN": serial,
            "Vr": firmware,
            "Opt": "simulated",
        }
        placed = place_models(
            base_address, (MODEL_1, MODEL_701, MODEL_702, MODEL_704, MODEL_713)
        )
        self.models: dict[int, PlacedModel] = {p.model.model_id: p for p in placed}
        self.end_address = (
            placed[-1].start + placed[-1].model.length + 2 + len(END_MODEL)
        )
        self.settings = default_settings(self)
        self._writable: dict[int, tuple[int, SunSpecPoint]] = {
            p.start + point.offset: (p.model.model_id, point)
            for p in placed
            for point in p.model.points
            if (p.model.model_id, point.name) in self.settings
        }
        self._inside_writable = {
            start + i
            for start, (_, point) in self._writable.items()
            for i in range(1, point.size)
        }
        self._timer_started_s: float | None = None

    # --- what tests and the demo look at -------------------------------------------------------------
    def revert_remaining_s(self) -> int:
        """Seconds left on the revert timer (0 when it is not running)."""
        deadline = self._control_deadline()
        return 0 if deadline is None else max(0, round(deadline - self.clock.now()))

    def address(self, model_id: int, point: str) -> int:
        """Absolute address of a point."""
        return self.models[model_id].address(point)

    # --- physics ---------------------------------------------------------------------------------------
    def note_request(self) -> None:
        """A request arrived (the DER models' fail-safe is the revert timer, not traffic)."""
        self.step()

    def _control_deadline(self) -> float | None:
        timeout_s = self.settings.get((704, "WSetRvrtTms"), 0)
        if self._timer_started_s is None or timeout_s == 0:
            return None
        return self._timer_started_s + timeout_s

    def _on_control_deadline(self) -> None:
        _LOGGER.info(
            "WSetRvrtTms expired: active power control takes its reversion values"
        )
        self._timer_started_s = None
        for name, reversion in (
            ("WSet", "WSetRvrt"),
            ("WSetPct", "WSetPctRvrt"),
            ("WSetEna", "WSetEnaRvrt"),
        ):
            if (704, name) in self.settings:
                self.settings[704, name] = self.settings.get((704, reversion), 0)

    def _watts(self, name: str) -> float:
        """A 702/704 power setting in W (W_SF and WSet_SF are the same here)."""
        model_id = 704 if name.startswith("WSet") else 702
        return self.settings[model_id, name] * 10.0 ** w_scale_factor(self)

    def _requested_w(self) -> float:
        if self.settings[704, "WSetEna"] != 1:
            return self.local_power_kw * 1000.0
        if self.settings[704, "WSetMod"] == 1 and (704, "WSet") in self.settings:
            return -self._watts("WSet")
        pct = self.settings[704, "WSetPct"] * 10.0**WSET_PCT_SCALE_FACTOR
        return -pct / 100.0 * self._watts("WMax")

    def flow_w(self) -> float:
        """AC power the device runs at now, + charging (no stepping)."""
        if self.alarm_bits:
            return 0.0
        charge_w = self._watts("WChaRteMax")
        discharge_w = self._watts("WDisChaRteMax")
        flow_w = min(max(self._requested_w(), -discharge_w), charge_w)
        return flow_w if self._within_capacity(flow_w) else 0.0

    # --- registers ---------------------------------------------------------------------------------------
    def _values(self, model_id: int) -> Mapping[str, PointValue]:
        settings = {
            name: v for (mid, name), v in self.settings.items() if mid == model_id
        }
        live: dict[int, Mapping[str, PointValue]] = {
            1: self.identity,
            701: ac_values(self),
            702: capacity_values(self),
            704: control_values(self),
            713: storage_values(self),
        }
        return {**live[model_id], **settings}

    def read_registers(self, address: int, count: int) -> list[int]:
        """Serve a read inside base..end marker; anything outside is an illegal address."""
        if address < self.base_address or address + count > self.end_address:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"no registers {address}..{address + count - 1}"
            )
        self.step()
        words = list(SUNS_MARKER)
        for model_id, placed in self.models.items():
            words.extend(placed.encode(self._values(model_id)))
        words.extend(END_MODEL)
        offset = address - self.base_address
        return words[offset : offset + count]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Write whole implemented points; control points restart the revert timer."""
        self.step()
        index = 0
        while index < len(values):
            here = address + index
            if here in self._inside_writable:
                raise ModbusExceptionReply(ILLEGAL_VALUE, f"{here} is inside a point")
            if here not in self._writable:
                raise ModbusExceptionReply(
                    ILLEGAL_ADDRESS, f"register {here} is not a writable point"
                )
            model_id, point = self._writable[here]
            words = list(values[index : index + point.size])
            if len(words) != point.size:
                raise ModbusExceptionReply(
                    ILLEGAL_VALUE, f"{point.name} is written whole"
                )
            self._store(model_id, point, words)
            index += point.size

    def _store(self, model_id: int, point: SunSpecPoint, words: list[int]) -> None:
        value = 0
        for word in words:
            value = value << 16 | word
        bits = 16 * point.size
        if point.type in _SIGNED and value >= 1 << (bits - 1):
            value -= 1 << bits
        if not self._acceptable(point.name, value):
            raise ModbusExceptionReply(
                ILLEGAL_VALUE, f"{value} is out of range for {point.name}"
            )
        self.settings[model_id, point.name] = value
        if model_id == 704 and point.name in _TIMER_POINTS:
            self._timer_started_s = self._time_s

    def _acceptable(self, name: str, value: int) -> bool:
        max_w = self.settings[702, "WMax"] if name not in {"WMax"} else value
        limits = {
            "WSetEna": (0, 1),
            "WSetEnaRvrt": (0, 1),
            "WSetMod": (0, 1),
            "WSet": (-max_w, max_w),
            "WSetRvrt": (-max_w, max_w),
            "WSetPct": (-10000, 10000),
            "WSetPctRvrt": (-10000, 10000),
            "WSetRvrtTms": (0, 86400),
            "WMax": (1, round(self.max_power_kw * 1000 / 10.0 ** w_scale_factor(self))),
            "WChaRteMax": (0, self.settings[702, "WMax"]),
            "WDisChaRteMax": (0, self.settings[702, "WMax"]),
        }
        low, high = limits.get(name, (0, 0xFFFF))
        return low <= value <= high

    def garbage_registers(self) -> Mapping[int, int]:
        """Implausible readings: SoC 250 %, W 32767, 1000 Hz, inverter state 42."""
        hz = self.address(701, "Hz")
        return {
            self.address(713, "SoC"): 2500,
            self.address(701, "W"): 0x7FFF,
            hz: 0x0001,
            hz + 1: 0x86A0,
            self.address(701, "InvSt"): 42,
        }
