"""The voluptuous schema of a pack profile and its cross-field checks (errors name the field path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from .errors import ProfileError
from .models import PackState
from .registers import Register, RegisterType, WordOrder

POWER_UNITS = {"W": 0.001, "kW": 1.0}
ENERGY_UNITS = {"Wh": 0.001, "kWh": 1.0}
PROFILE_TYPES = [t.value for t in RegisterType if t is not RegisterType.SUNSSF]
WRITABLE_TYPES = {"uint16", "int16", "enum16", "bitfield16"}
POWER_WRITES = ["magnitude", "signed", "negated"]
POWER_SIGNS = ["positive_charge", "positive_discharge"]

_NAME = vol.All(
    str, vol.Match(r"^[a-z][a-z0-9_]*$", msg="use lower-case letters, digits and _")
)
_ADDRESS = vol.All(int, vol.Range(min=0, max=0xFFFF))
_KW = vol.All(vol.Coerce(float), vol.Range(min=0.1, max=1000))

REGISTER_SCHEMA = vol.Schema(
    {
        vol.Required("address"): _ADDRESS,
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
STEP_SCHEMA = vol.Schema(
    vol.All(
        {
            vol.Required("register"): _NAME,
            vol.Exclusive(
                "value", "value_or_power", msg="give value or power, not both"
            ): vol.All(int, vol.Range(min=-0x8000, max=0xFFFF)),
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
PROFILE_SCHEMA = vol.Schema(
    {
        vol.Required("id"): _NAME,
        vol.Required("name"): str,
        vol.Required("manufacturer"): str,
        vol.Required("model"): str,
        vol.Optional("description", default=""): str,
        vol.Optional("connection", default={}): {
            vol.Optional("port", default=502): vol.All(
                int, vol.Range(min=1, max=65535)
            ),
            vol.Optional("unit_id", default=1): vol.All(int, vol.Range(min=0, max=255)),
            vol.Optional("word_order", default="big"): vol.In(["big", "little"]),
            vol.Optional("max_gap", default=0): vol.All(int, vol.Range(min=0, max=125)),
        },
        vol.Required("registers"): vol.All({_NAME: REGISTER_SCHEMA}, vol.Length(min=1)),
        vol.Required("values"): {
            vol.Required("soc"): _NAME,
            vol.Required("power"): _NAME,
            vol.Optional("power_sign", default="positive_charge"): vol.In(POWER_SIGNS),
            vol.Exclusive(
                "capacity", "capacity", msg="give capacity or capacity_kwh, not both"
            ): _NAME,
            vol.Exclusive(
                "capacity_kwh",
                "capacity",
                msg="give capacity or capacity_kwh, not both",
            ): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=10000)),
            vol.Optional("soh"): _NAME,
            vol.Optional("energy_charged"): _NAME,
            vol.Optional("energy_discharged"): _NAME,
            vol.Optional("state"): {
                vol.Required("register"): _NAME,
                vol.Required("map"): {
                    vol.Coerce(int): vol.In([s.value for s in PackState])
                },
            },
        },
        vol.Optional("identity", default={}): {
            vol.Optional("serial"): _NAME,
            vol.Optional("firmware"): _NAME,
        },
        vol.Required("control"): {
            vol.Required("max_charge_kw"): _KW,
            vol.Required("max_discharge_kw"): _KW,
            vol.Required("charge"): vol.All([STEP_SCHEMA], vol.Length(min=1)),
            vol.Required("discharge"): vol.All([STEP_SCHEMA], vol.Length(min=1)),
            vol.Required("idle"): vol.All([STEP_SCHEMA], vol.Length(min=1)),
            vol.Optional("release"): vol.All([STEP_SCHEMA], vol.Length(min=1)),
        },
    }
)


def validate_profile(data: Any, source: str) -> dict[str, Any]:
    """Validate a parsed profile; ProfileError names the source and the offending field path."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: (top level): expected a mapping of fields")
    try:
        profile: dict[str, Any] = PROFILE_SCHEMA(data)
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        raise ProfileError(f"{source}: {_path(first.path)}: {_message(first)}") from err
    _cross_check(profile, source)
    return profile


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


class _FieldError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")


def _cross_check(profile: dict[str, Any], source: str) -> None:
    try:
        _check_registers(profile["registers"])
        _check_values(profile["registers"], profile["values"])
        for role, name in profile["identity"].items():
            _known(profile["registers"], f"identity.{role}", name)
        _check_control(profile["registers"], profile["control"])
    except _FieldError as err:
        raise ProfileError(f"{source}: {err}") from err


