"""Block-tridiagonal systems by cyclic reduction with inverted Cholesky factors instead of block inverses.

The linear model with reserves is degenerate where a battery idles at the edge of its energy rule;
near the optimum the normal equations are then nearly singular, and multiplying by explicitly
inverted blocks (blocktri.py) loses every digit. Each odd block D = L L^T is used through inv(L)
only (its condition number is the square root of D's), and the last few blocks are solved densely
(LU with partial pivoting).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .arrays import FloatArray

_DIRECT_UNKNOWNS = 64  # the last blocks are solved at once, densely
_FAR = 1e150  # the augmented factorisation's lower right diagonal (see _root_inverses)


@dataclass(frozen=True, kw_only=True)
class _Level:
    """One halving step: inv(L) of the odd blocks and their couplings to the even blocks around them."""

    size: int  # blocks before padding
    odd_root_inverse: FloatArray  # inv(L), the odd blocks' Cholesky factors inverted
    odd_root_inverse_t: FloatArray  # inv(L).T (contiguous)
    left: FloatArray  # inv(L) lower of each odd block (to the even block before it)
    right: FloatArray  # inv(L) upper (to the even block after it)
    couplings_t: FloatArray  # [left | right] transposed (contiguous): (n, 2d, d)


class StableBlockTridiagonal:
    """A factorised symmetric system L[i] x[i-1] + A[i] x[i] + U[i] x[i+1] = r[i], L[i] = U[i-1].T."""

    def __init__(self, diagonal: FloatArray, upper: FloatArray) -> None:
        """Halve until a few blocks remain; keep those as one dense matrix."""
        upper = upper.copy()
        upper[-1] = 0.0
        self._levels: list[_Level] = []
        while (
            diagonal.shape[0] > 1
            and diagonal.shape[0] * diagonal.shape[1] > _DIRECT_UNKNOWNS
        ):
            diagonal, upper = self._halve(diagonal, upper)
        n, d = diagonal.shape[0], diagonal.shape[1]
        dense = np.zeros((n, d, n, d))
        index = np.arange(n)
        dense[index, :, index, :] = diagonal
        dense[index[:-1], :, index[1:], :] = upper[:-1]
        dense[index[1:], :, index[:-1], :] = np.swapaxes(upper[:-1], 1, 2)
        self._last = dense.reshape(n * d, n * d)

    def _halve(
        self, diagonal: FloatArray, upper: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        size, d = diagonal.shape[0], diagonal.shape[1]
        if size % 2:
            diagonal = np.concatenate([diagonal, np.eye(d)[None]])
            upper = np.concatenate([upper, np.zeros((1, d, d))])
        root_inverse = _root_inverses(diagonal[1::2])
        # Odd block k couples to the even block before it by upper[k - 1].T, after it by upper[k].
        around = np.concatenate([np.swapaxes(upper[0::2], 1, 2), upper[1::2]], axis=2)
        couplings = root_inverse @ around
        couplings_t = np.ascontiguousarray(np.swapaxes(couplings, 1, 2))
        # D^-1 = inv(L).T inv(L): the Schur complement is a Gram matrix of the couplings.
        gram = couplings_t @ couplings
        reduced = diagonal[0::2] - gram[:, :d, :d]
        reduced[1:] -= gram[:-1, d:, d:]
        self._levels.append(
            _Level(
                size=size,
                odd_root_inverse=root_inverse,
                odd_root_inverse_t=np.ascontiguousarray(
                    np.swapaxes(root_inverse, 1, 2)
                ),
                left=np.ascontiguousarray(couplings[:, :, :d]),
                right=np.ascontiguousarray(couplings[:, :, d:]),
                couplings_t=couplings_t,
            )
        )
        return reduced, -gram[:, :d, d:]

    def solve(self, rhs: FloatArray) -> FloatArray:
        """The solution x for the right-hand side `rhs` (n, d)."""
        r = rhs[..., None]
        reached = []
        for level in self._levels:
            if level.size % 2:
                r = np.concatenate([r, np.zeros_like(r[:1])])
            # z = inv(L) r_odd; the even blocks lose what reaches them through each odd block.
            z = level.odd_root_inverse @ r[1::2]
            through = level.couplings_t @ z
            d = z.shape[1]
            reduced = r[0::2] - through[:, :d]
            reduced[1:] -= through[:-1, d:]
            reached.append(z)
            r = reduced
        x = np.linalg.solve(self._last, r.reshape(-1)).reshape(r.shape)
        for level, z in zip(reversed(self._levels), reversed(reached), strict=True):
            through = z - level.left @ x
            through[:-1] -= level.right[:-1] @ x[1:]
            odd_x = level.odd_root_inverse_t @ through
            full = np.empty((2 * len(x), *np.shape(x)[1:]))
            full[0::2] = x
            full[1::2] = odd_x
            x = full[: level.size]
        return x[..., 0]


def _root_inverses(blocks: FloatArray) -> FloatArray:
    """inv(L) for each block = L L^T, from one Cholesky factorisation of [[block, I], [I, c I]].

    The factor's lower left part is inv(L).T, found by forward substitution inside the
    factorisation (as stable as inverting L, and one batched call instead of two). Any c above
    the largest entry of inv(block) keeps the lower right part positive definite; the blocks have
    a unit diagonal, so c = 1e150 leaves room for blocks far closer to singular than the
    factorisation of the blocks themselves survives.
    """
    n, d = blocks.shape[0], blocks.shape[1]
    augmented = _frame(n, d).copy()
    augmented[:, :d, :d] = blocks
    factor = np.linalg.cholesky(augmented)
    return np.ascontiguousarray(np.swapaxes(factor[:, d:, :d], 1, 2))


@lru_cache(maxsize=32)
def _frame(n: int, d: int) -> FloatArray:
    """[[0, I], [I, c I]] for n blocks of size d (the caller copies it)."""
    frame = np.zeros((n, 2 * d, 2 * d))
    diagonal = np.arange(d)
    frame[:, diagonal + d, diagonal] = 1.0
    frame[:, diagonal, diagonal + d] = 1.0
    frame[:, diagonal + d, diagonal + d] = _FAR
    frame.flags.writeable = False
    return frame
