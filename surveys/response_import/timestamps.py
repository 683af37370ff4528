"""The time of each response, when the export has a column for it (many have none).

A column mapped to `Target("submitted_at")` (`mapping.propose_mapping` proposes it) is read here, not by the checker: its
cells are dates and times in any format `dates` reads (ISO 8601, "07/12/2026 14:05", SurveyMonkey's
"12/07/2026 02:05:00 PM", "7 Dec 2026", Excel serial numbers), the format found from the whole column; a
zone-less time is UTC. The time goes to the row's profile as ISO
text, which storing uses as the response's `submitted_at` (else the wave's closing time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from surveys.response_import import dates
from surveys.response_import.plan import ImportedRow, ImportProblem, Mapping, Target
from surveys.response_import.reading import ROW, header_key

FIELD = "submitted_at"
TARGET = Target("submitted_at")
# Headers export tools give the time a response was submitted (compared after `header_key`).
HEADERS = {
    "submitdate", "date submitted", "_submission_time", "end date", "timestamp", "submitted at", "submission time",
}  # fmt: skip


def parse(text: str) -> datetime | None:
    """The UTC time a cell gives on its own (day first when that is undecided), or None."""
    found = dates.read_column([text])
    moment = found.times.get(text.strip()) or found.times.get(text)
    if moment is None and (reading := dates.read_value(text)) is not None and reading.kind == "numeric":
        moment = dates.numeric_moment(reading, "dmy")
    return dates.utc(moment) if moment is not None else None


def columns_of(mapping: Mapping) -> list[str]:
    return [key for key, target in mapping.columns.items() if target == TARGET]


def without_times(mapping: Mapping) -> Mapping:
    """The mapping the checker sees: the time columns are read here."""
    return Mapping(
        columns={key: (Target("ignore") if target == TARGET else target) for key, target in mapping.columns.items()},
        values=mapping.values,
        dates=mapping.dates,
    )


def read(rows: list[dict[str, str]], mapping: Mapping) -> tuple[dict[int, str], list[ImportProblem], dict[str, str]]:
    """Each row's time (by row number, as ISO text), a problem for every cell that is no time in the
    column's format, and the format found (column -> description)."""
    found, problems, formats = {}, [], {}
    for key in columns_of(mapping)[:1]:
        column = dates.read_column((row.get(key) for row in rows), mapping.dates.get(key))
        formats[key] = column.description
        for row in rows:
            if not (cell := row.get(key)):
                continue
            number = int(row.get(ROW, 0))
            if (moment := column.times.get(cell)) is None:
                problems.append(dates.problem_at(number, key, cell, column))
            else:
                found[number] = dates.utc(moment).isoformat()
    return found, problems, formats


def with_times(rows: list[ImportedRow], times: dict[int, str]) -> list[ImportedRow]:
    if not times:
        return rows
    return [replace(row, profile={**row.profile, FIELD: times[row.row]}) if row.row in times else row for row in rows]


def time_column(headers: dict[str, str], rows: list[dict[str, str]], targets: dict[str, Target]) -> str | None:
    """The first column left out (`ignore` in `targets`) whose header names the time of submission and
    whose cells are times, unless a column is mapped to the time already."""
    if TARGET in targets.values():
        return None
    for key, header in headers.items():
        if targets.get(key, Target("ignore")).kind != "ignore" or header_key(header) not in HEADERS:
            continue
        cells = [row[key] for row in rows[:200] if row.get(key)]
        if cells and all(dates.read_value(cell) is not None for cell in cells):
            return key
    return None
