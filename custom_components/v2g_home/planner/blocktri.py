"""Solve block-tridiagonal linear systems by cyclic reduction, vectorised over the blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .arrays import FloatArray


def solve_block_tridiagonal(
    diagonal: FloatArray, upper: FloatArray, rhs: FloatArray
) -> FloatArray:
    """Solve L[i] x[i-1] + A[i] x[i] + U[i] x[i+1] = r[i] for a symmetric system (L[i] = U[i-1].T).

    `diagonal` is (n, d, d), `upper` is (n, d, d) with upper[n-1] unused, `rhs` is (n, d).
    Cyclic reduction halves the system per level, so numpy does O(log n) batched steps instead of
    a Python loop over n blocks.
    """
    upper = upper.copy()
    upper[-1] = 0.0
    lower = np.zeros_like(upper)
    lower[1:] = np.swapaxes(upper[:-1], 1, 2)
    return _reduce(diagonal, lower, upper, rhs[..., None])[..., 0]


def _reduce(
    diagonal: FloatArray, lower: FloatArray, upper: FloatArray, rhs: FloatArray
) -> FloatArray:
    n, d = diagonal.shape[0], diagonal.shape[1]
    if n == 1:
        return np.linalg.solve(diagonal, rhs)
    if n % 2:
        eye = np.eye(d)[None]
        zero = np.zeros((1, d, d))
        diagonal = np.concatenate([diagonal, eye])
        lower = np.concatenate([lower, zero])
        upper = np.concatenate([upper, zero])
        rhs = np.concatenate([rhs, np.zeros((1, d, rhs.shape[2]))])
        return _reduce(diagonal, lower, upper, rhs)[:n]
    odd_inverse = np.linalg.inv(diagonal[1::2])
    # Neighbours of even row 2k: odd rows 2k-1 (k >= 1) and 2k+1.
    left_inverse = np.roll(odd_inverse, 1, axis=0)
    left_upper = np.roll(upper[1::2], 1, axis=0)
    left_lower = np.roll(lower[1::2], 1, axis=0)
    left_rhs = np.roll(rhs[1::2], 1, axis=0)
    even_lower, even_upper = lower[0::2], upper[0::2]
    via_left = even_lower @ left_inverse  # zero for k = 0 because lower[0] = 0
    via_right = even_upper @ odd_inverse
    reduced_diagonal = diagonal[0::2] - via_left @ left_upper - via_right @ lower[1::2]
    reduced_rhs = rhs[0::2] - via_left @ left_rhs - via_right @ rhs[1::2]
    reduced_lower = -(via_left @ left_lower)
    reduced_upper = -(via_right @ upper[1::2])
    even = _reduce(reduced_diagonal, reduced_lower, reduced_upper, reduced_rhs)
    next_even = np.concatenate([even[1:], np.zeros_like(even[:1])])
    odd = odd_inverse @ (rhs[1::2] - lower[1::2] @ even - upper[1::2] @ next_even)
    solution = np.empty_like(rhs)
    solution[0::2] = even
    solution[1::2] = odd
    return solution
