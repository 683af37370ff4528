"""The time of each response, when the export has a column for it (many have none).

A column mapped to `Target("submitted_at")` (`mapping.propose_mapping` proposes it) is read here, not by the checker: its
cells are ISO 8601 times ("2019-05-01 10:22:33", with or without a zone; a zone-less time is UTC) or
the US form SurveyMonkey writes ("05/01/2019 10:22:33 AM"). The time goes to the row's profile as ISO
text, which storing uses as the response's `submitted_at` (else the wave's closing time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask_babel import gettext as _

from surveys.response_import.plan import ImportedRow, ImportProblem, Mapping, Target
from surveys.response_import.reading import ROW, header_key

FIELD = "submitted_at"
TARGET = Target("submitted_at")
US_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
# Headers export tools give the time a response was submitted (compared after `header_key`).
HEADERS = {
    "submitdate", "date submitted", "_submission_time", "end date", "timestamp", "submitted at", "submission time",
}  # fmt: skip


def parse(text: str) -> datetime | None:
    """The UTC time a cell gives, or None."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for form in US_FORMATS:
            try:
                moment = datetime.strptime(text, form)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def columns_of(mapping: Mapping) -> list[str]:
    return [key for key, target in mapping.columns.items() if target == TARGET]


def without_times(mapping: Mapping) -> Mapping:
    """The mapping the checker sees: the time columns are read here."""
    return Mapping(
        columns={key: (Target("ignore") if target == TARGET else target) for key, target in mapping.columns.items()},
        values=mapping.values,
    )


def read(rows: list[dict[str, str]], mapping: Mapping) -> tuple[dict[int, str], list[ImportProblem]]:
    """Each row's time (by row number, as ISO text), and a problem for every cell that is no time."""
    found, problems = {}, []
    for key in columns_of(mapping)[:1]:
        for row in rows:
            cell = row.get(key)
            if not cell:
                continue
            moment = parse(cell)
            number = int(row.get(ROW, 0))
            if moment is None:
                message = _("%(value)s is not a date written YYYY-MM-DD.", value=cell)
                problems.append(ImportProblem(row=number, column=key, kind="not a date", message=message))
            else:
                found[number] = moment.isoformat()
    return found, problems


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
        if cells and all(parse(cell) for cell in cells):
            return key
    return None
