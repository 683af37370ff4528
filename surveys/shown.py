"""Who was shown a question behind a `relevant` condition.

A multiple-choice question whose shares are "of respondents shown the question" (base `shown`)
needs, for a conditional question, to know who was shown it: an empty answer does not say whether
the respondent skipped it or never saw it. At submission the questions that apply are known
(`answering.relevant_questions`), so the response records the names of the conditional ones it was
shown (`Response.shown`, a short JSON list: unconditional questions are shown to everyone the wave
asks and are not listed). A response submitted before this was recorded has None: unknown.

The frame then holds, for each conditional select_multiple question with base `shown`, a column
`analysis.catalog.shown_column(name)`: 1 shown, 0 not shown, NaN unknown. The catalog says whether
every response of the waves that asked it has its record (`CatalogQuestion.shown_recorded`); when
one has not, its shares fall back to respondents who answered, with a note (`analysis.catalog`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from analysis.catalog import SHOWN, shown_column
from surveys import answering
from surveys.definition import Definition, Grid
from surveys.models import Response


def conditional_names(definition: Definition) -> set[str]:
    """The questions shown only when a `relevant` condition holds (their own, their grid's or page's)."""
    found = set()
    for page in definition.pages:
        for item in page.items:
            rows = item.questions if isinstance(item, Grid) else (item,)
            for question in rows:
                if any(x.relevant for x in (page, item, question) if x is not None):
                    found.add(question.name)
    return found


def shown_at_submission(definition: Definition, raw: Mapping[str, answering.Raw], *, registry: bool) -> list[str]:
    """What `Response.shown` records: the conditional questions that apply given all answers, in form order."""
    conditional = conditional_names(definition)
    if not conditional:
        return []
    values = answering.typed_values(definition, raw)
    return [
        q.name for q in answering.relevant_questions(definition, values, registry=registry) if q.name in conditional
    ]


def _needs_record(entry) -> bool:
    return entry.type == "select_multiple" and entry.conditional and entry.base == SHOWN


def mark_recorded(connection, catalog: Sequence) -> None:
    """Set `shown_recorded` on the catalog's conditional select_multiple questions with base `shown`:
    whether every submitted response of the waves that asked it recorded what it was shown."""
    for entry in catalog:
        if not _needs_record(entry) or not entry.waves:
            continue
        unknown = connection.execute(
            select(func.count())
            .select_from(Response.__table__)
            .where(
                Response.__table__.c.wave_id.in_(entry.waves),
                Response.__table__.c.status == "submitted",
                Response.__table__.c.shown.is_(None),
            )
        ).scalar_one()
        entry.shown_recorded = unknown == 0


def frame_columns(connection, wave_ids: Sequence[int], catalog: Sequence, response_ids: pd.Index) -> dict:
    """The frame's shown columns (see the module docstring), aligned with `response_ids`."""
    wanted = [entry.name for entry in catalog if _needs_record(entry)]
    if not wanted or not len(response_ids):
        return {}
    table = Response.__table__
    rows = connection.execute(
        select(table.c.id, table.c.shown).where(table.c.wave_id.in_(list(wave_ids)), table.c.status == "submitted")
    ).all()
    at = response_ids.get_indexer([row.id for row in rows])
    columns = {name: np.full(len(response_ids), np.nan) for name in wanted}
    for position, row in zip(at, rows):
        if position < 0 or row.shown is None:
            continue
        names = set(row.shown)
        for name in wanted:
            columns[name][position] = 1.0 if name in names else 0.0
    return {shown_column(name): values for name, values in columns.items()}
