"""Collect constraint rows family by family (one row per slot of a family), then number them by slot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .lp_sparse import GroupedRows

if TYPE_CHECKING:
    from .array_types import FloatArray, IntArray


Term = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]  # columns, values: one per row


class RowFamilies:
    """Rows added as families; each row lives in the group (slot) it is added for.

    A family with `slack` gets one new column per row (bounds 0 and up, numbered after the
    columns given): +1 makes the row "terms <= rhs", -1 "terms >= rhs".
    """

    def __init__(self, *, n_groups: int, n_columns: int) -> None:
        """Start with no rows."""
        self.n_groups = n_groups
        self.n_columns = n_columns
        self._given = n_columns
        self._filled = np.zeros(n_groups, dtype=int)
        self._groups: list[IntArray] = []
        self._positions: list[IntArray] = []
        self._rhs: list[FloatArray] = []
        self._entries: list[
            tuple[IntArray, IntArray, FloatArray]
        ] = []  # (family row, col, val)
        self._row_count = 0

    def add(
        self,
        groups: IntArray,
        rhs: FloatArray,
        terms: list[Term],
        *,
        slack: float = 0.0,
    ) -> None:
        """One row per entry of `groups`; each term gives a column and a value per row."""
        count = groups.size
        order = np.argsort(groups, kind="stable")
        ordered = groups[order]
        rank = np.empty(count, dtype=int)
        rank[order] = np.arange(count) - np.searchsorted(ordered, ordered, side="left")
        positions = self._filled[groups] + rank
        self._filled += np.bincount(groups, minlength=self.n_groups)
        first = self._row_count
        rows = first + np.arange(count)
        for columns, values in terms:
            self._entries.append(
                (rows, np.asarray(columns, dtype=int), np.asarray(values, dtype=float))
            )
        if slack:
            slacks = self.n_columns + np.arange(count)
            self.n_columns += count
            self._entries.append((rows, slacks, np.full(count, slack)))
        self._groups.append(groups.astype(int))
        self._positions.append(positions)
        self._rhs.append(np.asarray(rhs, dtype=float))
        self._row_count += count

    def finish(self) -> tuple[GroupedRows, FloatArray, int]:
        """The rows numbered group x size + position, the padded right-hand side, slacks added."""
        size = max(int(self._filled.max(initial=0)), 1)
        number = np.concatenate(self._groups) * size + np.concatenate(self._positions)
        rhs = np.zeros(self.n_groups * size)
        rhs[number] = np.concatenate(self._rhs)
        rows = np.concatenate([r for r, _, _ in self._entries])
        columns = np.concatenate([c for _, c, _ in self._entries])
        values = np.concatenate([v for _, _, v in self._entries])
        nonzero = values != 0.0
        grouped = GroupedRows(
            n_groups=self.n_groups,
            size=size,
            n_columns=self.n_columns,
            entries=(number[rows[nonzero]], columns[nonzero], values[nonzero]),
        )
        return grouped, rhs, self.n_columns - self._given
