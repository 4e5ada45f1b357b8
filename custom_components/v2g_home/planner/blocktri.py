"""Solve block-tridiagonal linear systems by cyclic reduction, vectorised over the blocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import FloatArray

# Solve the last blocks at once, densely, once this few unknowns are left.
_DIRECT_UNKNOWNS = 12


@dataclass(frozen=True, kw_only=True)
class _Level:
    """One halving step: what is needed to reduce a right-hand side and to expand the answer."""

    size: int  # blocks before padding
    odd_inverse: FloatArray
    via_left: (
        FloatArray  # lower[even] @ inv(A[odd to the left]); zero for the first block
    )
    via_right: FloatArray  # upper[even] @ inv(A[odd to the right])
    odd_lower: FloatArray
    odd_upper: FloatArray


class BlockTridiagonal:
    """A factorised symmetric system L[i] x[i-1] + A[i] x[i] + U[i] x[i+1] = r[i], L[i] = U[i-1].T.

    `diagonal` is (n, d, d) and `upper` (n, d, d) with upper[n-1] unused. Cyclic reduction halves
    the system per level, so numpy does O(log n) batched steps instead of a loop over n blocks;
    the factorisation is kept so several right-hand sides cost only matrix-vector products.
    """

    def __init__(self, diagonal: FloatArray, upper: FloatArray) -> None:
        """Factorise: halve until a few blocks remain, then invert those densely."""
        upper = upper.copy()
        upper[-1] = 0.0
        lower = np.zeros_like(upper)
        lower[1:] = np.swapaxes(upper[:-1], 1, 2)
        self._levels: list[_Level] = []
        while (
            diagonal.shape[0] > 1
            and diagonal.shape[0] * diagonal.shape[1] > _DIRECT_UNKNOWNS
        ):
            diagonal, lower, upper = self._halve(diagonal, lower, upper)
        self._last = _dense_inverse(diagonal, lower, upper)

    def _halve(
        self, diagonal: FloatArray, lower: FloatArray, upper: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        size, d = diagonal.shape[0], diagonal.shape[1]
        if size % 2:
            diagonal = np.concatenate([diagonal, np.eye(d)[None]])
            lower = np.concatenate([lower, np.zeros((1, d, d))])
            upper = np.concatenate([upper, np.zeros((1, d, d))])
        odd_inverse = _inverse(diagonal[1::2])
        even_lower, even_upper = lower[0::2], upper[0::2]
        odd_lower, odd_upper = lower[1::2], upper[1::2]
        via_left = np.zeros_like(odd_inverse)
        via_left[1:] = even_lower[1:] @ odd_inverse[:-1]
        via_right = even_upper @ odd_inverse
        reduced = diagonal[0::2] - via_right @ odd_lower
        reduced[1:] -= via_left[1:] @ odd_upper[:-1]
        reduced_lower = np.zeros_like(reduced)
        reduced_lower[1:] = -(via_left[1:] @ odd_lower[:-1])
        reduced_upper = -(via_right @ odd_upper)
        self._levels.append(
            _Level(
                size=size,
                odd_inverse=odd_inverse,
                via_left=via_left,
                via_right=via_right,
                odd_lower=odd_lower,
                odd_upper=odd_upper,
            )
        )
        return reduced, reduced_lower, reduced_upper

    def solve(self, rhs: FloatArray) -> FloatArray:
        """The solution x for the right-hand side `rhs` (n, d)."""
        odd_parts = []
        r = rhs[..., None]
        for level in self._levels:
            if level.size % 2:
                r = np.concatenate([r, np.zeros_like(r[:1])])
            even, odd = r[0::2], r[1::2]
            reduced = even - level.via_right @ odd
            reduced[1:] -= level.via_left[1:] @ odd[:-1]
            odd_parts.append(odd)
            r = reduced
        x = (self._last @ r.reshape(-1)).reshape(r.shape)
        for level, odd in zip(reversed(self._levels), reversed(odd_parts), strict=True):
            following = np.concatenate([x[1:], np.zeros_like(x[:1])])
            odd_x = level.odd_inverse @ (
                odd - level.odd_lower @ x - level.odd_upper @ following
            )
            full = np.empty((2 * len(x), *np.shape(x)[1:]))
            full[0::2] = x
            full[1::2] = odd_x
            x = full[: level.size]
        return x[..., 0]


def _dense_inverse(
    diagonal: FloatArray, lower: FloatArray, upper: FloatArray
) -> FloatArray:
    """The inverse of a small block-tridiagonal system, assembled densely."""
    n, d = diagonal.shape[0], diagonal.shape[1]
    dense = np.zeros((n * d, n * d))
    for i in range(n):
        dense[i * d : (i + 1) * d, i * d : (i + 1) * d] = diagonal[i]
        if i + 1 < n:
            dense[i * d : (i + 1) * d, (i + 1) * d : (i + 2) * d] = upper[i]
            dense[(i + 1) * d : (i + 2) * d, i * d : (i + 1) * d] = lower[i + 1]
    return _inverse(dense)


def _inverse(blocks: FloatArray) -> FloatArray:
    """Inverses of a stack of square blocks; 1 x 1 blocks (one device) by a plain division."""
    if blocks.shape[-1] == 1:
        inverse: FloatArray = 1.0 / blocks
        return inverse
    return np.linalg.inv(blocks)


def solve_block_tridiagonal(
    diagonal: FloatArray, upper: FloatArray, rhs: FloatArray
) -> FloatArray:
    """Factorise and solve once (see BlockTridiagonal)."""
    return BlockTridiagonal(diagonal, upper).solve(rhs)
