"""A sparse constraint matrix whose rows are grouped by slot, and its block-tridiagonal normal equations.

Every column touches rows of one group or of two neighbouring groups, so A diag(theta) A^T is
block-tridiagonal over the groups. The columns are laid out once, densely per group (a column with
a single entry only adds to a diagonal); each interior-point step weighs them by theta and multiplies
them out in one batched product, then factorises the blocks by cyclic reduction
(blocktri_stable.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from .blocktri_stable import StableBlockTridiagonal as BlockTridiagonal

if TYPE_CHECKING:
    from .array_types import FloatArray, IntArray

_REGULARISE = 1e-14  # keeps a block invertible where every column of a row is fixed
_STEPS = 12  # conjugate-gradient steps at most per factorisation
_ACCURATE = 1e-10  # relative residual of a solve that needs no refinement
_GOOD = 1e-9  # relative residual good enough to keep the present damping
_DAMPINGS = (0.0, 1e-10)  # added to the unit diagonal, level by level


def _weighted_count(
    index: IntArray, *, weights: FloatArray, minlength: int
) -> FloatArray:
    """Sum of the weights per index (numpy bincount with weights, typed as floats)."""
    counted = np.bincount(index, weights=weights, minlength=minlength)
    return cast(
        "FloatArray", counted.astype(float, copy=False)
    )  # int when nothing is weighed


class GroupedRows:
    """A (rows x columns) with rows numbered group * size + position; rows without entries pad."""

    def __init__(
        self,
        *,
        n_groups: int,
        size: int,
        n_columns: int,
        entries: tuple[IntArray, IntArray, FloatArray],
    ) -> None:
        """Take the nonzeros (row, column, value) and lay the columns out group by group."""
        row, column, value = entries
        self.n_groups, self.size, self.n_columns = n_groups, size, n_columns
        self.row, self.column, self.value = row, column, value
        used = np.zeros(n_groups * size, dtype=bool)
        used[row] = True
        self.padding = ~used
        group = row // size
        home = np.full(n_columns, n_groups, dtype=int)
        np.minimum.at(home, column, group)
        if np.any(group - home[column] > 1):
            raise ValueError("a column links groups that are not neighbours")
        # A column with one entry adds only to its row's diagonal; the others (at most two
        # groups each) are kept densely per home group: (groups, 2 x size, columns there).
        counts = np.bincount(column, minlength=n_columns)
        alone = counts[column] == 1
        self._alone_row = row[alone]
        self._alone_column = column[alone]
        self._alone_square = value[alone] ** 2
        shared = np.flatnonzero(counts > 1)
        shared = shared[np.argsort(home[shared], kind="stable")]
        homes = home[shared]
        slot = np.arange(shared.size) - np.searchsorted(homes, homes, side="left")
        width = int(slot.max(initial=0)) + 1
        self._columns = np.zeros((n_groups, width), dtype=int)
        self._columns[homes, slot] = shared
        slot_of = np.zeros(n_columns, dtype=int)
        slot_of[shared] = slot
        together = ~alone
        where = home[column[together]]
        # Row within the home group's two, then the column's slot there (repeated entries add).
        place = (row[together] - where * size + where * 2 * size) * width + slot_of[
            column[together]
        ]
        self._dense = _weighted_count(
            place, weights=value[together], minlength=n_groups * 2 * size * width
        ).reshape(n_groups, 2 * size, width)
        self._dense_t = np.ascontiguousarray(np.swapaxes(self._dense, 1, 2))

    def times(self, x: FloatArray) -> FloatArray:
        """A x (padded rows are 0)."""
        result: FloatArray = _weighted_count(
            self.row, weights=self.value * x[self.column], minlength=self.padding.size
        )
        return result

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """A^T y."""
        result: FloatArray = _weighted_count(
            self.column, weights=self.value * y[self.row], minlength=self.n_columns
        )
        return result

    def normal_factor(self, theta: FloatArray) -> GroupedNormal:
        """Factorise A diag(theta) A^T (padding rows get a 1 on the diagonal)."""
        g, b = self.n_groups, self.size
        weighted = self._dense * theta[self._columns][:, None, :]
        products = (
            weighted @ self._dense_t
        )  # per home group: its rows and the next group's
        diagonal = products[:, :b, :b].copy()
        diagonal[1:] += products[:-1, b:, b:]
        upper = products[:, :b, b:].copy()
        alone = _weighted_count(
            self._alone_row,
            weights=self._alone_square * theta[self._alone_column],
            minlength=g * b,
        )
        own = diagonal.reshape(g, b * b)[:, :: b + 1]
        own += alone.reshape(g, b) + self.padding.reshape(g, b) + _REGULARISE
        # Scaled to a unit diagonal: theta spans many orders of magnitude near the optimum, and
        # the block inverses of cyclic reduction keep their digits only on a balanced matrix.
        scale = 1.0 / np.sqrt(own)
        diagonal *= scale[:, :, None] * scale[:, None, :]
        upper *= scale[:, :, None]
        upper[:-1] *= scale[1:, None, :]
        return GroupedNormal(diagonal, upper, scale=scale, rows=self, theta=theta)

    def normal_times(self, theta: FloatArray, y: FloatArray) -> FloatArray:
        """(A diag(theta) A^T + padding) y, without forming the matrix."""
        return self.times(theta * self.transposed_times(y)) + self.padding * y


class GroupedNormal:
    """A diag(theta) A^T, factorised (scaled to a unit diagonal, damped only where that is needed).

    Near the optimum the matrix is close to singular and cyclic reduction's block inverses lose
    digits. Each solve is refined against the undamped blocks; should the refined residual stay
    large, the factorisation is repeated with a little more on the diagonal (a damped system is a
    good preconditioner for the exact one) and the best answer is kept.
    """

    def __init__(
        self,
        diagonal: FloatArray,
        upper: FloatArray,
        *,
        scale: FloatArray,
        rows: GroupedRows,
        theta: FloatArray,
    ) -> None:
        """Factorise without damping first."""
        self._diagonal, self._upper = diagonal, upper
        self._lower = np.ascontiguousarray(np.swapaxes(upper[:-1], 1, 2))
        self._scale, self._rows, self._theta = scale, rows, theta
        self._level = -1
        self._system = self._next_system()

    def _next_system(self) -> BlockTridiagonal | None:
        """The factorisation at the next damping level (None once every level failed)."""
        while self._level + 1 < len(_DAMPINGS):
            self._level += 1
            diagonal = self._diagonal
            if _DAMPINGS[self._level]:
                diagonal = diagonal.copy()
                g, b = diagonal.shape[0], diagonal.shape[1]
                diagonal.reshape(g, b * b)[:, :: b + 1] += _DAMPINGS[self._level]
            try:
                return BlockTridiagonal(diagonal, self._upper)
            except np.linalg.LinAlgError:
                continue
        return None

    def solve(self, rhs: FloatArray, *, rough: bool = False) -> FloatArray:
        """The y with (A diag(theta) A^T) y = rhs: conjugate gradients, the factorisation as preconditioner.

        With an accurate factorisation the first step is the answer; where the matrix is nearly
        singular (a degenerate optimum) a few more steps win back the digits. Should they stall,
        the factorisation is repeated with more damping, and the best answer is kept. The steps run
        on the scaled system (y / scale); the residual is judged unscaled. `rough` takes the
        factorisation's answer as it is, unchecked.
        """
        scaled: FloatArray = rhs.reshape(self._scale.shape) * self._scale
        if rough and self._system is not None:
            answer: FloatArray = (self._system.solve(scaled) * self._scale).reshape(-1)
            return answer
        size = max(float(np.abs(rhs).max(initial=0.0)), 1e-300)
        best: FloatArray = np.zeros_like(scaled)
        best_error = 1.0
        while self._system is not None:
            y, error = self._conjugate_gradients(self._system, scaled, size)
            if error < best_error:
                best, best_error = y, error
            if best_error <= _GOOD:
                break
            self._system = self._next_system()
        result: FloatArray = (best * self._scale).reshape(-1)
        return result

    def _times(self, v: FloatArray) -> FloatArray:
        """The scaled, undamped matrix times v (groups x size), block by block."""
        out: FloatArray = (self._diagonal @ v[:, :, None])[:, :, 0]
        out[:-1] += (self._upper[:-1] @ v[1:, :, None])[:, :, 0]
        out[1:] += (self._lower @ v[:-1, :, None])[:, :, 0]
        return out

    def _conjugate_gradients(
        self, system: BlockTridiagonal, rhs: FloatArray, size: float
    ) -> tuple[FloatArray, float]:
        y = np.zeros_like(rhs)
        residual = rhs.copy()
        best, best_error = y, 1.0
        direction = preconditioned = system.solve(residual)
        product = float(np.vdot(residual, preconditioned))
        if not product > 0.0:
            return best, 0.0 if size <= 1e-300 else best_error
        for _ in range(_STEPS):
            applied = self._times(direction)
            curvature = float(np.vdot(direction, applied))
            if not curvature > 0.0 or not np.isfinite(curvature):
                break
            step = product / curvature
            y = y + step * direction
            residual = residual - step * applied
            error = float(np.abs(residual / self._scale).max(initial=0.0)) / size
            if not np.isfinite(error):
                break
            if error < best_error:
                best, best_error = y, error
            if error <= _ACCURATE:
                break
            preconditioned = system.solve(residual)
            following = float(np.vdot(residual, preconditioned))
            if not following > 0.0:
                break
            direction = preconditioned + (following / product) * direction
            product = following
        return best, best_error
