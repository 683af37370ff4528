"""One disclosure rule for every aggregate a focal point can reach.

A count of people from 1 to `threshold` - 1 (app setting AGGREGATE_THRESHOLD, 5 by default) is
hidden, and so is every figure resting on it (a share, its interval, a mean); then enough other
counts besides that no hidden one can be worked out from a total (secondary suppression). The
rule itself is `suppress`, over `analysis.disclosure.suppress_table`; everything else here applies
it to what is shown:

- `hidden_keys`: groups of one partition (the explorer's cells by group, each group's n);
- `Disclosure`: the presentation model (cards, figures, tables), for the dashboard's pages and the
  plenary report alike. A table says which of its cells are counts of people (`Row.counts`), what
  each row's figures rest on (`Row.base`) and which column derives from which count
  (`Table.rests_on`); a chart whose table lost a cell is not drawn, its table is shown instead;
- the focal point's survey tables (`exports.aggregates`) call `suppress` on their counts.

The secretariat's views are not suppressed.
"""

from __future__ import annotations

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


def suppress(counts: pd.DataFrame, threshold: int) -> SuppressedTable:
    """The rule: primary suppression of counts 0 < n < threshold, then secondary suppression so that
    no hidden count follows from the row and column totals (which the result adds)."""
    return suppress_table(counts, threshold)


def hidden_keys(counts: Mapping[Hashable, int], threshold: int) -> set:
    """The keys whose count the rule hides, the counts being groups of one partition (their total
    is public): each small one, and another beside a lone small one."""
    keys = list(counts)
    if not keys:
        return set()
    table = suppress(pd.DataFrame({"n": [int(counts[key]) for key in keys]}), threshold)
    mask = (table.primary | table.secondary).to_numpy()[:-1, 0]
    return {key for key, hidden in zip(keys, mask) if hidden}


def hidden_cells(matrix: np.ndarray, threshold: int) -> np.ndarray:
    """Which cells of a matrix of counts the rule hides (its totals left out)."""
    table = suppress(pd.DataFrame(np.asarray(matrix, dtype="int64")), threshold)
    return (table.primary | table.secondary).to_numpy()[:-1, :-1]


def suppression_note(threshold: int) -> str:
    return _(
        "%(mark)s marks a count of fewer than %(threshold)s respondents, or one that would let such a count be "
        "worked out from the totals.",
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
            derived: dict[int, list[int]] = {}
            for figure, counts in table.rests_on.items():
                for count in counts:
                    derived.setdefault(count, []).append(figure)
            for index, position in zip(*np.nonzero(hidden_cells(matrix, self.threshold))):
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
