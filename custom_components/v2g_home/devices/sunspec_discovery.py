"""SunSpec discovery: the "SunS" base, the model chain, which driver fits it, and the common model."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from . import sunspec_map as sm
from .errors import DeviceProtocolError, UnsupportedDeviceError
from .models import DeviceIdentity
from .register_blocks import MODBUS_MAX_READ, plan_blocks, read_blocks
from .registers import Register, decode
from .transport import ILLEGAL_DATA_ADDRESS, ModbusExceptionError

if TYPE_CHECKING:
    from .transport import ModbusTransport

SUNS_MARKER = [0x5375, 0x6E53]  # "SunS"
BASE_ADDRESSES = (40000, 0, 50000)
END_MODEL_ID = 0xFFFF
_MAX_MODELS = 100
MODEL_NAMES = {
    1: "common",
    802: "battery",
    124: "storage control",
    701: "DER AC measurement",
    702: "DER capacity",
    704: "DER AC controls",
    713: "DER storage capacity",
}
DER_MODELS = (701, 704, 713)


class SunSpecFlavour(StrEnum):
    """Which SunSpec driver fits a device: the DER models of IEEE 1547-2018 or battery 802/124."""

    DER = "der"
    BATTERY = "battery"


def flavour(models: dict[int, ModelLocation]) -> SunSpecFlavour:
    """DER when 701, 704 and 713 are all there (measure, control, SoC), else 802; else unsupported."""
    if all(model in models for model in DER_MODELS):
        return SunSpecFlavour.DER
    if 802 in models:
        return SunSpecFlavour.BATTERY
    missing = ", ".join(str(m) for m in DER_MODELS if m not in models)
    raise UnsupportedDeviceError(
        f"neither the DER storage models (missing {missing}) nor model 802 (battery) found"
    )


@dataclass(frozen=True, kw_only=True)
class ModelLocation:
    """Where one model instance sits: address of its ID register and its length L."""

    model_id: int
    address: int
    length: int


async def discover(transport: ModbusTransport) -> dict[int, ModelLocation]:
    """Find the "SunS" base and walk the model chain to the end marker (first instance of each model)."""
    for base in BASE_ADDRESSES:
        try:
            marker = await transport.read_holding(base, 2)
        except ModbusExceptionError as err:
            if err.code != ILLEGAL_DATA_ADDRESS:
                raise
            continue
        if marker == SUNS_MARKER:
            break
    else:
        raise UnsupportedDeviceError("no SunSpec marker 'SunS' at 40000, 0 or 50000")
    models: dict[int, ModelLocation] = {}
    address = base + 2
    for _ in range(_MAX_MODELS):
        model_id, length = await transport.read_holding(address, 2)
        if model_id == END_MODEL_ID:
            return models
        models.setdefault(
            model_id, ModelLocation(model_id=model_id, address=address, length=length)
        )
        address += 2 + length
        if address > 0xFFFF:
            break
    raise DeviceProtocolError("the SunSpec model chain has no end marker")


def require(models: dict[int, ModelLocation], model_id: int) -> ModelLocation:
    """The location of a model, or UnsupportedDeviceError naming it."""
    if model_id not in models:
        raise UnsupportedDeviceError(
            f"model {model_id} ({MODEL_NAMES[model_id]}) not found"
        )
    return models[model_id]


def select_points(
    points: dict[str, sm.Point],
    names: tuple[str, ...],
    where: ModelLocation,
    prefix: str,
) -> dict[str, Register]:
    """Absolute registers of some points of one model, keys (and scale-factor names) prefixed."""
    registers = sm.registers_at(
        {name: points[name] for name in names}, where.address, where.length
    )
    return {prefix + name: replace_sf(reg, prefix) for name, reg in registers.items()}


def replace_sf(register: Register, prefix: str) -> Register:
    """The same register with its scale-factor name prefixed (to keep two models in one map)."""
    if register.sf is None:
        return register
    return Register(
        address=register.address,
        type=register.type,
        count=register.count,
        sf=prefix + register.sf,
        unit=register.unit,
    )


async def read_common(
    transport: ModbusTransport, models: dict[int, ModelLocation], fallback_model: str
) -> DeviceIdentity:
    """Model 1: manufacturer, model, serial number and version (one read)."""
    registers = select_points(
        sm.MODEL_1, ("Mn", "Md", "SN", "Vr"), require(models, 1), ""
    )
    blocks = plan_blocks(registers, max_gap=MODBUS_MAX_READ)
    values = decode(registers, await read_blocks(transport, blocks), sunspec=True)
    if not values.get("SN") or not values.get("Mn"):
        raise DeviceProtocolError("model 1 has no manufacturer or serial number")
    return DeviceIdentity(
        manufacturer=str(values["Mn"]),
        model=str(values.get("Md") or fallback_model),
        serial=str(values["SN"]),
        firmware=None if values.get("Vr") is None else str(values["Vr"]),
    )
