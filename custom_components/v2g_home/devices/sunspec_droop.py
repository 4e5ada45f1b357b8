"""A SunSpec DER device's own frequency droop (model 711): set it for a reserve, watch it, restore it.

Control set 1 is the active one; another set is written and then adopted (`AdptCtlReq`), as the
SunSpec DER models change curves. While our curve is active the spare set holds the device's own
curve and `RvrtCtl` names it, so when Home Assistant stops refreshing the reversion timer
(`RvrtTms`) the device adopts its own curve again by itself. `restore` puts everything back as it
was; `SavedDroop` keeps what that is across restarts. Values here are raw register integers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
import math
from typing import TYPE_CHECKING, Any, Protocol

from . import sunspec_der_map as der_map, sunspec_droop_map as dm
from .errors import UnsupportedDeviceError, WriteVerificationError
from .register_blocks import MODBUS_MAX_READ, plan_blocks, read_blocks
from .registers import Register, decode, encode
from .sunspec_discovery import select_points

if TYPE_CHECKING:
    from .sunspec_der import SunSpecDer
    from .transport import ModbusTransport

CURVE_POINTS = ("DbOf", "DbUf", "KOf", "KUf", "RspTms", "PMin")


class DroopCurve(Protocol):
    """An IEEE 1547 droop curve (control/droop_curve.py makes them): dead bands in Hz, per-unit gains."""

    @property
    def under_dead_band_hz(self) -> float:
        """Dead band below 50 Hz."""

    @property
    def under_gain(self) -> float:
        """Per-unit frequency change for 1 per-unit power, below 50 Hz."""

    @property
    def over_dead_band_hz(self) -> float:
        """Dead band above 50 Hz."""

    @property
    def over_gain(self) -> float:
        """Per-unit frequency change for 1 per-unit power, above 50 Hz."""

    @property
    def response_s(self) -> float:
        """Open-loop response time (90 %)."""


@dataclass(frozen=True, kw_only=True)
class SavedDroop:
    """Model 711 before a reserve was configured: the enable, set 1, the spare set, the reversion."""

    ena: int
    active: dict[str, int]
    spare: dict[str, int]
    spare_index: int
    revert_s: int
    revert_ctl: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (for .storage)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SavedDroop:
        """Read it back (KeyError, TypeError or ValueError when malformed)."""
        return cls(
            ena=int(data["ena"]),
            active={k: int(data["active"][k]) for k in CURVE_POINTS},
            spare={k: int(data["spare"][k]) for k in CURVE_POINTS},
            spare_index=int(data["spare_index"]),
            revert_s=int(data["revert_s"]),
            revert_ctl=int(data["revert_ctl"]),
        )


def _raw(register: Register) -> Register:
    """The register without its scale factor (raw integers in and out)."""
    return Register(address=register.address, type=register.type)


class DerDroop:
    """Model 711 of one DER device, found on its driver's discovered model chain."""

    def __init__(
        self, transport: ModbusTransport, address: int, sets: int, rated_kw: float
    ) -> None:
        """Use the model at `address` with `sets` stored control sets, on a device rated `rated_kw`."""
        self.transport = transport
        self.address = address
        self.sets = sets
        self.rated_kw = rated_kw
        self.fixed = {
            name: _raw(Register(address=address + p.offset, type=p.type))
            for name, p in dm.MODEL_711.items()
        }
        self.scale: dict[str, int] = {}
        self.spare_index = 0

    def _set(self, index: int) -> dict[str, Register]:
        start = self.address + dm.CTL_START + (index - 1) * dm.CTL_SIZE
        return {
            name: Register(address=start + p.offset, type=p.type)
            for name, p in dm.CTL.items()
        }

    @classmethod
    async def find(cls, driver: SunSpecDer) -> DerDroop | None:
        """The device's model 711 when it has one with a writable spare set; None otherwise."""
        location = driver.models.get(711)
        rating = driver.models.get(702)
        if location is None or rating is None:
            return None
        points = select_points(
            der_map.MODEL_702, ("WMaxRtg", "WMax", "W_SF"), rating, ""
        )
        values = await _read(driver.transport, points, sunspec=True)
        rated_w = values.get("WMaxRtg") or values.get("WMax")
        sets = (location.length + 2 - dm.CTL_START) // dm.CTL_SIZE
        if not isinstance(rated_w, int | float) or rated_w <= 0 or sets < 2:
            return None
        droop = cls(driver.transport, location.address, sets, float(rated_w) / 1000)
        fixed = await _read(driver.transport, droop.fixed, sunspec=False)
        droop.scale = {k: int(fixed[k] or 0) for k in ("Db_SF", "K_SF", "RspTms_SF")}
        for index in range(2, min(sets, int(fixed["NCtl"] or 0)) + 1):
            flags = await _read(
                driver.transport, {"r": droop._set(index)["ReadOnly"]}, sunspec=False
            )
            if flags["r"] == dm.READ_WRITE:
                droop.spare_index = index
                return droop
        return None

    def curve_raw(self, curve: DroopCurve, pmin: int) -> dict[str, int]:
        """The curve as raw set values (UnsupportedDeviceError when a value does not fit)."""
        scaled = {
            "DbOf": curve.over_dead_band_hz / 10.0 ** self.scale["Db_SF"],
            "DbUf": curve.under_dead_band_hz / 10.0 ** self.scale["Db_SF"],
            "KOf": curve.over_gain / 10.0 ** self.scale["K_SF"],
            "KUf": curve.under_gain / 10.0 ** self.scale["K_SF"],
            "RspTms": curve.response_s / 10.0 ** self.scale["RspTms_SF"],
        }
        raw = {name: round(value) for name, value in scaled.items()}
        limits = {"KOf": 0xFFFF, "KUf": 0xFFFF}
        for name, value in raw.items():
            if not math.isfinite(scaled[name]) or value > limits.get(name, 0xFFFFFFFF):
                raise UnsupportedDeviceError(f"711 {name} cannot hold {scaled[name]}")
            if name in limits and value < 1:
                raise UnsupportedDeviceError(f"711 {name} rounds to 0")
        return {**raw, "PMin": pmin}

    async def read_set(self, index: int) -> dict[str, int]:
        """One stored set's raw values."""
        registers = {k: v for k, v in self._set(index).items() if k in CURVE_POINTS}
        values = await _read(self.transport, registers, sunspec=False)
        return {name: int(values[name] or 0) for name in CURVE_POINTS}

    async def enabled(self) -> bool:
        """Whether the droop function is on."""
        values = await _read(self.transport, {"e": self.fixed["Ena"]}, sunspec=False)
        return bool(values["e"] == 1)

    async def apply(
        self, curve: DroopCurve, *, revert_s: int, saved: SavedDroop | None
    ) -> SavedDroop:
        """Make `curve` the active one, the device's own curve the one it reverts to; return the old state."""
        if saved is None:
            fixed = await _read(self.transport, self.fixed, sunspec=False)
            saved = SavedDroop(
                ena=int(fixed["Ena"] or 0),
                active=await self.read_set(1),
                spare=await self.read_set(self.spare_index),
                spare_index=self.spare_index,
                revert_s=int(fixed["RvrtTms"] or 0),
                revert_ctl=int(fixed["RvrtCtl"] or 0),
            )
        wanted = self.curve_raw(curve, saved.active["PMin"])
        await self._adopt(wanted)
        await self._write_set(self.spare_index, saved.active)
        await self._write("RvrtCtl", self.spare_index)
        await self._write("RvrtTms", revert_s)
        await self._write("Ena", 1)
        return saved

    async def is_applied(self, curve: DroopCurve, pmin: int) -> bool:
        """Whether the device still runs `curve` (False after a reversion or a change by someone else)."""
        return await self.enabled() and await self.read_set(1) == self.curve_raw(
            curve, pmin
        )

    async def refresh(self, revert_s: int) -> None:
        """Restart the reversion timer."""
        await self._write("RvrtTms", revert_s)

    async def restore(self, saved: SavedDroop) -> None:
        """Put model 711 back as it was before the reserve."""
        await self._adopt(saved.active, index=saved.spare_index)
        await self._write_set(saved.spare_index, saved.spare)
        await self._write("RvrtCtl", saved.revert_ctl)
        await self._write("RvrtTms", saved.revert_s)
        await self._write("Ena", saved.ena)

    async def _adopt(self, values: dict[str, int], *, index: int | None = None) -> None:
        spare = index or self.spare_index
        await self._write_set(spare, values)
        await self._write("AdptCtlReq", spare)
        result = await _read(
            self.transport, {"r": self.fixed["AdptCtlRslt"]}, sunspec=False
        )
        if result["r"] != dm.ADOPT_COMPLETED or await self.read_set(1) != values:
            raise WriteVerificationError(
                f"711 did not adopt set {spare} ({result['r']})"
            )

    async def _write_set(self, index: int, values: dict[str, int]) -> None:
        registers = self._set(index)
        for name in CURVE_POINTS:
            await self._write_register(registers[name], values[name])

    async def _write(self, name: str, value: int) -> None:
        await self._write_register(self.fixed[name], value)

    async def _write_register(self, register: Register, value: int) -> None:
        words = encode(register, value)
        if len(words) == 1:
            await self.transport.write_register(register.address, words[0])
        else:
            await self.transport.write_registers(register.address, words)


async def _read(
    transport: ModbusTransport, registers: dict[str, Register], *, sunspec: bool
) -> dict[str, Any]:
    blocks = plan_blocks(registers, max_gap=MODBUS_MAX_READ)
    return dict(
        decode(registers, await read_blocks(transport, blocks), sunspec=sunspec)
    )
