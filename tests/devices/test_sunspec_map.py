"""The committed SunSpec point map matches the official model JSON (copied to fixtures/sunspec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.v2g_home.devices import sunspec_map
from custom_components.v2g_home.devices.registers import RegisterType

FIXTURES = Path(__file__).parent / "fixtures" / "sunspec"


def _points_from_json(model_id: int) -> dict[str, dict[str, Any]]:
    model = json.loads(
        (FIXTURES / f"model_{model_id}.json").read_text(encoding="utf-8")
    )
    points: dict[str, dict[str, Any]] = {}
    offset = 0
    for point in model["group"]["points"]:
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


@pytest.mark.parametrize("model_id", [1, 124, 802])
def test_every_point_matches_the_json(model_id: int) -> None:
    """Offsets, types, sizes, scale factors and units are exactly those of the SunSpec model."""
    expected = _points_from_json(model_id)
    committed = getattr(sunspec_map, f"MODEL_{model_id}")
    assert set(committed) == set(expected)
    for name, point in committed.items():
        want = expected[name]
        assert point.offset == want["offset"], name
        assert point.type is RegisterType(want["type"]), name
        words = (
            point.count
            if point.type is RegisterType.STRING
            else {1: 1, 2: 2, 4: 4}[want["size"]]
        )
        assert words == want["size"], name
        assert (point.sf, point.unit) == (want["sf"], want["unit"]), name


def test_points_beyond_a_short_model_are_left_out() -> None:
    """Model 1 with L = 65 (no pad, as many devices ship it) still has DA; L = 60 loses SN."""
    assert "DA" in sunspec_map.registers_at(sunspec_map.MODEL_1, 40002, 65)
    assert "SN" not in sunspec_map.registers_at(sunspec_map.MODEL_1, 40002, 60)
