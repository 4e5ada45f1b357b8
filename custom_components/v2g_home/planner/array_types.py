"""The numpy array types the planner passes around."""

from __future__ import annotations

from typing import Any

import numpy as np

FloatArray = np.ndarray[tuple[int, ...], np.dtype[np.floating[Any]]]
BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]
IntArray = np.ndarray[tuple[int, ...], np.dtype[np.signedinteger[Any]]]
