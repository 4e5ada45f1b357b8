"""SunSpec DER storage (IEEE 1547-2018 models 701, 702, 704, 713): read it, set its active power.

Control is model 704's `WSet` (watts; `WSetPct` of `WMax` where watts are missing) with `WSetEna`,
always under the revert timer `WSetRvrtTms`: the reversion values disable the setpoint, so the
device goes back to its own logic by itself unless refresh_control() keeps the timer going.
A device without the revert timer is not taken under control. Signs: 701 `W` and 704 `WSet` are
+ while the device generates; this driver's power is + while the storage charges.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from . import sunspec_der_map as dm
from .charger import ChargerKind, ConnectorType
from .errors import UnsupportedDeviceError, WriteVerificationError
from .register_blocks import MODBUS_MAX_READ, plan_blocks, read_blocks
from .registers import Register, Value, decode, encode
from .sunspec_der_reading import DerReading, der_reading
from .sunspec_discovery import (
    ModelLocation,
    discover,
    read_common,
    require,
    select_points,
)

if TYPE_CHECKING:
    from .models import DeviceIdentity
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)

DEFAULT_REVERT_TIMEOUT_S = 120
WATTS, PERCENT = 1, 0  # 704 WSetMod
_READ = {
    701: ("ac.", ("St", "InvSt", "ConnSt", "Alrm", "W", "Hz", "TotWhInj", "TotWhAbs")),
    702: (
        "cap.",
        (
            "WMaxRtg",
            "WChaRteMaxRtg",
            "WDisChaRteMaxRtg",
            "WMax",
            "WChaRteMax",
            "WDisChaRteMax",
        ),
    ),
    704: (
        "ctl.",
        (
            "WSetEna",
            "WSetMod",
            "WSet",
            "WSetPct",
            "WSetEnaRvrt",
            "WSetRvrtTms",
            "WSetRvrtRem",
        ),
    ),
    713: ("st.", ("WHRtg", "WHAvail", "SoC", "SoH", "Sta")),
}


class SunSpecDer:
    """A DER storage device (or bidirectional charger) speaking the SunSpec DER models."""

    kind = ChargerKind.SUNSPEC_DER
    connector = ConnectorType.NONE

    def __init__(
        self,
        transport: ModbusTransport,
        *,
        revert_timeout_s: int = DEFAULT_REVERT_TIMEOUT_S,
    ) -> None:
        """Wrap a transport; discovery runs on connect(). The revert timer cannot be switched off."""
        if not 1 <= revert_timeout_s <= 0xFFFF:
            raise ValueError(f"revert timeout {revert_timeout_s} s is out of range")
        self.transport = transport
        self.revert_timeout_s = revert_timeout_s
        self.in_control = False
        self.models: dict[int, ModelLocation] = {}
        self._poll: dict[str, Register] = {}
        self._last: dict[str, Value] = {}
        self._command: dict[str, int] = {}

    @property
    def failsafe_timeout_s(self) -> int:
        """The revert timer: how long the device follows a setpoint nobody refreshes."""
        return self.revert_timeout_s

    async def connect(self) -> None:
        """Open the connection and walk the model chain (1, 701, 704 and 713 are required)."""
        await self.transport.connect()
        self.models = await discover(self.transport)
        for model_id in (1, 701, 704, 713):
            require(self.models, model_id)
        self._poll = {}
        for model_id, (prefix, names) in _READ.items():
            if model_id in self.models:
                points = getattr(dm, f"MODEL_{model_id}")
                scale_factors = {p.sf for n, p in points.items() if n in names and p.sf}
                self._poll |= select_points(
                    points,
                    (*names, *sorted(s for s in scale_factors if s)),
                    self.models[model_id],
                    prefix,
                )

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Read model 1: manufacturer, model, serial number and version."""
        await self._ensure_connected()
        return await read_common(self.transport, self.models, "SunSpec DER storage")

    async def read(self) -> DerReading:
        """Poll 701, 702, 704 and 713 in as few reads as the layout allows."""
        await self._ensure_connected()
        blocks = plan_blocks(self._poll, max_gap=MODBUS_MAX_READ)
        values = decode(
            self._poll, await read_blocks(self.transport, blocks), sunspec=True
        )
        reading = der_reading(values)
        self._last = values
        return reading

    async def take_control(self) -> None:
        """Arm the revert timer (reversion: setpoint disabled) and choose watts or percent."""
        control = await self._control()
        words = {"ctl.WSetMod": self._mode(), "ctl.WSetRvrtTms": self.revert_timeout_s}
        if self._last.get("ctl.WSetEnaRvrt") is not None:
            words = {"ctl.WSetEnaRvrt": 0, **words}
        await self._write_verified(control, words)
        self.in_control = True

    async def set_power_kw(self, power_kw: float) -> float:
        """Charge (+) or discharge (-) within the rated rates; 0 holds. Return the kW set."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        if not self.in_control:
            await self.take_control()
        control = await self._control()
        reading = der_reading(self._last)
        kw = reading.capabilities.clamp_kw(power_kw)
        if self._mode() == WATTS:
            name, sf_name = "ctl.WSet", "ctl.WSet_SF"
            target = -kw * 1000
        else:
            name, sf_name = "ctl.WSetPct", "ctl.WSetPct_SF"
            target = -kw * 1000 / self._max_w() * 100
        sf = self._last.get(sf_name)
        exponent = sf if isinstance(sf, int) else 0
        raw = round(target / 10.0**exponent)
        self._command = {name: raw, "ctl.WSetEna": 1}
        await self._write_verified(control, self._command)
        actual = raw * 10.0**exponent
        if name == "ctl.WSetPct":
            actual = actual / 100 * self._max_w()
        return round(-actual / 1000, 4) or 0.0

    async def stop(self) -> None:
        """Hold at 0 W, still in control (the revert timer keeps running)."""
        await self.set_power_kw(0.0)

    @property
    def control_reverted(self) -> bool:
        """Whether the last poll shows the setpoint disabled while commanded (the device's own logic)."""
        return (
            self.in_control
            and bool(self._command)
            and self._last.get("ctl.WSetEna") != 1
        )

    async def refresh_control(self) -> None:
        """Restart the revert timer: write the setpoint and the timer again (two writes).

        After a revert (the last poll shows the setpoint disabled) the whole command is written.
        """
        if not self.in_control or not self._command:
            return
        control = await self._control()
        if self._last.get("ctl.WSetEna") != 1:
            _LOGGER.info(
                "DER at %s reverted; writing the command again", self.transport.host
            )
            await self.take_control()
            await self._write_verified(control, self._command)
            return
        # Devices differ in which write restarts the timer: the setpoint's or the timer's own.
        for name in (
            *(n for n in self._command if n != "ctl.WSetEna"),
            "ctl.WSetRvrtTms",
        ):
            await self._write(
                control[name], self._command.get(name, self.revert_timeout_s)
            )

    async def release(self) -> None:
        """Disable the setpoint so the device follows its own logic again."""
        control = await self._control()
        self._command = {}
        await self._write_verified(control, {"ctl.WSetEna": 0})
        self.in_control = False

    def _mode(self) -> int:
        if "ctl.WSet" in self._poll and self._last.get("ctl.WSet") is not None:
            return WATTS
        return PERCENT

    def _max_w(self) -> float:
        for name in ("cap.WMax", "cap.WMaxRtg"):
            value = self._last.get(name)
            if isinstance(value, int | float) and value > 0:
                return float(value)
        raise UnsupportedDeviceError("model 702 reports no WMax for a percent setpoint")

    async def _ensure_connected(self) -> None:
        if not self.models:
            await self.connect()

    async def _control(self) -> dict[str, Register]:
        await self._ensure_connected()
        if not self._last:
            await self.read()
        if self._last.get("ctl.WSetRvrtTms") is None:
            raise UnsupportedDeviceError(
                "model 704 has no WSetRvrtTms: without a revert timer it is not controlled"
            )
        if self._last.get("ctl.WSet") is None and self._last.get("ctl.WSetPct") is None:
            raise UnsupportedDeviceError(
                "model 704 implements neither WSet nor WSetPct"
            )
        return {
            name: register
            for name, register in self._poll.items()
            if name.startswith("ctl.")
        }

    async def _write(self, register: Register, value: int) -> list[int]:
        words = encode(register, value)
        if len(words) == 1:
            await self.transport.write_register(register.address, words[0])
        else:
            await self.transport.write_registers(register.address, words)
        return words

    async def _write_verified(
        self, control: dict[str, Register], values: dict[str, int]
    ) -> None:
        expected: dict[str, list[int]] = {}
        for name, value in values.items():
            expected[name] = await self._write(control[name], value)
        checked = {name: control[name] for name in values}
        echoed = await read_blocks(
            self.transport, plan_blocks(checked, max_gap=MODBUS_MAX_READ)
        )
        for name, words in expected.items():
            address = control[name].address
            got = [echoed[address + i] for i in range(len(words))]
            if got != words:
                raise WriteVerificationError(
                    f"{name.split('.')[1]} reads {got} after writing {words}"
                )