def _known(
    registers: dict[str, dict[str, Any]], path: str, name: str
) -> dict[str, Any]:
    if name not in registers:
        raise _FieldError(path, f"no register named '{name}' under registers")
    return registers[name]


def _check_registers(registers: dict[str, dict[str, Any]]) -> None:
    for name, register in registers.items():
        if register["type"] != "string" and register["count"] != 1:
            raise _FieldError(f"registers.{name}.count", "only strings take a count")


def _check_values(registers: dict[str, dict[str, Any]], values: dict[str, Any]) -> None:
    if "capacity" not in values and "capacity_kwh" not in values:
        raise _FieldError("values.capacity", "give a capacity register or capacity_kwh")
    for role in (
        "soc",
        "soh",
        "power",
        "capacity",
        "energy_charged",
        "energy_discharged",
    ):
        if role in values:
            _known(registers, f"values.{role}", values[role])
    if "state" in values:
        _known(registers, "values.state.register", values["state"]["register"])
    for role in (
        "soc",
        "soh",
        "power",
        "capacity",
        "energy_charged",
        "energy_discharged",
    ):
        if role in values and registers[values[role]]["type"] == "string":
            raise _FieldError(
                f"registers.{values[role]}.type",
                f"{role} must be a number, not a string",
            )
    units = {
        "power": POWER_UNITS,
        "capacity": ENERGY_UNITS,
        "energy_charged": ENERGY_UNITS,
        "energy_discharged": ENERGY_UNITS,
    }
    for role, allowed in units.items():
        if (
            role in values
            and _known(registers, f"values.{role}", values[role]).get("unit")
            not in allowed
        ):
            raise _FieldError(
                f"registers.{values[role]}.unit",
                f"{role} needs one of {sorted(allowed)}",
            )


def _check_control(
    registers: dict[str, dict[str, Any]], control: dict[str, Any]
) -> None:
    for action in ("charge", "discharge", "idle", "release"):
        for index, step in enumerate(control.get(action, [])):
            path = f"control.{action}.{index}.register"
            register = _known(registers, path, step["register"])
            if register["type"] not in WRITABLE_TYPES:
                raise _FieldError(
                    path,
                    f"'{step['register']}' is {register['type']}; only 16-bit registers are written",
                )
            if "power" in step and register.get("unit") not in POWER_UNITS:
                raise _FieldError(
                    f"registers.{step['register']}.unit",
                    f"a power write needs one of {sorted(POWER_UNITS)}",
                )


@dataclass(frozen=True, kw_only=True)
class WriteStep:
    """One register write of a command: a fixed value, or the requested power (how it is signed)."""

    register: str
    value: int | None = None
    power: str | None = None


@dataclass(frozen=True, kw_only=True)
class PackProfile:
    """A validated vendor register map and how to command the pack."""

    id: str
    name: str
    manufacturer: str
    model: str
    description: str
    port: int
    unit_id: int
    word_order: WordOrder
    max_gap: int
    registers: dict[str, Register]
    values: dict[str, Any]
    identity: dict[str, str]
    max_charge_kw: float
    max_discharge_kw: float
    commands: dict[str, tuple[WriteStep, ...]]


def parse_profile(data: Any, source: str = "profile") -> PackProfile:
    """Validate parsed YAML/JSON data into a PackProfile (ProfileError names the field)."""
    checked = validate_profile(data, source)
    registers = {
        name: Register(
            address=spec["address"],
            type=RegisterType(spec["type"]),
            scale=spec["scale"],
            unit=spec.get("unit"),
            count=spec["count"],
            plausible=tuple(spec["plausible"]) if "plausible" in spec else None,
        )
        for name, spec in checked["registers"].items()
    }
    control = checked["control"]
    commands = {
        action: tuple(
            WriteStep(**step) for step in control.get(action, control["idle"])
        )
        for action in ("charge", "discharge", "idle", "release")
    }
    connection = checked["connection"]
    return PackProfile(
        id=checked["id"],
        name=checked["name"],
        manufacturer=checked["manufacturer"],
        model=checked["model"],
        description=checked["description"],
        port=connection["port"],
        unit_id=connection["unit_id"],
        word_order=WordOrder(connection["word_order"]),
        max_gap=connection["max_gap"],
        registers=registers,
        values=checked["values"],
        identity=checked["identity"],
        max_charge_kw=control["max_charge_kw"],
        max_discharge_kw=control["max_discharge_kw"],
        commands=commands,
    )
