"""Lays SunSpec models out in the register space and encodes point values into register words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .sunspec_models import SunSpecModel, SunSpecPoint

if TYPE_CHECKING:
    from collections.abc import Mapping

SUNS_MARKER = (0x5375, 0x6E53)  # "SunS"
END_MODEL = (0xFFFF, 0)
_NOT_IMPLEMENTED_16 = {"int16": 0x8000, "sunssf": 0x8000, "pad": 0x8000}

type PointValue = int | str | None


def encode_point(point: SunSpecPoint, value: PointValue) -> list[int]:
    """Words for one point; None becomes SunSpec's "not implemented" value for the type."""
    if point.type == "string":
        text = "" if value is None else str(value)
        raw = text.encode("ascii")[: point.size * 2].ljust(point.size * 2, b"\0")
        return [raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2)]
    if not isinstance(value, int):
        if value is not None:
            raise TypeError(f"{point.name} needs an int, got {value!r}")
        if point.type == "int32":
            return [0x8000, 0]
        if point.size in {2, 4}:
            return [0xFFFF] * point.size
        return [_NOT_IMPLEMENTED_16.get(point.type, 0xFFFF)]
    if point.size in {2, 4}:
        unsigned = value & ((1 << (16 * point.size)) - 1)
        return [(unsigned >> (16 * i)) & 0xFFFF for i in reversed(range(point.size))]
    if point.type in {"int16", "sunssf"} and not -0x8000 <= value <= 0x7FFF:
        raise ValueError(f"{point.name}={value} does not fit int16")
    return [value & 0xFFFF]


@dataclass(frozen=True, kw_only=True)
class PlacedModel:
    """A model at its address: `start` is the address of its ID register."""

    model: SunSpecModel
    start: int

    def address(self, point_name: str) -> int:
        """Absolute address of a point."""
        return self.start + self.model.point(point_name).offset

    def encode(self, values: Mapping[str, PointValue]) -> list[int]:
        """All words of the model; ID and L are filled in, points missing from `values` are not implemented."""
        words: list[int] = []
        for point in self.model.points:
            if point.name == "ID":
                words.append(self.model.model_id)
            elif point.name == "L":
                words.append(self.model.length)
            else:
                words.extend(encode_point(point, values.get(point.name)))
        return words


def place_models(
    base_address: int, models: tuple[SunSpecModel, ...]
) -> tuple[PlacedModel, ...]:
    """Put the models one after another behind the "SunS" marker at `base_address`."""
    placed: list[PlacedModel] = []
    start = base_address + len(SUNS_MARKER)
    for model in models:
        placed.append(PlacedModel(model=model, start=start))
        start += model.length + 2
    return tuple(placed)


def scale_factor_for(max_value: float, *, limit: int = 0x7FFF) -> int:
    """Smallest non-negative power of ten that lets `max_value` fit under `limit`."""
    scale_factor = 0
    while max_value / 10**scale_factor > limit:
        scale_factor += 1
    return scale_factor
