"""An import of past responses from end to end, as the page, its jobs and the command run it:
read the file, propose a mapping (the one kept for its shape first), check every row (in steps,
reporting progress), and add the registry's refusals (one response per stakeholder per wave).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from surveys.definition import Definition
from surveys.models import InstrumentVersion, Wave
from surveys.response_import import checking, dates, mapping, reading, storing, timestamps
from surveys.response_import.plan import ImportProblem, Mapping, Preview, SourceFile

STEP = 5_000  # rows checked between two progress reports
SHOWN_PROBLEMS = 1_000  # problems a report lists (the counts are complete)

Progress = Callable[[int, int], None]


def definition_of(session: Session, wave: Wave) -> Definition:
    return Definition.from_dict(session.get(InstrumentVersion, wave.version_id).definition)


def read(content: bytes, file_name: str) -> tuple[SourceFile, list[dict[str, str]]]:
    """The file's description and rows; `core.imports.tables.TableError` when it cannot be read."""
    return reading.read_export(content, file_name)


def propose(
    session: Session, wave: Wave, source: SourceFile, rows: list[dict[str, str]], *, distinct: dict | None = None
) -> tuple[Mapping, bool]:
    """The mapping to offer, and whether a mapping kept for a file of this shape was used; `distinct`:
    `values.distinct_values(rows)` when the caller has it."""
    saved = storing.saved_mapping(session, wave=wave, signature=source.signature)
    proposed = mapping.propose_mapping(source, rows, definition_of(session, wave), saved=saved, distinct=distinct)
    return proposed, saved is not None


def check(
    session: Session,
    wave: Wave,
    source: SourceFile,
    rows: list[dict[str, str]],
    chosen: Mapping,
    *,
    progress: Progress | None = None,
) -> Preview:
    """Every row checked against `chosen`, then against the registry; progress as rows done of the total.
    Date answers are rewritten in `rows` as ISO dates (see `dates.rewrite_answers`)."""
    definition = definition_of(session, wave)
    lookups = checking.Lookups.from_reference()
    preview = Preview(source=source, mapping=chosen)
    times, preview.problems, preview.date_formats = timestamps.read(rows, chosen)  # the time columns apart
    written = dates.rewrite_answers(rows, chosen, definition)  # date answers in any format, as ISO
    preview.problems.extend(written.problems)
    preview.date_formats.update(written.formats)
    refused_dates = {(problem.row, problem.column) for problem in written.problems}
    checked = timestamps.without_times(chosen)
    for start in range(0, len(rows), STEP):
        part = checking.check(source, rows[start : start + STEP], checked, definition, lookups)
        preview.rows.extend(timestamps.with_times(part.rows, times))
        preview.problems.extend(p for p in part.problems if (p.row, p.column) not in refused_dates)
        if progress is not None:
            progress(min(start + STEP, len(rows)), len(rows))
    preview.problems.extend(storing.registry_problems(session, wave, preview))
    preview.problems.sort(key=lambda problem: (problem.row, _column_order(source, problem.column)))
    return preview


def _column_order(source: SourceFile, column: str) -> int:
    return source.columns.index(column) if column in source.columns else len(source.columns)


def header_of(source: SourceFile, column: str) -> str:
    """The column as the file names it (its header), for messages."""
    if column in source.columns:
        return source.headers[source.columns.index(column)] or column
    return column


def problem_dicts(source: SourceFile, problems: list[ImportProblem], limit: int = SHOWN_PROBLEMS) -> list[dict]:
    return [
        {
            "row": p.row,
            "column": p.column,
            "header": header_of(source, p.column),
            "kind": p.kind,
            "message": str(p.message),
        }
        for p in problems[:limit]
    ]


def summary(preview: Preview) -> dict:
    """What a check found, as JSON for the job's result and the command's report."""
    source = preview.source
    refused = preview.refused_rows
    return {
        "file_name": source.file_name,
        "sha256": source.sha256,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "shape": source.shape,
        "rows": source.rows,
        "accepted": len([row for row in preview.rows if row.row not in refused]),
        "refused": len(refused),
        "counts": preview.counts_by_kind(),
        "problem_total": len(preview.problems),
        "problems": problem_dicts(source, preview.problems),
        "identical_columns": [list(pair) for pair in source.identical_columns],
        "repaired_headers": [list(pair) for pair in source.repaired_headers],
        "date_formats": [[header_of(source, key), text] for key, text in preview.date_formats.items()],
    }
