"""SunSpec battery packs: discovery of the model chain, model 802 readings and model 124 control."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import sunspec_map as sm
from .errors import DeviceProtocolError, UnsupportedDeviceError, WriteVerificationError
from .models import PackReading
from .registers import (
    MODBUS_MAX_READ,
    Register,
    Value,
    decode,
    encode,
    plan_blocks,
    words_by_address,
)
from .sunspec_discovery import (
    ModelLocation,
    discover,
    read_common,
    require,
    select_points,
)
from .sunspec_pack_state import PowerSign, SignedPower, number, pack_state, rated_kw

if TYPE_CHECKING:
    from .models import DeviceIdentity
    from .transport import ModbusTransport

__all__ = ["CHARGE_LIMIT", "DISCHARGE_LIMIT", "PowerSign", "SunSpecPack"]


CHARGE_LIMIT = 1  # StorCtl_Mod bit 0: InWRte governs charging
DISCHARGE_LIMIT = 2  # StorCtl_Mod bit 1: OutWRte governs discharging

_READ_802 = (
    "WHRtg",
    "WHRtg_SF",
    "WChaRteMax",
    "WDisChaRteMax",
    "WChaDisChaMax_SF",
    "SoC",
    "SoC_SF",
    "SoH",
    "SoH_SF",
    "ChaSt",
    "State",
    "W",
    "W_SF",
)
_READ_124 = (
    "WChaMax",
    "WChaMax_SF",
    "StorCtl_Mod",
    "ChaSt",
    "OutWRte",
    "InWRte",
    "InOutWRte_RvrtTms",
    "InOutWRte_SF",
    "MinRsvPct",
    "MinRsvPct_SF",
)
_CONTROL_124 = ("StorCtl_Mod", "OutWRte", "InWRte")
_REVERT_124 = "s.InOutWRte_RvrtTms"
DEFAULT_REVERT_TIMEOUT_S = 0  # opt-in here; the integration arms it (device_factory)


class SunSpecPack:
    """A stationary pack speaking SunSpec: reads model 802, controls through model 124."""

    def __init__(
        self,
        transport: ModbusTransport,
        *,
        power_sign: PowerSign = PowerSign.AUTO,
        revert_timeout_s: int = DEFAULT_REVERT_TIMEOUT_S,
    ) -> None:
        """Wrap a transport; discovery runs on connect(). revert_timeout_s 0 arms no revert timer."""
        if not 0 <= revert_timeout_s <= 0xFFFF:
            raise ValueError(f"revert timeout {revert_timeout_s} s is out of range")
        self.transport = transport
        self.power_sign = power_sign
        self._sign = SignedPower(power_sign)
        self.revert_timeout_s = revert_timeout_s
        self._command: dict[str, int] = {}
        self.models: dict[int, ModelLocation] = {}
        self._poll: dict[str, Register] = {}
        self._last: dict[str, Value] = {}

    async def connect(self) -> None:
        """Open the connection and discover the models (model 802 is required)."""
        await self.transport.connect()
        self.models = await discover(self.transport)
        battery = require(self.models, 802)
        self._poll = select_points(sm.MODEL_802, _READ_802, battery, "b.")
        if 124 in self.models:
            self._poll |= select_points(sm.MODEL_124, _READ_124, self.models[124], "s.")

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Read model 1: manufacturer, model, serial number and version."""
        await self._ensure_connected()
        return await read_common(self.transport, self.models, "SunSpec battery")

    async def read(self) -> PackReading:
        """Poll model 802 (and 124 when present) in as few requests as the layout allows."""
        await self._ensure_connected()
        values = self._last = await self._read(self._poll)
        soc = number(values.get("b.SoC"))
        if soc is not None and not 0 <= soc <= 100:
            raise DeviceProtocolError(f"SoC reads {soc} %")
        cha_st = (
            values.get("b.ChaSt")
            if values.get("b.ChaSt") is not None
            else values.get("s.ChaSt")
        )
        power_kw = self._sign.power_kw(number(values.get("b.W")), cha_st)
        capacity_wh = number(values.get("b.WHRtg"))
        return PackReading(
            soc_pct=soc,
            soh_pct=number(values.get("b.SoH")),
            power_kw=power_kw,
            capacity_kwh=None if capacity_wh is None else capacity_wh / 1000,
            state=pack_state(values.get("b.State"), cha_st, power_kw),
            max_charge_kw=rated_kw(values.get("s.WChaMax"), values.get("b.WChaRteMax")),
            max_discharge_kw=rated_kw(
                values.get("s.WChaMax"), values.get("b.WDisChaRteMax")
            ),
            reserve_pct=number(values.get("s.MinRsvPct")),
        )

    @property
    def control_reverted(self) -> bool:
        """Whether the last poll shows the pack back in its own control while commanded."""
        mode = self._command.get("s.StorCtl_Mod")
        return mode is not None and self._last.get("s.StorCtl_Mod") != mode

    @property
    def has_reserve(self) -> bool:
        """Whether the pack has a reserve of its own (model 124 MinRsvPct, implemented)."""
        return number(self._last.get("s.MinRsvPct")) is not None

    async def set_reserve_pct(self, reserve_pct: float) -> float:
        """Write the pack's own reserve (124 MinRsvPct); returns the % set, never below the one asked.

        The model labels its unit "% WChaMax", but describes it as a percentage of the nominal
        storage, which is how packs use it: the SoC its own logic discharges no further than.
        """
        if not math.isfinite(reserve_pct) or not 0 <= reserve_pct <= 100:
            raise ValueError(f"reserve {reserve_pct} % is out of range")
        await self._ensure_connected()
        if not self._last:
            await self.read()
        if not self.has_reserve:
            raise UnsupportedDeviceError("model 124 has no MinRsvPct")
        register = self._poll["s.MinRsvPct"]
        sf = self._last.get("s.MinRsvPct_SF")
        step = 10.0 ** (sf if isinstance(sf, int) else 0)
        # Rounded up to the register's resolution: the pack keeps at least the reserve asked.
        word = min(math.ceil(round(reserve_pct / step, 6)), math.floor(100 / step))
        await self._write_verified({"s.MinRsvPct": register}, {"s.MinRsvPct": word})
        self._last = {**self._last, "s.MinRsvPct": word * step}
        return word * step

    async def set_power_kw(self, power_kw: float) -> float:
        """Charge (+) or discharge (-) at a power limited to WChaMax; 0 holds. Returns the kW set."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        control = await self._control_registers()
        max_w = number(self._last.get("s.WChaMax"))
        if not max_w:
            raise UnsupportedDeviceError("model 124 reports no WChaMax")
        sf = self._last.get("s.InOutWRte_SF")
        exponent = sf if isinstance(sf, int) else 0
        pct = min(100.0, abs(power_kw) * 1000 / max_w * 100)
        (pct_word,) = encode(control["s.InWRte"], pct, exponent)
        pct_set = pct_word * 10.0**exponent
        # Rates before the mode: switching direction never runs at the other direction's old rate;
        # the revert timeout with them, so the pack falls back to its own logic if we go silent.
        if power_kw > 0 and pct_word:
            words = {
                "s.OutWRte": 0,
                "s.InWRte": pct_word,
                "s.StorCtl_Mod": CHARGE_LIMIT,
            }
        elif power_kw < 0 and pct_word:
            words = {
                "s.InWRte": 0,
                "s.OutWRte": pct_word,
                "s.StorCtl_Mod": DISCHARGE_LIMIT,
            }
            pct_set = -pct_set
        else:
            words = {
                "s.InWRte": 0,
                "s.OutWRte": 0,
                "s.StorCtl_Mod": CHARGE_LIMIT | DISCHARGE_LIMIT,
            }
            pct_set = 0.0
        if self.revert_timeout_s:
            words = {_REVERT_124: self.revert_timeout_s, **words}
        await self._write_verified(control, words)
        self._command = words
        return round(pct_set * max_w / 100 / 1000, 4)

    async def release(self) -> None:
        """Clear StorCtl_Mod so the pack follows its own logic again."""
        control = await self._control_registers()
        self._command = {}
        await self._write_verified(control, {"s.StorCtl_Mod": 0})

    async def refresh_control(self) -> None:
        """Restart the pack's revert timer by writing the active rate again (one write).

        When the last reading shows the pack already reverted to local control, the whole
        command is written again instead. Without a command or a revert timeout this does nothing.
        """
        if not self._command or _REVERT_124 not in self._command:
            return
        control = await self._control_registers()
        if self._last.get("s.StorCtl_Mod") != self._command["s.StorCtl_Mod"]:
            await self._write_verified(control, self._command)
            return
        # A control write (mode or rate) restarts the timer; writing the timeout itself may not.
        rate = (
            "s.InWRte"
            if self._command["s.StorCtl_Mod"] == CHARGE_LIMIT
            else "s.OutWRte"
        )
        await self.transport.write_register(control[rate].address, self._command[rate])

    async def _ensure_connected(self) -> None:
        if not self.models:
            await self.connect()

    async def _control_registers(self) -> dict[str, Register]:
        await self._ensure_connected()
        if 124 not in self.models:
            raise UnsupportedDeviceError("model 124 (storage control) not found")
        if not self._last:
            await self.read()
        missing = sorted(n for n in _CONTROL_124 if "s." + n not in self._poll)
        if missing:
            raise UnsupportedDeviceError(f"model 124 lacks {', '.join(missing)}")
        # The revert timeout lies before the rates' scale factor, so it exists whenever they do.
        return {
            "s." + n: self._poll["s." + n] for n in (*_CONTROL_124, "InOutWRte_RvrtTms")
        }

    async def _write_verified(
        self, control: dict[str, Register], words: dict[str, int]
    ) -> None:
        for name, word in words.items():
            await self.transport.write_register(control[name].address, word)
        blocks = plan_blocks(control, max_gap=MODBUS_MAX_READ)
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in blocks
        ]
        echoed = words_by_address(blocks, replies)
        for name, word in words.items():
            if echoed[control[name].address] != word:
                raise WriteVerificationError(
                    f"{name.removeprefix('s.')} reads {echoed[control[name].address]} after writing {word}"
                )

    async def _read(self, registers: dict[str, Register]) -> dict[str, Value]:
        blocks = plan_blocks(registers, max_gap=MODBUS_MAX_READ)
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in blocks
        ]
        return decode(registers, words_by_address(blocks, replies), sunspec=True)
