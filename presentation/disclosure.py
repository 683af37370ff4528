"""One disclosure rule for every aggregate a focal point can reach.

A count of people from 1 to `threshold` - 1 (app setting AGGREGATE_THRESHOLD, 5 by default) is
hidden, and so is every figure resting on it (a share, its interval, a mean); then enough other
counts besides that no hidden one can be worked out from a total (secondary suppression). The
rule itself is `suppress`, over `analysis.disclosure.suppress_table`; everything else here applies
it to what is shown:

- `hidden_keys`: groups of one partition (the explorer's cells by group, each group's n);
- `hidden_share_keys`: the explorer's shares, by group and answer;
- `Disclosure`: the presentation model (cards, figures, tables), for the dashboard's pages and the
  plenary report alike. A table says which of its cells are counts of people (`Row.counts`), what
  each row's figures rest on (`Row.base`, which the row's counts are out of) and which column
  derives from which count (`Table.rests_on`); a chart whose table lost a cell is not drawn, its
  table is shown instead;
- the focal point's survey tables (`exports.aggregates`) call `suppress` on their counts.

A share shows a count of people twice over: those who chose it and those who did not (9 of 10
says that 1 person did not). So a share is hidden when either count is from 1 to `threshold` - 1
(`left_out`, `hidden_shares`): for a multiple-choice question each choice is its own yes/no, "chose"
and "did not choose" two cells of the group's n; for a single-choice question the choices are the
cells of one partition of n, and a choice that leaves out 1 to 4 people is hidden too (secondary
suppression alone protects each other choice, not their sum: 18, 1 and 1 of 20 would still say that
2 people chose something else).

The secretariat's views are not suppressed.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from flask import current_app
from flask_babel import gettext as _

from analysis.disclosure import SuppressedTable, suppress_table
from presentation.model import Card, Section, Table

SUPPRESSED_MARK = "–"
DEFAULT_THRESHOLD = 5


def threshold() -> int:
    """Counts from 1 to this minus one are hidden from focal points (app setting AGGREGATE_THRESHOLD)."""
    return int(current_app.config.get("AGGREGATE_THRESHOLD", DEFAULT_THRESHOLD))


def suppress(counts: pd.DataFrame, threshold: int, also: np.ndarray | None = None) -> SuppressedTable:
    """The rule: primary suppression of counts 0 < n < threshold (and of the positive cells `also`
    marks, such as a count leaving out few people of its base), then secondary suppression so that
    no hidden count follows from the row and column totals (which the result adds)."""
    return suppress_table(counts, threshold, also=also)


def hidden_keys(counts: Mapping[Hashable, int], threshold: int) -> set:
    """The keys whose count the rule hides, the counts being groups of one partition (their total
    is public): each small one, and another beside a lone small one."""
    keys = list(counts)
    if not keys:
        return set()
    table = suppress(pd.DataFrame({"n": [int(counts[key]) for key in keys]}), threshold)
    mask = (table.primary | table.secondary).to_numpy()[:-1, 0]
    return {key for key, hidden in zip(keys, mask) if hidden}


def hidden_cells(matrix: np.ndarray, threshold: int, also: np.ndarray | None = None) -> np.ndarray:
    """Which cells of a matrix of counts the rule hides (its totals left out)."""
    table = suppress(pd.DataFrame(np.asarray(matrix, dtype="int64")), threshold, also)
    return (table.primary | table.secondary).to_numpy()[:-1, :-1]


def chosen(share, n, count=None) -> int | None:
    """The people a share counts: its unweighted `count` where the result has one, else the share
    times its base `n`, rounded (a weighted share's estimated count); None when neither is known."""
    people = _number(count)
    if people is None:
        base, part = _number(n), _number(share)
        people = None if base is None or part is None else part * base
    return None if people is None else int(round(people))


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def left_out(counts: np.ndarray, bases: np.ndarray, threshold: int) -> np.ndarray:
    """Which counts of people (a row's counts out of its base, one base a row) leave out 1 to
    `threshold` - 1 people of it: a share of 9 in 10 says that 1 person did not choose it."""
    counts = np.asarray(counts, dtype="int64")
    rest = np.asarray(bases, dtype="int64").reshape(-1, 1) - counts
    return (counts > 0) & (rest > 0) & (rest < threshold)


def hidden_shares(
    counts: np.ndarray, bases: np.ndarray, threshold: int, *, exclusive: bool, hidden_rows=None
) -> np.ndarray:
    """Which shares `counts[g, i]` of `bases[g]` (a row per group, a column per choice) the rule hides:
    those counting, or leaving out, 1 to `threshold` - 1 people, and enough others that none of
    them follows from the rest and the totals. `exclusive`: the choices of a single-choice question,
    each row one partition of its base (those who gave none of them make up the difference);
    otherwise each choice is its own yes/no, chose and did not choose two cells of the base.
    `hidden_rows`: groups hidden whole already (too few in them), which the others must protect too."""
    counts = np.asarray(counts, dtype="int64")
    if not counts.size:
        return np.zeros(counts.shape, dtype=bool)
    bases = np.maximum(
        np.asarray(bases, dtype="int64"), counts.sum(axis=1) if exclusive else counts.max(axis=1, initial=0)
    )
    rows = (
        np.zeros((len(bases), 1), dtype=bool)
        if hidden_rows is None
        else np.asarray(hidden_rows, dtype=bool).reshape(-1, 1)
    )
    if exclusive:
        matrix = np.column_stack([counts, bases - counts.sum(axis=1)])
        also = np.column_stack([left_out(counts, bases, threshold), np.zeros_like(rows)]) | rows
        return hidden_cells(matrix, threshold, also)[:, : counts.shape[1]]
    hidden = np.zeros(counts.shape, dtype=bool)
    for column in range(counts.shape[1]):
        matrix = np.column_stack([counts[:, column], bases - counts[:, column]])
        mask = hidden_cells(matrix, threshold, np.repeat(rows, 2, axis=1))
        hidden[:, column] = mask[:, 0] | mask[:, 1]  # either count gives the other away with n
    return hidden


def hidden_share_keys(
    counts: Mapping[tuple[Hashable, Hashable], int],
    bases: Mapping[Hashable, int],
    threshold: int,
    *,
    exclusive: bool,
    hidden_groups: Iterable[Hashable] = (),
) -> set:
    """`hidden_shares` over keyed counts, (group, item) -> the people who chose the item and
    group -> its base (the explorer's cells): the (group, item) keys it hides."""
    groups = list(bases)
    items = list(dict.fromkeys(item for _group, item in counts))
    row, column = {g: i for i, g in enumerate(groups)}, {item: j for j, item in enumerate(items)}
    matrix = np.zeros((len(groups), len(items)), dtype="int64")
    for (group, item), count in counts.items():
        matrix[row[group], column[item]] = count
    hidden_groups = set(hidden_groups)
    mask = hidden_shares(
        matrix,
        np.array([bases[g] for g in groups], dtype="int64"),
        threshold,
        exclusive=exclusive,
        hidden_rows=[g in hidden_groups for g in groups],
    )
    return {(groups[i], items[j]) for i, j in zip(*np.nonzero(mask))}


def suppression_note(threshold: int) -> str:
    return _(
        "%(mark)s marks a count of fewer than %(threshold)s respondents, a share that fewer than %(threshold)s "
        "respondents chose or did not choose, or a cell that would let one of these be worked out from the totals.",
        mark=SUPPRESSED_MARK,
        threshold=threshold,
    )


@dataclass(frozen=True)
class Disclosure:
    """The rule applied to the presentation model, in place; `sections` is the entry point."""

    threshold: int

    def small(self, n) -> bool:
        return n is not None and 0 < int(n) < self.threshold

    def sections(self, sections: Iterable[Section]) -> list[Section]:
        return [self.section(section) for section in sections]

    def section(self, section: Section) -> Section:
        changed = False
        if section.card is not None:
            card = self.card(section.card)
            changed = card is not section.card
            section.card = card
        figures, shown_as_tables = [], []
        for figure in section.figures:
            if figure.table is not None:
                if self.table(figure.table):
                    shown_as_tables.append(figure.table)  # the chart would draw what the table hides
                    changed = True
                    continue
            elif not figure.bases or any(self.small(n) for n in figure.bases):
                changed = True  # a chart that does not say what it rests on, or rests on too few
                continue
            figures.append(figure)
        section.figures = figures
        for table in section.tables:
            changed = self.table(table) or changed
        section.tables = shown_as_tables + section.tables
        if changed:
            section.notes.append(suppression_note(self.threshold))
        return section

    def card(self, card: Card) -> Card:
        if not self.small(card.n):
            return card
        return replace(
            card,
            value=SUPPRESSED_MARK,
            change=_("Not shown: it rests on fewer than %(threshold)s people.", threshold=self.threshold),
            status="no_data",
            status_label=_("No data"),
            symbol="–",
            base=_("n: fewer than %(threshold)s", threshold=self.threshold),
            small=True,
            number=None,
            change_number=None,
        )

    def table(self, table: Table) -> bool:
        """Hide the table's small counts and what rests on them; whether anything was hidden."""
        rows = table.rows
        figures = range(table.text_columns, len(table.columns))
        hide: list[set[int]] = [set() for _row in rows]
        based = {index: row.base for index, row in enumerate(rows) if row.base is not None}
        for index in hidden_keys(based, self.threshold):
            hide[index].update(figures)
        for index, row in enumerate(rows):
            if self.small(row.least):
                hide[index].update(figures)
        columns = sorted({column for row in rows for column in row.counts})
        if columns:
            matrix = np.array([[row.counts.get(column, 0) for column in columns] for row in rows])
            # A count in a row with a base is out of it: the people it leaves out are a count too.
            bases = np.array([-1 if row.base is None else row.base for row in rows])
            also = left_out(matrix, bases, self.threshold) & (bases >= 0).reshape(-1, 1)
            derived: dict[int, list[int]] = {}
            for figure, counts in table.rests_on.items():
                for count in counts:
                    derived.setdefault(count, []).append(figure)
            for index, position in zip(*np.nonzero(hidden_cells(matrix, self.threshold, also))):
                column = columns[position]
                hide[index].update([column, *derived.get(column, [])])
        for row, hidden in zip(rows, hide):
            for column in hidden:
                if column < len(row.cells):
                    row.cells[column] = SUPPRESSED_MARK
        if table.note and any(self.small(n) for n in table.note_counts):
            table.note = ""
            return True
        return any(hide)
