"""The voluptuous schema of a pack profile and its cross-field checks (errors name the field path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from .errors import ProfileError
from .models import PackState
from .profile_fields import (
    CONNECTION_SCHEMA,
    ENERGY_UNITS,
    IDENTITY_SCHEMA,
    KW,
    NAME,
    POWER_SIGNS,
    POWER_UNITS,
    REGISTER_SCHEMA,
    STEPS_16,
    WRITABLE_16,
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

__all__ = [
    "ENERGY_UNITS",
    "POWER_UNITS",
    "PROFILE_SCHEMA",
    "PackProfile",
    "WriteStep",
    "parse_profile",
    "validate_profile",
]

_NUMBER_ROLES = (
    "soc",
    "soh",
    "power",
    "capacity",
    "energy_charged",
    "energy_discharged",
)
_UNITS = {
    "power": POWER_UNITS,
    "capacity": ENERGY_UNITS,
    "energy_charged": ENERGY_UNITS,
    "energy_discharged": ENERGY_UNITS,
}

PROFILE_SCHEMA = vol.Schema(
    {
        vol.Required("id"): NAME,
        vol.Required("name"): str,
        vol.Required("manufacturer"): str,
        vol.Required("model"): str,
        vol.Optional("description", default=""): str,
        vol.Optional("connection", default={}): CONNECTION_SCHEMA,
        vol.Required("registers"): vol.All({NAME: REGISTER_SCHEMA}, vol.Length(min=1)),
        vol.Required("values"): {
            vol.Required("soc"): NAME,
            vol.Required("power"): NAME,
            vol.Optional("power_sign", default="positive_charge"): vol.In(POWER_SIGNS),
            vol.Exclusive(
                "capacity", "capacity", msg="give capacity or capacity_kwh, not both"
            ): NAME,
            vol.Exclusive(
                "capacity_kwh",
                "capacity",
                msg="give capacity or capacity_kwh, not both",
            ): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=10000)),
            vol.Optional("soh"): NAME,
            vol.Optional("energy_charged"): NAME,
            vol.Optional("energy_discharged"): NAME,
            vol.Optional("state"): {
                vol.Required("register"): NAME,
                vol.Required("map"): {
                    vol.Coerce(int): vol.In([s.value for s in PackState])
                },
            },
        },
        vol.Optional("identity", default={}): IDENTITY_SCHEMA,
        vol.Required("control"): {
            vol.Required("max_charge_kw"): KW,
            vol.Required("max_discharge_kw"): KW,
            vol.Required("charge"): STEPS_16,
            vol.Required("discharge"): STEPS_16,
            vol.Required("idle"): STEPS_16,
            vol.Optional("release"): STEPS_16,
        },
    }
)


def validate_profile(data: Any, source: str) -> dict[str, Any]:
    """Validate a parsed profile; ProfileError names the source and the offending field path."""
    profile = validated(PROFILE_SCHEMA, data, source)
    registers = profile["registers"]
    try:
        check_registers(registers)
        _check_values(registers, profile["values"])
        for role, name in profile["identity"].items():
            known(registers, f"identity.{role}", name)
        for action in ("charge", "discharge", "idle", "release"):
            steps = profile["control"].get(action, [])
            check_steps(registers, f"control.{action}", steps, WRITABLE_16)
    except FieldError as err:
        raise ProfileError(f"{source}: {err}") from err
    return profile


def _check_values(registers: dict[str, dict[str, Any]], values: dict[str, Any]) -> None:
    if "capacity" not in values and "capacity_kwh" not in values:
        raise FieldError("values.capacity", "give a capacity register or capacity_kwh")
    for role in _NUMBER_ROLES:
        if role in values:
            known(registers, f"values.{role}", values[role])
    if "state" in values:
        known(registers, "values.state.register", values["state"]["register"])
    for role in _NUMBER_ROLES:
        if role in values:
            check_number(registers, f"values.{role}", values[role])
    for role, units in _UNITS.items():
        if role in values:
            check_unit(registers, f"values.{role}", values[role], units)


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
    control = checked["control"]
    commands = {
        action: build_steps(control.get(action, control["idle"]))
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
        registers=build_registers(checked["registers"]),
        values=checked["values"],
        identity=checked["identity"],
        max_charge_kw=control["max_charge_kw"],
        max_discharge_kw=control["max_discharge_kw"],
        commands=commands,
    )
