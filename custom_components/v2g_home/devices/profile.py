"""Packs described as data: load and validate a profile file, and drive a pack by its profile."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DeviceProtocolError, ProfileError, WriteVerificationError
from .models import DeviceIdentity, PackReading, PackState
from .profile_fields import PROFILE_SUFFIXES, read_profile_file
from .profile_schema import (
    ENERGY_UNITS,
    POWER_UNITS,
    PackProfile,
    WriteStep,
    parse_profile,
)
from .registers import (
    Register,
    Value,
    decode,
    encode,
    plan_blocks,
    words_by_address,
)

if TYPE_CHECKING:
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)

__all__ = [
    "PROFILES_DIR",
    "PackProfile",
    "ProfilePack",
    "WriteStep",
    "available_profiles",
    "load_profile",
    "parse_profile",
]

PROFILES_DIR = Path(__file__).parent.parent / "profiles"


def load_profile(path: Path | str) -> PackProfile:
    """Read a YAML or JSON profile file (blocking I/O: run it in an executor inside HA)."""
    return parse_profile(*read_profile_file(path))


def available_profiles(directory: Path = PROFILES_DIR) -> dict[str, PackProfile]:
    """Every valid profile in a folder by id (invalid ones are logged and left out)."""
    profiles: dict[str, PackProfile] = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.suffix not in PROFILE_SUFFIXES:
            continue
        try:
            profile = load_profile(path)
        except ProfileError as err:
            _LOGGER.error("Skipping pack profile %s", err)
            continue
        if profile.id in profiles:
            _LOGGER.error(
                "Skipping pack profile %s: id %s is already taken",
                path.name,
                profile.id,
            )
            continue
        profiles[profile.id] = profile
    return profiles


class ProfilePack:
    """A pack driven by its profile; same interface as SunSpecPack."""

    def __init__(self, transport: ModbusTransport, profile: PackProfile) -> None:
        """Plan the poll once; nothing is sent until connect()/read()."""
        self.transport = transport
        self.profile = profile
        roles = [
            profile.values[r]
            for r in (
                "soc",
                "power",
                "capacity",
                "soh",
                "energy_charged",
                "energy_discharged",
            )
            if r in profile.values
        ]
        if "state" in profile.values:
            roles.append(profile.values["state"]["register"])
        self._poll = {name: profile.registers[name] for name in roles}
        self._blocks = plan_blocks(self._poll, max_gap=profile.max_gap)

    async def connect(self) -> None:
        """Open the connection."""
        await self.transport.connect()

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Manufacturer and model from the profile; serial and firmware from registers when mapped."""
        names = self.profile.identity
        values = await self._read(
            {role: self.profile.registers[name] for role, name in names.items()}
        )
        serial = values.get("serial")
        fallback = f"{self.profile.id}@{self.transport.host}:{self.transport.port}/{self.transport.unit_id}"
        return DeviceIdentity(
            manufacturer=self.profile.manufacturer,
            model=self.profile.model,
            serial=str(serial) if serial not in (None, "") else fallback,
            firmware=None
            if values.get("firmware") is None
            else str(values["firmware"]),
        )

    async def read(self) -> PackReading:
        """Poll the mapped values in as few requests as the profile's max_gap allows."""
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in self._blocks
        ]
        raw = decode(
            self._poll,
            words_by_address(self._blocks, replies),
            word_order=self.profile.word_order,
        )
        values = self.profile.values
        soc = _number(raw[values["soc"]])
        if soc is None or not 0 <= soc <= 100:
            raise DeviceProtocolError(f"{values['soc']} reads {soc} %")
        power_kw = _converted(raw, values["power"], self.profile.registers, POWER_UNITS)
        if power_kw is not None and values["power_sign"] == "positive_discharge":
            power_kw = -power_kw
        if "capacity_kwh" in values:
            capacity_kwh: float | None = values["capacity_kwh"]
        else:
            capacity_kwh = _converted(
                raw, values["capacity"], self.profile.registers, ENERGY_UNITS
            )
        return PackReading(
            soc_pct=soc,
            soh_pct=_number(raw[values["soh"]]) if "soh" in values else None,
            power_kw=power_kw,
            capacity_kwh=capacity_kwh,
            state=self._state(raw, power_kw),
            energy_charged_kwh=self._energy(raw, "energy_charged"),
            energy_discharged_kwh=self._energy(raw, "energy_discharged"),
            max_charge_kw=self.profile.max_charge_kw,
            max_discharge_kw=self.profile.max_discharge_kw,
        )

    async def set_power_kw(self, power_kw: float) -> float:
        """Charge (+), discharge (-) or idle (0) within the profile's limits; return the kW set."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        power_kw = max(
            -self.profile.max_discharge_kw, min(self.profile.max_charge_kw, power_kw)
        )
        action = "charge" if power_kw > 0 else "discharge" if power_kw < 0 else "idle"
        return await self._run(action, power_kw)

    async def release(self) -> None:
        """Hand the pack back to its own logic (the profile's release steps, else idle)."""
        await self._run("release", 0.0)

    async def _run(self, action: str, power_kw: float) -> float:
        written: dict[str, int] = {}
        actual_kw = 0.0
        for step in self.profile.commands[action]:
            register = self.profile.registers[step.register]
            if step.power is None:
                (word,) = encode(register, step.value or 0)
            else:
                factor = POWER_UNITS[str(register.unit)]
                wanted = {
                    "magnitude": abs(power_kw),
                    "signed": power_kw,
                    "negated": -power_kw,
                }[step.power]
                (word,) = encode(register, wanted / factor)
                raw = decode({"r": register}, {register.address: word})["r"]
                actual_kw = math.copysign(abs(float(raw or 0)) * factor, power_kw)
            await self.transport.write_register(register.address, word)
            written[step.register] = word
        await self._verify(written)
        return round(actual_kw, 4)

    async def _verify(self, written: dict[str, int]) -> None:
        registers = {name: self.profile.registers[name] for name in written}
        blocks = plan_blocks(registers, max_gap=self.profile.max_gap)
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in blocks
        ]
        words = words_by_address(blocks, replies)
        for name, word in written.items():
            if words[registers[name].address] != word:
                raise WriteVerificationError(
                    f"{name} reads {words[registers[name].address]} after writing {word}"
                )

    async def _read(self, registers: dict[str, Register]) -> dict[str, Value]:
        if not registers:
            return {}
        blocks = plan_blocks(registers, max_gap=self.profile.max_gap)
        replies = [
            await self.transport.read_holding(block.address, block.count)
            for block in blocks
        ]
        return decode(
            registers,
            words_by_address(blocks, replies),
            word_order=self.profile.word_order,
        )

    def _state(self, raw: dict[str, Value], power_kw: float | None) -> PackState:
        spec = self.profile.values.get("state")
        if spec is not None:
            value = raw[spec["register"]]
            return (
                PackState(spec["map"][value])
                if value in spec["map"]
                else PackState.UNKNOWN
            )
        if power_kw is None:
            return PackState.UNKNOWN
        if abs(power_kw) < 0.05:
            return PackState.IDLE
        return PackState.CHARGING if power_kw > 0 else PackState.DISCHARGING

    def _energy(self, raw: dict[str, Value], role: str) -> float | None:
        if role not in self.profile.values:
            return None
        return _converted(
            raw, self.profile.values[role], self.profile.registers, ENERGY_UNITS
        )


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _converted(
    raw: dict[str, Value],
    name: str,
    registers: dict[str, Register],
    units: dict[str, float],
) -> float | None:
    value = _number(raw[name])
    return None if value is None else round(value * units[str(registers[name].unit)], 6)
