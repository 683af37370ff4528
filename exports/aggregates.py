"""Aggregate tables of one country's survey respondents, for the country's national focal point.

For each closed question of a wave (every `select_one`, and each choice of every
`select_multiple`) a table counts the country's respondents by answer (rows) and by a profile
characteristic (columns), with totals. Counts under the threshold are suppressed, and enough
others besides that no suppressed count can be worked out from the totals, by the one rule every
focal-point output uses (`presentation.disclosure.suppress`): a focal point learns what their country said without
being able to single anyone out.

Labels are in the reader's language: question and choice texts from the survey's own
six-language labels, groups from the translated controlled lists (`presentation.labels.Labeller`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, select

from analysis.disclosure import SuppressedTable
from presentation.disclosure import SUPPRESSED_MARK, suppress, suppression_note, threshold
from presentation.labels import UNKNOWN, VOCABULARIES, Labeller
from surveys import waves as wave_states
from surveys.frame import question_catalog, responses_frame
from surveys.models import Wave

BREAKDOWNS = ("category", "gender", "stakeholder_type")
__all__ = ["SUPPRESSED_MARK", "country_tables", "download_rows", "suppression_note", "table_waves", "threshold"]
_TABLE_TYPES = ("select_one", "select_multiple")


@dataclass(frozen=True)
class CountTable:
    """One question's (or one choice's) counts, as shown: `None` marks a suppressed cell."""

    question: str  # the question's name
    title: str  # the question's text
    choice: str | None  # for a select_multiple: the label of the choice counted
    rows: tuple[str, ...]  # answer labels, the total's last
    columns: tuple[str, ...]  # group labels, the total's last
    cells: tuple[tuple[int | None, ...], ...]
    suppression: SuppressedTable

    @property
    def suppressed(self) -> int:
        return sum(value is None for row in self.cells for value in row)


def table_waves(session: Session) -> list[Wave]:
    """Waves that have been answered (open or closed), newest first."""
    rows = session.exec(select(Wave).where(Wave.status != "draft").order_by(Wave.opens_at.desc(), Wave.id.desc())).all()
    return [wave for wave in rows if wave_states.state(wave) in ("open", "closed")]


def country_tables(
    session: Session, wave_id: int, country: str, breakdown: str, lang: str, threshold: int = 5
) -> list[CountTable]:
    """The tables of `country`'s submitted responses to wave `wave_id`, broken down by `breakdown`
    (one of BREAKDOWNS), labelled in `lang`. No table when the country has no respondent."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    frame = responses_frame(session, [wave_id], include_pii=False)
    frame = frame[(frame["country"] == country).to_numpy()]
    if frame.empty:
        return []
    catalog = question_catalog(session, [wave_id])
    groups = _group_codes(frame[breakdown], breakdown)
    group_of = pd.Index(groups).get_indexer(_codes(frame[breakdown]))
    with force_locale(lang):
        labeller = Labeller(lang)
        group_labels = tuple(labeller.code(breakdown, code) for code in groups)
        tables = []
        for question in catalog.itertuples(index=False):
            if question.type not in _TABLE_TYPES or question.pii or question.profile:
                continue
            title = labeller.text(question.labels, question.name)
            choice_labels = {name: labeller.text(labels, name) for name, labels in question.choices.items()}
            if question.type == "select_one":
                answers = frame[question.columns[0]]
                counts = _counts(np.asarray(answers.cat.codes), len(answers.cat.categories), group_of, len(groups))
                table = _table(
                    question.name,
                    title,
                    None,
                    [choice_labels.get(name, name) for name in answers.cat.categories],
                    group_labels,
                    counts,
                    threshold,
                )
                if table is not None:
                    tables.append(table)
                continue
            for name, column in zip(question.choices, question.columns):
                chosen = frame[column].to_numpy(dtype=float)
                # Row 0 counts who chose it, row 1 who answered without it; not answered counts nowhere.
                rows = np.where(np.isnan(chosen), -1, np.where(chosen == 1, 0, 1))
                counts = _counts(rows, 2, group_of, len(groups))
                table = _table(
                    question.name,
                    title,
                    choice_labels[name],
                    [_("Selected"), _("Not selected")],
                    group_labels,
                    counts,
                    threshold,
                )
                if table is not None:
                    tables.append(table)
    return tables


def _codes(values: pd.Series) -> list[str]:
    return [UNKNOWN if pd.isna(value) or value == "" else str(value) for value in values.astype(object)]


def _group_codes(values: pd.Series, breakdown: str) -> list[str]:
    """The groups present, in the controlled list's order; codes outside it next; unknown last."""
    present = set(_codes(values))
    listed = VOCABULARIES[breakdown].codes
    ordered = [code for code in listed if code in present]
    ordered += sorted(present - set(listed) - {UNKNOWN})
    return ordered + ([UNKNOWN] if UNKNOWN in present else [])


def _counts(rows: np.ndarray, n_rows: int, columns: np.ndarray, n_columns: int) -> np.ndarray:
    """A n_rows x n_columns matrix counting the records by (row, column); rows < 0 are left out."""
    kept = rows >= 0
    flat = rows[kept].astype(np.int64) * n_columns + columns[kept]
    return np.bincount(flat, minlength=n_rows * n_columns).reshape(n_rows, n_columns)


def _table(
    question: str,
    title: str,
    choice: str | None,
    row_labels: Sequence[str],
    group_labels: Sequence[str],
    counts: np.ndarray,
    threshold: int,
) -> CountTable | None:
    if counts.sum() == 0:
        return None  # nobody from the country answered it
    # Positions, not labels, index the frame: a choice could be named like the totals.
    suppression = suppress(pd.DataFrame(counts), threshold)
    masked = suppression.masked()
    cells = tuple(
        tuple(None if value is None or pd.isna(value) else int(value) for value in row)
        for row in masked.itertuples(index=False)
    )
    return CountTable(
        question=question,
        title=title,
        choice=choice,
        rows=(*row_labels, _("Total")),
        columns=(*group_labels, _("Total")),
        cells=cells,
        suppression=suppression,
    )


def download_rows(tables: Iterable[CountTable], lang: str, threshold: int) -> tuple[list[str], list[list]]:
    """(header, rows) of every table stacked in one sheet, for core.tabular. Every table of one call
    has the same columns, so one header serves all; suppressed cells hold SUPPRESSED_MARK."""
    tables = list(tables)
    with force_locale(lang):
        groups = list(tables[0].columns) if tables else [_("Total")]
        header = [_("Question"), _("Choice"), _("Answer"), *groups]
        rows = [
            [table.title, table.choice or "", label, *(SUPPRESSED_MARK if value is None else value for value in cells)]
            for table in tables
            for label, cells in zip(table.rows, table.cells)
        ]
        rows += [[], [suppression_note(threshold)]]
    return header, rows
