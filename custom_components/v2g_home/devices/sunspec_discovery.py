"""SunSpec discovery: the "SunS" base, the model chain and absolute registers of a model's points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import sunspec_map as sm
from .errors import DeviceProtocolError, UnsupportedDeviceError
from .registers import Register
from .transport import ILLEGAL_DATA_ADDRESS, ModbusExceptionError

if TYPE_CHECKING:
    from .transport import ModbusTransport

SUNS_MARKER = [0x5375, 0x6E53]  # "SunS"
BASE_ADDRESSES = (40000, 0, 50000)
END_MODEL_ID = 0xFFFF
_MAX_MODELS = 100
MODEL_NAMES = {1: "common", 802: "battery", 124: "storage control"}


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
