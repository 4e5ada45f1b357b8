"""A Modbus meter that gives the grid frequency, described by a profile (one register, in Hz).

A meter profile is YAML or JSON in `profiles/meters/`: an id and name, the connection (port, unit
id, word order) and the `frequency` register (address, type, scale; unit Hz). Bad profiles are
refused with the path of the offending field, like the pack and charger profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from .errors import ProfileError
from .profile_fields import (
    CONNECTION_SCHEMA,
    NAME,
    PROFILE_SUFFIXES,
    REGISTER_SCHEMA,
    build_registers,
    read_profile_file,
    validated,
)
from .register_blocks import MODBUS_MAX_READ, plan_blocks, read_blocks
from .registers import Register, WordOrder, decode

if TYPE_CHECKING:
    from .transport import ModbusTransport

_LOGGER = logging.getLogger(__name__)
METER_PROFILES_DIR = Path(__file__).parent.parent / "profiles" / "meters"
FREQUENCY_UNITS = frozenset({"Hz"})
METER_SCHEMA = vol.Schema(
    {
        vol.Required("id"): NAME,
        vol.Required("name"): str,
        vol.Optional("description"): str,
        vol.Optional("connection", default={}): CONNECTION_SCHEMA,
        vol.Required("frequency"): REGISTER_SCHEMA,
    }
)


@dataclass(frozen=True, kw_only=True)
class MeterProfile:
    """Where a meter keeps the grid frequency."""

    id: str
    name: str
    port: int
    unit_id: int
    word_order: WordOrder
    frequency: Register


def parse_meter_profile(data: Any, source: str) -> MeterProfile:
    """A validated meter profile (ProfileError names the file and the field)."""
    spec = validated(METER_SCHEMA, data, source)
    register = spec["frequency"]
    if register["type"] == "string":
        raise ProfileError(f"{source}: frequency.type: the frequency must be a number")
    if register.get("unit", "Hz") not in FREQUENCY_UNITS:
        raise ProfileError(f"{source}: frequency.unit: the frequency is read in Hz")
    connection = spec["connection"]
    return MeterProfile(
        id=spec["id"],
        name=spec["name"],
        port=connection["port"],
        unit_id=connection["unit_id"],
        word_order=WordOrder(connection["word_order"]),
        frequency=build_registers({"frequency": register})["frequency"],
    )


def load_meter_profile(path: Path | str) -> MeterProfile:
    """Read a meter profile file (blocking I/O: run it in an executor inside HA)."""
    return parse_meter_profile(*read_profile_file(path))


def available_meter_profiles(
    directory: Path = METER_PROFILES_DIR,
) -> dict[str, MeterProfile]:
    """Every valid meter profile in a folder by id (invalid ones are logged and left out)."""
    profiles: dict[str, MeterProfile] = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.suffix not in PROFILE_SUFFIXES:
            continue
        try:
            profile = load_meter_profile(path)
        except ProfileError as err:
            _LOGGER.error("Skipping meter profile %s", err)
            continue
        profiles.setdefault(profile.id, profile)
    return profiles


class FrequencyMeter:
    """Reads the grid frequency from a meter by its profile."""

    def __init__(self, transport: ModbusTransport, profile: MeterProfile) -> None:
        """Wrap a transport; the connection opens with the first read."""
        self.transport = transport
        self.profile = profile
        self._registers = {"hz": profile.frequency}
        self._blocks = plan_blocks(self._registers, max_gap=MODBUS_MAX_READ)

    async def read_hz(self) -> float | None:
        """The frequency now; None when the meter says "no value" (NaN); raises DeviceError."""
        words = await read_blocks(self.transport, self._blocks)
        value = decode(self._registers, words, word_order=self.profile.word_order)["hz"]
        if not isinstance(value, int | float) or not math.isfinite(value):
            return None
        return float(value)

    async def close(self) -> None:
        """Close the connection; never raises."""
        await self.transport.close()
