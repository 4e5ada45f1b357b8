"""Refuse impossible planner inputs when the model is built, with a message naming the field."""

from __future__ import annotations

import math


def finite(owner: str, **values: float) -> None:
    """Every value must be a finite number (NaN or infinity is a broken sensor or a bug)."""
    for name, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{owner}: {name} must be finite, not {value}")


def not_nan(owner: str, **values: float) -> None:
    """No value may be NaN (infinity is allowed where it means "no limit")."""
    for name, value in values.items():
        if math.isnan(value):
            raise ValueError(f"{owner}: {name} must be a number, not NaN")


def fraction(owner: str, **values: float) -> None:
    """Every value must be a state of charge between 0 and 1 (NaN refused)."""
    for name, value in values.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{owner}: {name} must be between 0 and 1, not {value}")


def non_negative(owner: str, **values: float) -> None:
    """Every value must be zero or more (NaN refused)."""
    for name, value in values.items():
        if not value >= 0.0:
            raise ValueError(f"{owner}: {name} cannot be negative ({value})")
