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
    odd_root_inverse_t: FloatArray  # inv(L).T, L the odd blocks' Cholesky factors
    couplings_t: FloatArray  # (inv(L) [lower | upper]).T: to the even blocks around


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
        root_inverse_t = _root_inverses_t(diagonal[1::2])
        # Odd block k couples to the even block before it by upper[k - 1].T, after it by upper[k].
        around_t = np.concatenate([upper[0::2], np.swapaxes(upper[1::2], 1, 2)], axis=1)
        couplings_t = around_t @ root_inverse_t
        # D^-1 = inv(L).T inv(L): the Schur complement is a Gram matrix of the couplings.
        gram = couplings_t @ np.swapaxes(couplings_t, 1, 2)
        reduced = diagonal[0::2] - gram[:, :d, :d]
        reduced[1:] -= gram[:-1, d:, d:]
        self._levels.append(
            _Level(
                size=size, odd_root_inverse_t=root_inverse_t, couplings_t=couplings_t
            )
        )
        return reduced, -gram[:, :d, d:]

    def solve(self, rhs: FloatArray) -> FloatArray:
        """The solution x for the right-hand side `rhs` (n, d)."""
        r = rhs
        reached = []
        for level in self._levels:
            if level.size % 2:
                r = np.concatenate([r, np.zeros_like(r[:1])])
            # z = inv(L) r_odd; the even blocks lose what reaches them through each odd block.
            z = (r[1::2, None, :] @ level.odd_root_inverse_t)[:, 0]
            through = (level.couplings_t @ z[:, :, None])[:, :, 0]
            d = z.shape[1]
            reduced = r[0::2] - through[:, :d]
            reduced[1:] -= through[:-1, d:]
            reached.append(z)
            r = reduced
        x = np.linalg.solve(self._last, r.reshape(-1)).reshape(r.shape)
        for level, z in zip(reversed(self._levels), reversed(reached), strict=True):
            n, d = z.shape
            around = np.zeros((n, 1, 2 * d))
            around[:, 0, :d] = x
            around[:-1, 0, d:] = x[1:]
            through = z - (around @ level.couplings_t)[:, 0]
            full = np.empty((2 * n, d))
            full[0::2] = x
            full[1::2] = (level.odd_root_inverse_t @ through[:, :, None])[:, :, 0]
            x = full[: level.size]
        return x


def _root_inverses_t(blocks: FloatArray) -> FloatArray:
    """inv(L).T for each block = L L^T, from one Cholesky factorisation of [[block, I], [I, c I]].

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
    return np.ascontiguousarray(factor[:, d:, :d])


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
