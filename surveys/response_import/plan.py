"""What an import of past responses is made of, between reading a file and storing it.

Reading and mapping (`reading`, `mapping`, `values`, `checking`) produce these; storing and
undoing (`storing`) consume them. A mapping is plain data so it can be saved with a wave as JSON
and offered again for the next file of the same shape (same headers, same `signature`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

TARGET_KINDS = ("question", "choice", "other_text", "profile", "language", "email", "submitted_at", "ignore")
PROFILE_TARGETS = ("country", "regional_group", "gender", "category", "stakeholder_type")
VALUE_KINDS = ("choice", "other", "missing")


@dataclass(frozen=True)
class Target:
    """Where one column of the file goes.

    question: the column holds the answer to `question` (for a select_multiple, its choices
    space- or comma-separated, or labels); choice: the column is one choice of a select_multiple
    (`question`, `choice`), set when the cell is the choice's label, 1, "Yes"..., unset when empty
    or 0; other_text: the typed "other" text of `question`; profile: a frozen profile `field`;
    language: the respondent's language; email: matched against the registry; submitted_at: the
    time the response was given (read by `timestamps`; else the wave's closing time); ignore: nothing.
    """

    kind: str
    question: str | None = None
    choice: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class ValueTarget:
    """Where one distinct value of a column goes: a choice's name, "other" keeping the text, or missing."""

    kind: str
    choice: str | None = None


@dataclass
class Mapping:
    """Columns (by their key in `SourceFile.columns`) to targets, and per column its values to targets."""

    columns: dict[str, Target] = field(default_factory=dict)
    values: dict[str, dict[str, ValueTarget]] = field(default_factory=dict)
    # Date columns whose order of day and month the secretariat chose: "dmy" or "mdy" (`dates`).
    dates: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "columns": {key: asdict(target) for key, target in self.columns.items()},
            "values": {key: {v: asdict(t) for v, t in targets.items()} for key, targets in self.values.items()},
            "dates": dict(self.dates),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        return cls(
            columns={key: _target(target) for key, target in data.get("columns", {}).items()},
            values={
                key: {v: ValueTarget(**t) for v, t in targets.items()}
                for key, targets in data.get("values", {}).items()
            },
            dates={key: order for key, order in data.get("dates", {}).items() if order in ("dmy", "mdy")},
        )


def _target(data: dict) -> Target:
    """A saved target; mappings saved before the time had its own kind said Target("profile", field="submitted_at")."""
    if data.get("kind") == "profile" and data.get("field") == "submitted_at":
        return Target("submitted_at")
    return Target(**data)


@dataclass(frozen=True)
class SourceFile:
    """The file as read: its columns' keys and headers in order, and how it was decoded."""

    file_name: str
    sha256: str
    columns: tuple[str, ...]  # unique keys, in file order
    headers: tuple[str, ...]  # what the file's header row(s) said, for display
    encoding: str | None  # CSV only: "utf-8", "utf-16", "cp1252"
    delimiter: str | None  # CSV only
    shape: str  # "limesurvey" | "surveymonkey" | "kobotoolbox" | "redcap" | "plain"
    rows: int
    # Pairs of columns (first, later) with identical content, empty columns aside: a note to show.
    identical_columns: tuple[tuple[str, str], ...] = ()
    # Headers repaired from mis-encoded text: (as the file had it, as repaired).
    repaired_headers: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SourceFile:
        pairs = ("identical_columns", "repaired_headers")
        return cls(
            **{key: value for key, value in data.items() if key not in pairs and key not in ("columns", "headers")},
            columns=tuple(data["columns"]),
            headers=tuple(data["headers"]),
            **{key: tuple(tuple(pair) for pair in data.get(key, ())) for key in pairs},
        )

    @property
    def signature(self) -> str:
        """Equal for files of the same shape, so a saved mapping can be offered again."""
        return hashlib.sha256(json.dumps(list(self.columns), ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class ImportedRow:
    """One response ready to store: typed answers as `answering.kept_answers` gives them."""

    row: int  # the file's row number, as a spreadsheet shows it
    answers: dict[str, object]
    profile: dict[str, str | None]  # PROFILE_TARGETS -> code
    language: str | None
    email: str | None
    other_texts: dict[str, str] = field(default_factory=dict)  # question -> typed "other" text


@dataclass(frozen=True)
class ImportProblem:
    """A problem at a cell: `kind` groups them in the report; `message` is translated for display."""

    row: int
    column: str  # the column's key
    kind: str
    message: str


@dataclass
class Preview:
    """The result of checking a file against a mapping: rows to store, and what was refused."""

    source: SourceFile
    mapping: Mapping
    rows: list[ImportedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)  # date column -> the format found in it

    @property
    def refused_rows(self) -> set[int]:
        return {problem.row for problem in self.problems}

    def counts_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for problem in self.problems:
            counts[problem.kind] = counts.get(problem.kind, 0) + 1
        return counts
