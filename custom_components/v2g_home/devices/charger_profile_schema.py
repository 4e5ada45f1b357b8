"""The voluptuous schema of a charger profile and its cross-field checks (errors name the field path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from .charger import ConnectorType, SessionState
from .errors import ProfileError
from .profile_fields import (
    CONNECTION_SCHEMA,
    IDENTITY_SCHEMA,
    KW,
    NAME,
    POWER_SIGNS,
    POWER_UNITS,
    REGISTER_SCHEMA,
    STEPS_32,
    WRITABLE_16,
    WRITABLE_32,
    FieldError,
    WriteStep,
    build_registers,
    build_steps,
    check_number,
    check_registers,
    check_steps,
    check_unit,
    known,
    validated,
)
from .registers import Register, WordOrder

SOC_VALIDITY = ["always", "in_session"]
FAILSAFE_REFRESH = ["traffic", "write"]
_WRITABLE = WRITABLE_16 | WRITABLE_32
_MAGNITUDE = vol.All(vol.Coerce(float), vol.Range(min=0, max=1000))
_ACTIONS = ("take_control", "stop", "release")

CHARGER_PROFILE_SCHEMA = vol.Schema(
    {
        vol.Required("id"): NAME,
        vol.Required("name"): str,
        vol.Required("manufacturer"): str,
        vol.Required("model"): str,
        vol.Optional("description", default=""): str,
        vol.Optional("connector", default="unknown"): vol.In(
            [c.value for c in ConnectorType]
        ),
        vol.Optional("connection", default={}): {
            **CONNECTION_SCHEMA,
            vol.Optional("object_size", default=0): vol.All(
                int, vol.Range(min=0, max=0xFFFF)
            ),
        },
        vol.Required("registers"): vol.All({NAME: REGISTER_SCHEMA}, vol.Length(min=1)),
        vol.Required("values"): {
            vol.Required("power"): NAME,
            vol.Optional("power_sign", default="positive_charge"): vol.In(POWER_SIGNS),
            vol.Optional("state"): {
                vol.Required("register"): NAME,
                vol.Required("map"): {
                    vol.Coerce(int): vol.In([s.value for s in SessionState])
                },
            },
            vol.Optional("soc"): {
                vol.Required("register"): NAME,
                vol.Optional("valid", default="always"): vol.In(SOC_VALIDITY),
            },
            vol.Optional("error"): NAME,
        },
        vol.Optional("identity", default={}): IDENTITY_SCHEMA,
        vol.Required("limits"): {
            vol.Required("max_charge_kw"): KW,
            vol.Required("max_discharge_kw"): _MAGNITUDE,
            vol.Optional("min_charge_kw", default=0.0): _MAGNITUDE,
            vol.Optional("min_discharge_kw", default=0.0): _MAGNITUDE,
            vol.Optional("max_charge"): NAME,
            vol.Optional("max_discharge"): NAME,
        },
        vol.Required("control"): {
            vol.Required("setpoint"): {
                vol.Required("register"): NAME,
                vol.Optional("sign", default="positive_charge"): vol.In(POWER_SIGNS),
            },
            vol.Optional("take_control"): STEPS_32,
            vol.Optional("stop"): STEPS_32,
            vol.Optional("release"): STEPS_32,
            vol.Optional("failsafe"): {
                vol.Required("register"): NAME,
                vol.Required("seconds"): vol.All(int, vol.Range(min=1, max=0xFFFF)),
                vol.Optional("refresh", default="traffic"): vol.In(FAILSAFE_REFRESH),
            },
        },
    }
)


def validate_charger_profile(data: Any, source: str) -> dict[str, Any]:
    """Validate a parsed charger profile; ProfileError names the source and the field path."""
    profile = validated(CHARGER_PROFILE_SCHEMA, data, source)
    registers = profile["registers"]
    try:
        check_registers(registers)
        _check_values(registers, profile["values"])
        for role, name in profile["identity"].items():
            known(registers, f"identity.{role}", name)
        _check_limits(registers, profile["limits"])
        _check_control(registers, profile["control"])
    except FieldError as err:
        raise ProfileError(f"{source}: {err}") from err
    return profile


def _check_values(registers: dict[str, dict[str, Any]], values: dict[str, Any]) -> None:
    check_unit(registers, "values.power", values["power"], POWER_UNITS)
    if "state" in values:
        check_number(registers, "values.state.register", values["state"]["register"])
    if "soc" in values:
        check_number(registers, "values.soc.register", values["soc"]["register"])
    if "error" in values:
        check_number(registers, "values.error", values["error"])


def _check_limits(registers: dict[str, dict[str, Any]], limits: dict[str, Any]) -> None:
    for role in ("max_charge", "max_discharge"):
        if role in limits:
            check_unit(registers, f"limits.{role}", limits[role], POWER_UNITS)
    for direction in ("charge", "discharge"):
        if limits[f"min_{direction}_kw"] > limits[f"max_{direction}_kw"]:
            raise FieldError(
                f"limits.min_{direction}_kw", f"is above max_{direction}_kw"
            )


def _check_control(
    registers: dict[str, dict[str, Any]], control: dict[str, Any]
) -> None:
    setpoint = control["setpoint"]["register"]
    _writable(registers, "control.setpoint.register", setpoint)
    check_unit(registers, "control.setpoint", setpoint, POWER_UNITS)
    for action in _ACTIONS:
        check_steps(registers, f"control.{action}", control.get(action, []), _WRITABLE)
    if "failsafe" in control:
        _writable(
            registers, "control.failsafe.register", control["failsafe"]["register"]
        )


def _writable(registers: dict[str, dict[str, Any]], path: str, name: str) -> None:
    kind = known(registers, path, name)["type"]
    if kind not in _WRITABLE:
        raise FieldError(
            path, f"'{name}' is {kind}; only 16- and 32-bit registers are written"
        )


@dataclass(frozen=True, kw_only=True)
class ChargerProfile:
    """A validated vendor register map of a charger and how to command it."""

    id: str
    name: str
    manufacturer: str
    model: str
    description: str
    connector: ConnectorType
    port: int
    unit_id: int
    word_order: WordOrder
    max_gap: int
    object_size: int
    registers: dict[str, Register]
    values: dict[str, Any]
    identity: dict[str, str]
    limits: dict[str, Any]
    setpoint: str
    setpoint_sign: str
    commands: dict[str, tuple[WriteStep, ...]]
    failsafe: dict[str, Any] | None


def parse_charger_profile(data: Any, source: str = "profile") -> ChargerProfile:
    """Validate parsed YAML/JSON data into a ChargerProfile (ProfileError names the field)."""
    checked = validate_charger_profile(data, source)
    control = checked["control"]
    connection = checked["connection"]
    return ChargerProfile(
        id=checked["id"],
        name=checked["name"],
        manufacturer=checked["manufacturer"],
        model=checked["model"],
        description=checked["description"],
        connector=ConnectorType(checked["connector"]),
        port=connection["port"],
        unit_id=connection["unit_id"],
        word_order=WordOrder(connection["word_order"]),
        max_gap=connection["max_gap"],
        object_size=connection["object_size"],
        registers=build_registers(checked["registers"]),
        values=checked["values"],
        identity=checked["identity"],
        limits=checked["limits"],
        setpoint=control["setpoint"]["register"],
        setpoint_sign=control["setpoint"]["sign"],
        commands={
            action: build_steps(control[action])
            for action in _ACTIONS
            if action in control
        },
        failsafe=control.get("failsafe"),
    )
