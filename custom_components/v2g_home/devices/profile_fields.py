"""What pack and charger profiles share: register and step schemas, errors that name the field path."""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

import voluptuous as vol
import yaml

from .errors import ProfileError
from .registers import Register, RegisterType

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
POWER_UNITS = {"W": 0.001, "kW": 1.0}
ENERGY_UNITS = {"Wh": 0.001, "kWh": 1.0}
PROFILE_TYPES = [t.value for t in RegisterType if t is not RegisterType.SUNSSF]
WRITABLE_16 = frozenset({"uint16", "int16", "enum16", "bitfield16"})
WRITABLE_32 = frozenset({"uint32", "int32"})
POWER_WRITES = ["magnitude", "signed", "negated"]
POWER_SIGNS = ["positive_charge", "positive_discharge"]

NAME = vol.All(
    str, vol.Match(r"^[a-z][a-z0-9_]*$", msg="use lower-case letters, digits and _")
)
ADDRESS = vol.All(int, vol.Range(min=0, max=0xFFFF))
KW = vol.All(vol.Coerce(float), vol.Range(min=0.1, max=1000))

REGISTER_SCHEMA = vol.Schema(
    {
        vol.Required("address"): ADDRESS,
        vol.Required("type"): vol.In(PROFILE_TYPES),
        vol.Optional("scale", default=1.0): vol.All(
            vol.Coerce(float), vol.NotIn([0.0], msg="must not be 0")
        ),
        vol.Optional("unit"): str,
        vol.Optional("count", default=1): vol.All(int, vol.Range(min=1, max=125)),
        vol.Optional("plausible"): vol.All(
            [vol.Coerce(float)], vol.Length(min=2, max=2)
        ),
    }
)


def steps_schema(low: int, high: int) -> vol.All:
    """A non-empty list of write steps whose fixed values lie in low..high."""
    step = vol.Schema(
        vol.All(
            {
                vol.Required("register"): NAME,
                vol.Exclusive(
                    "value", "value_or_power", msg="give value or power, not both"
                ): vol.All(int, vol.Range(min=low, max=high)),
                vol.Exclusive(
                    "power", "value_or_power", msg="give value or power, not both"
                ): vol.In(POWER_WRITES),
            },
            vol.Any(
                vol.Schema({vol.Required("value"): object}, extra=vol.ALLOW_EXTRA),
                vol.Schema({vol.Required("power"): object}, extra=vol.ALLOW_EXTRA),
                msg="a step needs either value or power",
            ),
        )
    )
    return vol.All([step], vol.Length(min=1))


STEPS_16 = steps_schema(-0x8000, 0xFFFF)
STEPS_32 = steps_schema(-0x8000_0000, 0xFFFF_FFFF)
CONNECTION_SCHEMA = {
    vol.Optional("port", default=502): vol.All(int, vol.Range(min=1, max=65535)),
    vol.Optional("unit_id", default=1): vol.All(int, vol.Range(min=0, max=255)),
    vol.Optional("word_order", default="big"): vol.In(["big", "little"]),
    vol.Optional("max_gap", default=0): vol.All(int, vol.Range(min=0, max=125)),
}
IDENTITY_SCHEMA = {vol.Optional("serial"): NAME, vol.Optional("firmware"): NAME}


class FieldError(Exception):
    """A cross-field check failed at `path`."""

    def __init__(self, path: str, message: str) -> None:
        """Say where and what."""
        super().__init__(f"{path}: {message}")


def validated(schema: vol.Schema, data: Any, source: str) -> dict[str, Any]:
    """Run the schema; ProfileError names the source and the first offending field path."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: (top level): expected a mapping of fields")
    try:
        checked: dict[str, Any] = schema(data)
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        raise ProfileError(f"{source}: {_path(first.path)}: {_message(first)}") from err
    return checked


def _path(path: list[Any]) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _message(error: vol.Invalid) -> str:
    """The error's text, worded the same under voluptuous and under probatio (HA 2026's stand-in for it)."""
    if (
        type(error).__name__ == "ExtraKeysInvalid"
        or error.msg == "extra keys not allowed"
    ):
        return "unknown field"
    return str(error.msg)


def known(registers: dict[str, dict[str, Any]], path: str, name: str) -> dict[str, Any]:
    """The register called `name`, or a FieldError at `path`."""
    if name not in registers:
        raise FieldError(path, f"no register named '{name}' under registers")
    return registers[name]


def check_registers(registers: dict[str, dict[str, Any]]) -> None:
    """Only strings take a count."""
    for name, register in registers.items():
        if register["type"] != "string" and register["count"] != 1:
            raise FieldError(f"registers.{name}.count", "only strings take a count")


def check_number(registers: dict[str, dict[str, Any]], path: str, name: str) -> None:
    """A role that needs a number must not point at a string register."""
    if known(registers, path, name)["type"] == "string":
        raise FieldError(
            f"registers.{name}.type",
            f"{path.split('.')[-1]} must be a number, not a string",
        )


def check_unit(
    registers: dict[str, dict[str, Any]], path: str, name: str, units: dict[str, float]
) -> None:
    """A power or energy role needs a register with one of the units it converts."""
    if known(registers, path, name).get("unit") not in units:
        raise FieldError(
            f"registers.{name}.unit",
            f"{path.split('.')[-1]} needs one of {sorted(units)}",
        )


def check_steps(
    registers: dict[str, dict[str, Any]],
    path: str,
    steps: list[dict[str, Any]],
    writable: frozenset[str],
) -> None:
    """Each step writes a writable register; a power write needs a power unit."""
    for index, step in enumerate(steps):
        where = f"{path}.{index}.register"
        register = known(registers, where, step["register"])
        if register["type"] not in writable:
            raise FieldError(
                where,
                f"'{step['register']}' is {register['type']}; only "
                f"{'16-bit' if writable == WRITABLE_16 else '16- and 32-bit'} registers are written",
            )
        if "power" in step and register.get("unit") not in POWER_UNITS:
            raise FieldError(
                f"registers.{step['register']}.unit",
                f"a power write needs one of {sorted(POWER_UNITS)}",
            )


def build_registers(specs: dict[str, dict[str, Any]]) -> dict[str, Register]:
    """Registers from validated specs."""
    return {
        name: Register(
            address=spec["address"],
            type=RegisterType(spec["type"]),
            scale=spec["scale"],
            unit=spec.get("unit"),
            count=spec["count"],
            plausible=tuple(spec["plausible"]) if "plausible" in spec else None,
        )
        for name, spec in specs.items()
    }


@dataclass(frozen=True, kw_only=True)
class WriteStep:
    """One register write of a command: a fixed value, or the requested power (how it is signed)."""

    register: str
    value: int | None = None
    power: str | None = None


def build_steps(steps: list[dict[str, Any]]) -> tuple[WriteStep, ...]:
    """Write steps from validated step specs."""
    return tuple(WriteStep(**step) for step in steps)


def read_profile_file(path: Path | str) -> tuple[Any, str]:
    """The parsed YAML or JSON of a profile file and its name (blocking I/O: use an executor in HA)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise ProfileError(f"{path.name}: cannot be read: {err}") from err
    return data, path.name
