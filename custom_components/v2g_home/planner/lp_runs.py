"""Reserve variables per run of slots that hold the same kW, and the row groups they lie in.

The slots of one bid block hold the same reserve: one variable serves the whole run, where one
per slot needs a row per slot tying it to the one before. Rows are grouped by at most
`_GROUP_SLOTS` slots, cut wherever a run starts; a variable's rows may lie in two neighbouring
groups (GroupedRows), so an hour of quarter hours fits. Should a run reach further (a 4-hour
block in quarter hours), every slot gets its own variable and group, tied by link rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from .array_types import BoolArray, IntArray

_GROUP_SLOTS = 2  # slots per row group at most


@dataclass(frozen=True, kw_only=True)
class Runs:
    """Each slot's reserve variable and row group (m devices x P products x T slots)."""

    index: IntArray  # (m, P, T): the variable holding each slot's reserve, -1 where none is held
    count: int  # variables
    group: IntArray  # (T,): the row group of each slot
    n_groups: int
    links: BoolArray  # (m, P, T): the variable continues the one before (a link row)


def reserve_runs(held: BoolArray, linked: BoolArray) -> Runs:
    """The runs of `held` (m, P, T) along `linked` (P, T: same block as the slot before)."""
    before = np.zeros_like(held)
    before[..., 1:] = held[..., :-1]
    continues = held & linked[None] & before
    t_count = held.shape[-1]
    starts = cast("list[bool]", (held & ~continues).any(axis=(0, 1)).tolist())
    cut = np.zeros(t_count, dtype=bool)
    in_group = 0
    for t, start in enumerate(starts):
        if t == 0 or start or in_group >= _GROUP_SLOTS:
            cut[t] = True
            in_group = 0
        in_group += 1
    group = np.cumsum(cut) - 1
    runs = _numbered(held, held & ~continues, group, np.zeros_like(held))
    first = np.full(runs.count, t_count)
    last = np.full(runs.count, -1)
    where = np.broadcast_to(group, held.shape)[held]
    np.minimum.at(first, runs.index[held], where)
    np.maximum.at(last, runs.index[held], where)
    if np.all(last - first <= 1):
        return runs
    return _numbered(held, held, np.arange(t_count), continues)


def _numbered(
    held: BoolArray, new: BoolArray, group: IntArray, links: BoolArray
) -> Runs:
    """A variable from every slot in `new` on, as long as `held` lasts."""
    numbers = np.cumsum(new.ravel()).reshape(held.shape) - 1
    return Runs(
        index=np.where(held, numbers, -1),
        count=int(new.sum()),
        group=group,
        n_groups=int(group[-1]) + 1 if group.size else 0,
        links=links,
    )
