"""The committed DER point maps (701, 702, 704, 713) match the official model JSON (fixtures/sunspec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.devices import sunspec_der_map
from custom_components.v2g_home.devices.registers import RegisterType

FIXTURES = Path(__file__).parent / "fixtures" / "sunspec"


def _model(model_id: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / f"model_{model_id}.json").read_text(encoding="utf-8")
    )
    return data["group"]


def _points_from_json(model_id: int) -> dict[str, dict[str, Any]]:
    points: dict[str, dict[str, Any]] = {}
    offset = 0
    for point in _model(model_id)["points"]:
        if point["name"] not in ("ID", "L") and point["type"] != "pad":
            points[point["name"]] = {
                "offset": offset,
                "type": point["type"],
                "size": point["size"],
                "sf": point.get("sf"),
                "unit": point["units"].strip() if "units" in point else None,
            }
        offset += point["size"]
    return points


@pytest.mark.parametrize("model_id", [701, 702, 704, 713])
def test_every_point_matches_the_json(model_id: int) -> None:
    """Offsets, types, sizes, scale factors and units are exactly those of the SunSpec model."""
    expected = _points_from_json(model_id)
    committed = getattr(sunspec_der_map, f"MODEL_{model_id}")
    assert set(committed) == set(expected)
    for name, point in committed.items():
        want = expected[name]
        assert point.offset == want["offset"], name
        assert point.type is RegisterType(want["type"]), name
        words = point.count if point.type is RegisterType.STRING else point_words(point)
        assert words == want["size"], name
        assert (point.sf, point.unit) == (want["sf"], want["unit"]), name


def point_words(point: Any) -> int:
    return {
        RegisterType.UINT32: 2,
        RegisterType.INT32: 2,
        RegisterType.BITFIELD32: 2,
        RegisterType.UINT64: 4,
    }.get(point.type, 1)


@pytest.mark.parametrize("model_id", [701, 702, 704, 713])
def test_model_lengths_include_the_repeating_groups(model_id: int) -> None:
    """L counts every point after ID and L, and model 704's four power-factor groups (one each)."""
    group = _model(model_id)
    fixed = sum(p["size"] for p in group["points"]) - 2
    groups = sum(sum(p["size"] for p in g["points"]) for g in group.get("groups", []))
    assert sunspec_der_map.MODEL_LENGTHS[model_id] == fixed + groups
