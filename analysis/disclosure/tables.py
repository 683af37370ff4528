"""Cell suppression for aggregate tables published to focal points.

Primary suppression hides every count with 0 < count < threshold, and any other positive cell the
caller marks (`also`: e.g. a count whose complement in its base is small). Secondary suppression then
makes sure no hidden cell can be worked out by subtraction from a row or column total: each
line of the table, the total row and total column included, that has a hidden cell gets at
least two, taking the smallest positive visible cell of that line (inner cells before totals,
and a cell that also completes its crossing line before others).
This is the classic line rule; it does not run the linear-programming audit of tools such as
tau-Argus, so an unusual pattern of hidden cells linking separate blocks can still narrow a
cell down. The totals are published unless they must be hidden themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TOTAL = "Total"


@dataclass
class SuppressedTable:
    counts: pd.DataFrame  # original counts with a "Total" row and column added
    primary: pd.DataFrame  # bool: 0 < count < threshold
    secondary: pd.DataFrame  # bool: also hidden so that no primary cell follows from the totals

    def masked(self) -> pd.DataFrame:
        """Counts as objects, None where hidden."""
        hidden = (self.primary | self.secondary).to_numpy()
        values = self.counts.astype(object).to_numpy()
        values[hidden] = None
        return pd.DataFrame(values, index=self.counts.index, columns=self.counts.columns, dtype=object)


def suppress_table(counts: pd.DataFrame, threshold: int = 5, also: np.ndarray | None = None) -> SuppressedTable:
    """`also`: a boolean mask shaped like `counts`, cells hidden besides the small ones (the positive
    ones among them are primary, protected by secondary suppression like the rest)."""
    if TOTAL in counts.index or TOTAL in counts.columns:
        raise ValueError(f"the table already has a {TOTAL!r} row or column")
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    if (counts.to_numpy() < 0).any():
        raise ValueError("counts cannot be negative")
    full = counts.copy()
    full[TOTAL] = full.sum(axis=1)
    full.loc[TOTAL] = full.sum(axis=0)
    values = full.to_numpy()
    primary = (values > 0) & (values < threshold)
    if also is not None:
        extra = np.zeros(values.shape, dtype=bool)
        extra[:-1, :-1] = np.asarray(also, dtype=bool)
        primary |= extra & (values > 0)
    hidden = _secondary(values, primary.copy())
    return SuppressedTable(
        counts=full,
        primary=pd.DataFrame(primary, index=full.index, columns=full.columns),
        secondary=pd.DataFrame(hidden & ~primary, index=full.index, columns=full.columns),
    )


def _secondary(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    rows, columns = values.shape
    # Inner cells are tier 0, totals tier 1, the grand total tier 2: hide inner cells first.
    tier = np.zeros(values.shape, dtype=np.int64)
    tier[-1, :] += 1
    tier[:, -1] += 1
    lines = [[(r, c) for c in range(columns)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(columns)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[cell] for cell in line) != 1:
                continue
            # A hidden cell is positive, so its line always has another positive cell (the total).
            visible = [cell for cell in line if not hidden[cell] and values[cell] > 0]
            # A cell whose crossing line also has a single hidden cell protects both lines at once.
            crossing = {cell: hidden[cell[0], :].sum() + hidden[:, cell[1]].sum() == 2 for cell in visible}
            cell = min(visible, key=lambda cell: (tier[cell], not crossing[cell], values[cell], cell))
            hidden[cell] = True
            changed = True
    return hidden
