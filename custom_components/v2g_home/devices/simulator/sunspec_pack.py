"""A stationary lithium pack that speaks SunSpec: models 1 (common), 802 (battery) and 124 (storage controls).

Control through model 124 (the simulated pack has no house load of its own, so left alone it idles):
- StorCtl_Mod 0: the pack follows its local logic, `local_power_kw` (0 unless the demo's household sets it).
- StorCtl_Mod 1 (CHARGE bit only): it runs at InWRte % of WChaMax; a negative InWRte discharges (Fronius style).
- StorCtl_Mod 2 (DISCHARGE bit only): it runs at -OutWRte % of WChaMax; a negative OutWRte charges.
- StorCtl_Mod 3: the power is the local power clamped into the window [-OutWRte %, +InWRte %] of WChaMax.
- InOutWRte_RvrtTms > 0: that many simulated seconds after the last control write, StorCtl_Mod reverts to 0.
- MinRsvPct (% of the nominal storage): the pack never discharges below it, whoever commands it.
- 802 SetOp = 2 (disconnect) stops all flow and reports State DISCONNECTED.
Model 802 leaves the sign of W and A open; `w_positive_means_charge` picks it. Charging stores AC x efficiency,
discharging delivers stored x efficiency; flow stops at 0 % and 100 %.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .base import (
    ILLEGAL_ADDRESS,
    ILLEGAL_VALUE,
    ModbusExceptionReply,
    to_int16,
)
from .battery import SimulatedBattery
from .sunspec_layout import (
    END_MODEL,
    SUNS_MARKER,
    PlacedModel,
    PointValue,
    place_models,
    scale_factor_for,
)
from .sunspec_models import MODEL_1, MODEL_124, MODEL_802
from .sunspec_values import (
    battery_values,
    control_value_ok,
    default_settings,
    storage_values,
    wchamax_word,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .clock import SimClock

_LOGGER = logging.getLogger(__name__)
_CONTROL_POINTS = frozenset({"StorCtl_Mod", "InWRte", "OutWRte"})
RATE_SCALE_FACTOR = -2  # InOutWRte_SF: 10000 = 100 %


class SimulatedSunSpecPack(SimulatedBattery):
    """A SunSpec battery whose physics advance lazily to the clock on every access."""

    def __init__(
        self,
        clock: SimClock,
        *,
        base_address: int = 40000,
        capacity_kwh: float = 10.0,
        soc_pct: float = 50.0,
        max_power_kw: float = 5.0,
        efficiency: float = 0.95,
        soh_pct: float = 97.0,
        w_positive_means_charge: bool = True,
        with_model_124: bool = True,
        serial: str = "SIMPACK0001",
        manufacturer: str = "V2G Home",
        model: str = "Simulated SunSpec pack",
        firmware: str = "1.0.0",
    ) -> None:
        """Make a pack holding `soc_pct` of `capacity_kwh` whose models start at `base_address`."""
        if (
            capacity_kwh <= 0
            or max_power_kw <= 0
            or not 0 < efficiency <= 1
            or not 0 <= soc_pct <= 100
        ):
            raise ValueError(
                "capacity and power must be positive, efficiency in (0, 1], SoC in [0, 100]"
            )
        super().__init__(
            clock, capacity_kwh=capacity_kwh, soc_pct=soc_pct, efficiency=efficiency
        )
        self.base_address = base_address
        self.max_power_kw = max_power_kw
        self.soh_pct = soh_pct
        self.w_positive_means_charge = w_positive_means_charge
        self.identity = {
            "Mn": manufacturer,
            "Md": model,
            "SN": serial,
            "Vr": firmware,
            "Opt": "simulated",
        }
        self.local_power_kw = 0.0
        models = (
            (MODEL_1, MODEL_802, MODEL_124) if with_model_124 else (MODEL_1, MODEL_802)
        )
        self.models: dict[int, PlacedModel] = {
            p.model.model_id: p for p in place_models(base_address, models)
        }
        last = list(self.models.values())[-1]
        self.end_address = last.start + last.model.length + 2 + len(END_MODEL)
        self._writable: dict[int, tuple[int, str]] = {
            placed.start + point.offset: (placed.model.model_id, point.name)
            for placed in self.models.values()
            for point in placed.model.points
            if point.writable
        }
        self._wchamax_word = wchamax_word(max_power_kw)
        self.settings = default_settings(self._wchamax_word)
        self._control_written_s = self._time_s

    # --- what tests and the demo look at -------------------------------------------------------------
    def wcha_max_w(self) -> float:
        """Model 124 WChaMax in watts (the hardware maximum without model 124)."""
        if 124 not in self.models:
            return self.max_power_kw * 1000.0
        scale = 10 ** scale_factor_for(self.max_power_kw * 1000, limit=0xFFFF)
        return float(self.settings[124, "WChaMax"] * scale)

    # --- physics ---------------------------------------------------------------------------------------
    def note_request(self) -> None:
        """A Modbus request arrived (SunSpec packs have no Modbus fail-safe here)."""
        self.step()

    def _control_deadline(self) -> float | None:
        """Model 124's InOutWRte_RvrtTms: seconds after the last control write."""
        if 124 not in self.models:
            return None
        timeout_s = self.settings[124, "InOutWRte_RvrtTms"]
        if timeout_s == 0 or self.settings[124, "StorCtl_Mod"] == 0:
            return None
        return self._control_written_s + timeout_s

    def _on_control_deadline(self) -> None:
        _LOGGER.info("InOutWRte_RvrtTms expired: storage control reverts to local")
        self.settings[124, "StorCtl_Mod"] = 0

    def _rate_pct(self, name: str) -> float:
        return to_int16(self.settings[124, name]) * 10.0**RATE_SCALE_FACTOR

    def _requested_w(self) -> float:
        local_w = self.local_power_kw * 1000.0
        if 124 not in self.models:
            return local_w
        mode = self.settings[124, "StorCtl_Mod"]
        limit_w = self.wcha_max_w()
        charge_w = self._rate_pct("InWRte") / 100.0 * limit_w
        discharge_w = self._rate_pct("OutWRte") / 100.0 * limit_w
        if mode == 1:
            return charge_w
        if mode == 2:
            return -discharge_w
        if mode == 3:
            return min(max(local_w, -discharge_w), charge_w)
        return local_w

    def reserve_kwh(self) -> float:
        """Model 124 MinRsvPct as stored energy: the pack's own firmware discharges no further."""
        if 124 not in self.models:
            return 0.0
        return self.settings[124, "MinRsvPct"] / 100.0 * self.capacity_kwh

    def _energy_breakpoints_kwh(self) -> tuple[float, ...]:
        reserve = self.reserve_kwh()
        return (reserve,) if reserve > 0 else ()

    def flow_w(self) -> float:
        """AC power the pack runs at right now, + charging (no stepping)."""
        if self.settings[802, "SetOp"] == 2:
            return 0.0
        limit_w = min(self.wcha_max_w(), self.max_power_kw * 1000.0)
        flow_w = min(max(self._requested_w(), -limit_w), limit_w)
        if flow_w < 0 and self._stored_kwh <= self.reserve_kwh():
            return 0.0
        return flow_w if self._within_capacity(flow_w) else 0.0

    # --- registers ---------------------------------------------------------------------------------------
    def _image(self) -> list[int]:
        words = list(SUNS_MARKER)
        for model_id, placed in self.models.items():
            words.extend(placed.encode(self._values(model_id)))
        words.extend(END_MODEL)
        return words

    def _values(self, model_id: int) -> Mapping[str, PointValue]:
        model = self.models[model_id].model
        settings = {
            name: to_int16(word) if model.point(name).type == "int16" else word
            for (mid, name), word in self.settings.items()
            if mid == model_id
        }
        if model_id == 1:
            return {**self.identity, **settings}
        if model_id == 802:
            return {**battery_values(self), **settings}
        return {**storage_values(self), **settings}

    def read_registers(self, address: int, count: int) -> list[int]:
        """Serve a read inside base..end marker; anything outside is an illegal address."""
        if address < self.base_address or address + count > self.end_address:
            raise ModbusExceptionReply(
                ILLEGAL_ADDRESS, f"no registers {address}..{address + count - 1}"
            )
        self.step()
        offset = address - self.base_address
        return self._image()[offset : offset + count]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Write RW points only; control writes restart the revert timer."""
        self.step()
        for index, word in enumerate(values):
            key = self._writable.get(address + index)
            if key is None:
                raise ModbusExceptionReply(
                    ILLEGAL_ADDRESS, f"register {address + index} is not writable"
                )
            self._check_value(key, word)
            self.settings[key] = word
            if key[0] == 124 and key[1] in _CONTROL_POINTS:
                self._control_written_s = self._time_s

    def _check_value(self, key: tuple[int, str], word: int) -> None:
        if not control_value_ok(key[1], word, self._wchamax_word):
            raise ModbusExceptionReply(
                ILLEGAL_VALUE, f"{word} is out of range for {key[1]} (model {key[0]})"
            )

    def garbage_registers(self) -> Mapping[int, int]:
        """Implausible readings: SoC 250 %, SoH 300 %, W 32767, unknown charge status 42."""
        battery = self.models[802]
        return {
            battery.address("SoC"): 2500,
            battery.address("SoH"): 300,
            battery.address("W"): 0x7FFF,
            battery.address("A"): 0x7FFF,
            battery.address("ChaSt"): 42,
        }
