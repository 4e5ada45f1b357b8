"""Block-tridiagonal systems by cyclic reduction with LU solves instead of block inverses.

The linear model with reserves is degenerate where a battery idles at the edge of its energy rule;
near the optimum the normal equations are then nearly singular, and multiplying by explicitly
inverted blocks (blocktri.py) loses every digit. Solving with each odd block (LU with partial
pivoting, batched) keeps them, at the price of a solve per level in every right-hand side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import FloatArray

_DIRECT_UNKNOWNS = 128  # the last blocks are solved at once, densely


@dataclass(frozen=True, kw_only=True)
class _Level:
    """One halving step: the odd blocks and the couplings needed to reduce and expand."""

    size: int  # blocks before padding
    odd_root_inverse: FloatArray  # inv(L) of the odd blocks' Cholesky factors L
    even_lower: FloatArray
    even_upper: FloatArray
    odd_lower: FloatArray
    odd_upper: FloatArray


class StableBlockTridiagonal:
    """A factorised symmetric system L[i] x[i-1] + A[i] x[i] + U[i] x[i+1] = r[i], L[i] = U[i-1].T."""

    def __init__(self, diagonal: FloatArray, upper: FloatArray) -> None:
        """Halve until a few blocks remain; keep those as one dense matrix."""
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
        n, d = diagonal.shape[0], diagonal.shape[1]
        dense = np.zeros((n * d, n * d))
        for i in range(n):
            dense[i * d : (i + 1) * d, i * d : (i + 1) * d] = diagonal[i]
            if i + 1 < n:
                dense[i * d : (i + 1) * d, (i + 1) * d : (i + 2) * d] = upper[i]
                dense[(i + 1) * d : (i + 2) * d, i * d : (i + 1) * d] = lower[i + 1]
        self._last = dense

    def _halve(
        self, diagonal: FloatArray, lower: FloatArray, upper: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        size, d = diagonal.shape[0], diagonal.shape[1]
        if size % 2:
            diagonal = np.concatenate([diagonal, np.eye(d)[None]])
            lower = np.concatenate([lower, np.zeros((1, d, d))])
            upper = np.concatenate([upper, np.zeros((1, d, d))])
        root_inverse = np.linalg.inv(np.linalg.cholesky(diagonal[1::2]))
        even_lower, even_upper = lower[0::2], upper[0::2]
        odd_lower, odd_upper = lower[1::2], upper[1::2]
        # D^-1 = inv(L).T inv(L): the couplings through each odd block, as products of halves.
        left = (
            root_inverse @ odd_lower
        )  # couples the odd block to the even one before it
        right = root_inverse @ odd_upper  # ... and to the even one after it
        reduced = diagonal[0::2] - np.swapaxes(left, 1, 2) @ left
        reduced[1:] -= np.swapaxes(right[:-1], 1, 2) @ right[:-1]
        reduced_upper = -(np.swapaxes(left, 1, 2) @ right)
        reduced_lower = np.zeros_like(reduced)
        reduced_lower[1:] = np.swapaxes(reduced_upper[:-1], 1, 2)
        self._levels.append(
            _Level(
                size=size,
                odd_root_inverse=root_inverse,
                even_lower=even_lower,
                even_upper=even_upper,
                odd_lower=odd_lower,
                odd_upper=odd_upper,
            )
        )
        return reduced, reduced_lower, reduced_upper

    def solve(self, rhs: FloatArray) -> FloatArray:
        """The solution x for the right-hand side `rhs` (n, d)."""
        r = rhs[..., None]
        odd_parts = []
        for level in self._levels:
            if level.size % 2:
                r = np.concatenate([r, np.zeros_like(r[:1])])
            even, odd = r[0::2], r[1::2]
            through = _through(level.odd_root_inverse, odd)
            reduced = even - level.even_upper @ through
            reduced[1:] -= level.even_lower[1:] @ through[:-1]
            odd_parts.append(odd)
            r = reduced
        x = np.linalg.solve(self._last, r.reshape(-1)).reshape(r.shape)
        for level, odd in zip(reversed(self._levels), reversed(odd_parts), strict=True):
            following = np.concatenate([x[1:], np.zeros_like(x[:1])])
            odd_x = _through(
                level.odd_root_inverse,
                odd - level.odd_lower @ x - level.odd_upper @ following,
            )
            full = np.empty((2 * len(x), *np.shape(x)[1:]))
            full[0::2] = x
            full[1::2] = odd_x
            x = full[: level.size]
        return x[..., 0]


def _through(root_inverse: FloatArray, rhs: FloatArray) -> FloatArray:
    """D^-1 rhs for the odd blocks, D = L L.T, from inv(L)."""
    result: FloatArray = np.swapaxes(root_inverse, 1, 2) @ (root_inverse @ rhs)
    return result
