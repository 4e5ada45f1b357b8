"""Chargers described as data: load charger profiles, and drive a charger by its profile."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from .charger import ChargerKind
from .charger_profile_reading import (
    ProfileChargerReading,
    profile_status,
    raw_state,
)
from .charger_profile_schema import ChargerProfile, parse_charger_profile
from .errors import ProfileError, WriteVerificationError
from .models import DeviceIdentity
from .profile import PROFILES_DIR
from .profile_fields import POWER_UNITS, PROFILE_SUFFIXES, read_profile_file
from .register_blocks import plan_blocks, read_blocks
from .registers import Register, Value, decode, encode

if TYPE_CHECKING:
    from pathlib import Path

    from .charger import ChargerStatus
    from .profile_fields import WriteStep
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)

CHARGER_PROFILES_DIR = PROFILES_DIR / "chargers"


def load_charger_profile(path: Path | str) -> ChargerProfile:
    """Read a YAML or JSON charger profile (blocking I/O: run it in an executor inside HA)."""
    return parse_charger_profile(*read_profile_file(path))


def available_charger_profiles(
    directory: Path = CHARGER_PROFILES_DIR,
) -> dict[str, ChargerProfile]:
    """Every valid charger profile in a folder by id (invalid ones are logged and left out)."""
    profiles: dict[str, ChargerProfile] = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.suffix not in PROFILE_SUFFIXES:
            continue
        try:
            profile = load_charger_profile(path)
        except ProfileError as err:
            _LOGGER.error("Skipping charger profile %s", err)
            continue
        if profile.id in profiles:
            _LOGGER.error(
                "Skipping charger profile %s: id %s is taken", path.name, profile.id
            )
            continue
        profiles[profile.id] = profile
    return profiles


class ProfileCharger:
    """A charger driven by its profile (power: + charges the car, - discharges it)."""

    kind = ChargerKind.PROFILE

    def __init__(
        self,
        transport: ModbusTransport,
        profile: ChargerProfile,
        *,
        failsafe_timeout_s: int | None = None,
    ) -> None:
        """Plan the poll once; `failsafe_timeout_s` overrides the profile's fail-safe seconds."""
        self.transport = transport
        self.profile = profile
        self.connector = profile.connector
        failsafe = profile.failsafe or {}
        self.failsafe_timeout_s = failsafe_timeout_s or failsafe.get("seconds")
        self.in_control = False
        self.requested_kw = 0.0
        values, limits = profile.values, profile.limits
        names = {values["power"], profile.setpoint}
        names |= {values[r] for r in ("error",) if r in values}
        names |= {values[r]["register"] for r in ("state", "soc") if r in values}
        names |= {limits[r] for r in ("max_charge", "max_discharge") if r in limits}
        self._poll = {name: profile.registers[name] for name in names}
        self._last: ProfileChargerReading | None = None
        self._written_kw: float | None = None
        self._original_failsafe: int | None = None

    async def connect(self) -> None:
        """Open the connection."""
        await self.transport.connect()

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()

    async def identify(self) -> DeviceIdentity:
        """Manufacturer and model from the profile; serial and firmware from registers when mapped."""
        values = await self._read(
            {
                role: self.profile.registers[name]
                for role, name in self.profile.identity.items()
            }
        )
        serial = values.get("serial")
        t = self.transport
        return DeviceIdentity(
            manufacturer=self.profile.manufacturer,
            model=self.profile.model,
            serial=str(serial)
            if serial not in (None, "")
            else f"{self.profile.id}@{t.host}:{t.port}/{t.unit_id}",
            firmware=None
            if values.get("firmware") is None
            else str(values["firmware"]),
        )

    async def read(self) -> ProfileChargerReading:
        """Poll the mapped values in as few requests as the profile allows."""
        values = await self._read(self._poll)
        self._last = ProfileChargerReading(
            profile_id=self.profile.id,
            raw_state=raw_state(values, self.profile),
            values=values,
            status=profile_status(values, self.profile),
        )
        return self._last

    async def take_control(self) -> None:
        """Run the take-control steps and arm the fail-safe the profile names."""
        await self._run(self.profile.commands.get("take_control", ()))
        failsafe = self._failsafe_register
        if failsafe is not None and self.failsafe_timeout_s is not None:
            if self._original_failsafe is None:
                original = (await self._read({"f": failsafe}))["f"]
                self._original_failsafe = int(original or 0)
            await self._write_verified(failsafe, self.failsafe_timeout_s)
        self.in_control = True

    async def set_power_kw(self, power_kw: float) -> float:
        """Command a signed power within the limits read just now; return the kW set."""
        if not math.isfinite(power_kw):
            raise ValueError(f"power {power_kw} is not a number")
        if not self.in_control:
            await self.take_control()
        self.requested_kw = power_kw
        return await self._apply((await self.read()).status)

    async def stop(self) -> None:
        """The profile's stop steps, or setpoint 0."""
        self.requested_kw = 0.0
        steps = self.profile.commands.get("stop")
        if steps:
            await self._run(steps)
        else:
            await self._write_setpoint(0.0)
        self._written_kw = 0.0

    async def refresh_control(self) -> None:
        """Keep the fail-safe armed and the setpoint inside the limits of the last poll."""
        if not self.in_control:
            return
        failsafe = self._failsafe_register
        if failsafe is not None and self.failsafe_timeout_s is not None:
            refresh = (self.profile.failsafe or {}).get("refresh")
            current = (await self._read({"f": failsafe}))["f"]
            if refresh == "write" or current != self.failsafe_timeout_s:
                await self._write_verified(failsafe, self.failsafe_timeout_s)
        if self._last is not None:
            await self._apply(self._last.status)

    async def release(self) -> None:
        """Stop, run the release steps, put the original fail-safe back."""
        await self.stop()
        await self._run(self.profile.commands.get("release", ()))
        failsafe = self._failsafe_register
        if failsafe is not None and self._original_failsafe is not None:
            await self._write_verified(failsafe, self._original_failsafe)
            self._original_failsafe = None
        self.in_control = False

    @property
    def _failsafe_register(self) -> Register | None:
        failsafe = self.profile.failsafe
        return (
            None if failsafe is None else self.profile.registers[failsafe["register"]]
        )

    async def _apply(self, status: ChargerStatus) -> float:
        kw = (
            status.capabilities.clamp_kw(self.requested_kw)
            if status.controllable
            else 0.0
        )
        if kw != self._written_kw:
            self._written_kw = await self._write_setpoint(kw)
        return self._written_kw

    async def _write_setpoint(self, kw: float) -> float:
        register = self.profile.registers[self.profile.setpoint]
        factor = POWER_UNITS[str(register.unit)]
        sign = -1 if self.profile.setpoint_sign == "positive_discharge" else 1
        words = encode(register, sign * kw / factor, word_order=self.profile.word_order)
        await self._write_words(register, words)
        raw = decode(
            {"r": register},
            dict(enumerate(words, start=register.address)),
            word_order=self.profile.word_order,
        )["r"]
        return round(sign * float(raw or 0) * factor, 4) or 0.0

    async def _run(self, steps: tuple[WriteStep, ...]) -> None:
        # These steps never carry a power: a power step among them writes 0.
        for step in steps:
            await self._write_verified(
                self.profile.registers[step.register], step.value or 0
            )

    async def _write_verified(self, register: Register, value: int) -> None:
        await self._write_words(
            register, encode(register, value, word_order=self.profile.word_order)
        )

    async def _write_words(self, register: Register, words: list[int]) -> None:
        if len(words) == 1:
            await self.transport.write_register(register.address, words[0])
        else:
            await self.transport.write_registers(register.address, words)
        echo = await self.transport.read_holding(register.address, len(words))
        if echo != words:
            raise WriteVerificationError(
                f"register {register.address} reads {echo} after writing {words}"
            )

    async def _read(self, registers: dict[str, Register]) -> dict[str, Value]:
        if not registers:
            return {}
        blocks = plan_blocks(
            registers,
            max_gap=self.profile.max_gap,
            object_size=self.profile.object_size,
        )
        return decode(
            registers,
            await read_blocks(self.transport, blocks),
            word_order=self.profile.word_order,
        )
