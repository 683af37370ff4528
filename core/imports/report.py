"""Checking an uploaded file: its header against the documented columns, then every row.

The result is a `Report`: every problem names its row and column, and every valid row is a
`Plan` (create or update) that the importer writes only when no row has a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from core.imports.cells import Cells, Kind, RowProblem
from core.imports.tables import Row, Table, column_key, read_table

PREVIEW_ROWS = 20
PROGRESS_EVERY = 500  # rows checked between two progress reports
STORED_PROBLEMS = 1000  # problems kept in a stored report (the pages list at most these)


@dataclass
class Plan:
    """A valid row, resolved against the database, ready to write."""

    row: int
    action: str  # "create" or "update"
    apply: Callable[[Session], None] | None = None
    # Runs for every plan before any `apply`, followed by one flush: rows can be inserted in batches.
    prepare: Callable[[Session], None] | None = None
    # Instead of `apply`: `write_many(session, values)` writes the `values` of a batch of plans at once.
    write_many: Callable[[Session, list], None] | None = None
    values: object = None


@dataclass
class PreviewRow:
    number: int
    values: list[str]
    action: str | None  # None when the row has a problem


@dataclass
class Report:
    kind: str
    header: list[str]
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    @property
    def created(self) -> int:
        return sum(1 for p in self.plans if p.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for p in self.plans if p.action == "update")


def check_file(
    *,
    spec: Kind,
    content: bytes,
    plans: Callable[[Table, Callable[[Row], Cells]], Iterable[Plan | None]],
    cells: type[Cells] = Cells,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read a file, check its header, and report on every row.

    `plans(table, cells_of)` turns the rows into plans (None for a row it rejects), reading each
    row through `cells_of(row)` so that every problem lands in the report under its row.
    Raises `TableError` when the file is no readable table. `progress(done, total)` is told every
    `PROGRESS_EVERY` rows read.
    """
    table = read_table(content)
    report = Report(kind=spec.name, header=table.header, rows=len(table.rows))
    present = _check_header(spec, table, report)
    row_problems: dict[int, list[RowProblem]] = {}
    if progress is not None:
        progress(0, report.rows)

    def cells_of(row: Row) -> Cells:
        if progress is not None and len(row_problems) % PROGRESS_EVERY == 0 and row_problems:
            progress(len(row_problems), report.rows)
        problems = row_problems.setdefault(row.number, [])
        problems.extend(RowProblem(row.number, column, message) for column, message in row.notes)
        return cells(spec, row, present, problems)

    planned = {plan.row: plan for plan in plans(table, cells_of) if plan is not None}
    for row in table.rows:
        report.problems.extend(row_problems.get(row.number, []))
        if row.number in planned and not row_problems.get(row.number):
            report.plans.append(planned[row.number])
    keys = table.keys
    for row in table.rows[:PREVIEW_ROWS]:
        plan = planned.get(row.number) if not row_problems.get(row.number) else None
        report.preview.append(PreviewRow(row.number, [row.get(key) for key in keys], plan.action if plan else None))
    return report


def _check_header(spec: Kind, table: Table, report: Report) -> set[str]:
    """The documented columns the file has; unknown and missing required columns are reported."""
    known = set(spec.column_names)
    present = set()
    for name in table.header:
        key = column_key(name)
        if not key:
            continue
        if key in known:
            present.add(key)
        else:
            report.problems.append(
                RowProblem(table.header_row, name, _l("This column is not one of the documented columns."))
            )
    for column in spec.columns:
        if column.required and column.name not in present:
            report.problems.append(RowProblem(table.header_row, column.name, _l("This required column is missing.")))
    return present


def stored(report: Report) -> dict:
    """The report as the import pages show it, in JSON (a job's result): problems in the job's language."""
    return {
        "kind": report.kind,
        "header": list(report.header),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "problem_count": len(report.problems),
        "problems": [{"row": p.row, "column": p.column, "text": p.text} for p in report.problems[:STORED_PROBLEMS]],
        "preview": [{"number": r.number, "values": r.values, "action": r.action} for r in report.preview],
    }


@dataclass(frozen=True)
class StoredProblem:
    row: int
    column: str
    text: str  # already in the reader's language


class StoredReport:
    """A stored report (`stored`), read back for the pages, under the same names as `Report`."""

    def __init__(self, data: dict):
        self.kind: str = data["kind"]
        self.header: list[str] = data["header"]
        self.rows: int = data["rows"]
        self.created: int = data["created"]
        self.updated: int = data["updated"]
        self.problem_count: int = data["problem_count"]
        self.problems = [StoredProblem(**problem) for problem in data["problems"]]
        self.preview = [PreviewRow(**row) for row in data["preview"]]

    @property
    def valid(self) -> bool:
        return self.problem_count == 0
