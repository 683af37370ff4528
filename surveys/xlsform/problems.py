"""Why a workbook was refused, and what was noted about one that was accepted.

Every problem names its sheet, row and column, and has a kind. A refusal (`XLSFormError`) starts
with a summary of at most ten lines, one per kind ("unsupported question types: image (3 rows)"),
then the problems grouped by kind. Two kinds never refuse a form; they are warnings:

- `LANGUAGE`: a text (label, hint, choice label, title...) missing in one of the six UN
  languages. A form may arrive in fewer languages: it is stored and translated on the platform,
  and the six-language rule holds when a wave is published (surveys/translation*.py).
- `IGNORED`: a column or a language the platform leaves aside (media, device settings, columns
  of other tools, languages other than the six).
- `METADATA`: a metadata row the web never records (`deviceid`, `username`, `phonenumber`...: they
  would identify a device or a person), kept in `Definition.metadata` so the form is written back as
  it came. `start`, `end` and `today` are recorded on submission and need no warning.

`parse_xlsform(..., warnings=list)` hands the warnings of an accepted form to its caller; a
refusal carries them in `XLSFormError.warnings`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from surveys.xlsform.columns import LANGUAGE_NAMES

LANGUAGE = "language"
IGNORED = "ignored"
TYPE = "type"  # a question type the platform does not support yet
DEVICE = "device"  # a type that needs a device sensor, file storage or external choices: refused for good
METADATA = "metadata"  # start, end, deviceid...: kept in the definition, never asked
RENAMED = "renamed"  # a name pyxform allows twice (in two groups), stored under its group's name too
WARNING_KINDS = (LANGUAGE, IGNORED, METADATA, RENAMED)
SUMMARY_LINES = 10


@dataclass(frozen=True)
class FormProblem:
    """Why a workbook was refused, and where: row 1 is the header row, as Excel numbers them."""

    sheet: str
    row: int
    column: str  # the column header ("" for the row or sheet as a whole)
    message: object  # lazy string, translated when shown
    kind: str = ""  # LANGUAGE, IGNORED, TYPE, or "" (grouped by the message's wording)
    detail: str = ""  # what the summary counts: the language code, the type, the column

    @property
    def text(self) -> str:
        return str(self.message)

    @property
    def warning(self) -> bool:
        return self.kind in WARNING_KINDS

    @property
    def group(self) -> str:
        """Problems of one group are summed up in one line."""
        if self.kind:
            return self.kind
        arguments = getattr(self.message, "_args", None)  # a lazy string: its msgid
        return str(arguments[0]) if arguments else str(self.message)

    def place(self) -> str:
        return self.sheet + (f" row {self.row}" if self.row else "") + (f", {self.column}" if self.column else "")

    def __str__(self) -> str:
        return f"{self.place()}: {self.message}"


def _counted(details: Counter, names: dict[str, str] | None = None) -> str:
    return ", ".join(f"{(names or {}).get(detail, detail)} ({count})" for detail, count in details.most_common())


def _rows(problems: list[FormProblem], shown: int = 6) -> str:
    """Each detail (a type) with its rows: `image (5, 9, 12)`, `calculate (3, 8, 9, 10, 11, 12, +76)`."""
    rows: dict[str, list[int]] = {}
    for problem in problems:
        rows.setdefault(problem.detail, []).append(problem.row)
    parts = []
    for detail, numbers in rows.items():
        more = f", +{len(numbers) - shown}" if len(numbers) > shown else ""
        parts.append(f"{detail} ({', '.join(str(n) for n in numbers[:shown])}{more})")
    return "; ".join(parts)


def summary_line(kind: str, problems: list[FormProblem]) -> str:
    """One line for problems of one group."""
    details = Counter(problem.detail for problem in problems)
    if kind == LANGUAGE:
        return str(
            _l(
                "texts missing in %(count)s of the six languages (cells): %(languages)s",
                count=len(details),
                languages=_counted(details, LANGUAGE_NAMES),
            )
        )
    if kind == IGNORED:
        return str(_l("left aside (not used on the web): %(what)s", what=", ".join(sorted(details))))
    if kind == METADATA:
        return str(
            _l(
                "metadata kept with the form, never recorded on the web, where it would identify a device or "
                "a person (rows): %(types)s",
                types=_rows(problems),
            )
        )
    if kind == RENAMED:
        return str(
            _l(
                "names used in two groups, stored with their group's name (rows): %(names)s",
                names=_rows(problems),
            )
        )
    if kind == TYPE:
        return str(_l("unsupported question types (rows): %(types)s", types=_rows(problems)))
    if kind == DEVICE:
        return str(_l("types that need a device or external files, refused (rows): %(types)s", types=_rows(problems)))
    first = problems[0]
    if len(problems) == 1:
        return str(first)
    return str(_l("%(first)s; and %(count)s more like it", first=str(first), count=len(problems) - 1))


def grouped(problems: list[FormProblem]) -> list[tuple[str, list[FormProblem]]]:
    """(summary line, problems) per group, refusals first, each group in sheet order."""
    groups: dict[str, list[FormProblem]] = {}
    for problem in sorted(problems, key=lambda p: p.warning):
        groups.setdefault(problem.group, []).append(problem)
    return [(summary_line(problems[0].kind, problems), problems) for problems in groups.values()]


class XLSFormError(ValueError):
    def __init__(self, problems: list[FormProblem], warnings: list[FormProblem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(self.summary_lines()))

    def groups(self) -> list[tuple[str, list[FormProblem]]]:
        return grouped(self.problems + self.warnings)

    def summary_lines(self) -> list[str]:
        """At most ten lines: one per kind of problem."""
        lines = [line for line, _ in self.groups()]
        if len(lines) > SUMMARY_LINES:
            rest = len(lines) - SUMMARY_LINES + 1
            lines = [*lines[: SUMMARY_LINES - 1], str(_l("and %(count)s other kinds of problem", count=rest))]
        return lines
