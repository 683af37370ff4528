"""What an import documents and reads: its columns (`Kind`, `Column`) and one row's cells (`Cells`).

Every problem a cell reader finds lands, as a `RowProblem` naming its row and column, in the
report of the file; a reader returns None (or "") for a cell it refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from core.imports.tables import Row
from core.reference.models import Country
from core.text import clean_label
from core.vocabulary import Vocabulary

MULTI_SEPARATOR = ";"


# --- column documentation -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    description: object  # lazy string
    required: bool = False
    max_length: int | None = None
    vocabulary: Vocabulary | None = None
    multiple: bool = False
    example: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of file a family of imports accepts, e.g. "stakeholders", and its columns."""

    name: str
    label: object
    description: object
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or the header) of an imported file is refused, and where."""

    row: int
    column: str  # the column name as the documentation writes it ("" for the row as a whole)
    message: object  # lazy string, translated when shown

    @property
    def text(self) -> str:
        """The message in the reader's language, as plain text: templates escape it.

        (A lazy string passes through Jinja's escaping untouched, and messages quote cell values.)
        """
        return str(self.message)


# --- reading one row ----------------------------------------------------------------------


class Countries:
    """The recorded countries, read once per file: ISO codes of two or three letters to alpha-2."""

    def __init__(self, session: Session):
        self.session = session
        self.iso2 = set()
        self.iso3 = {}
        for iso2, iso3 in session.exec(select(Country.iso2, Country.iso3)):
            self.iso2.add(iso2.upper())
            self.iso3[iso3.upper()] = iso2.upper()

    def country(self, value: str) -> str | None:
        code = value.strip().upper()
        if len(code) == 2 and code in self.iso2:
            return code
        return self.iso3.get(code) if len(code) == 3 else None


class Cells:
    """One row's cells, read column by column; every problem lands in `problems`."""

    def __init__(self, kind: Kind, row: Row, present: set[str], problems: list[RowProblem]):
        self.kind, self.row, self.present, self.problems = kind, row, present, problems

    def problem(self, column: str, message) -> None:
        self.problems.append(RowProblem(self.row.number, column, message))

    def text(self, name: str) -> str:
        spec = self.kind.column(name)
        value = clean_label(self.row.get(name) or "")  # "Kenya\u00a0" and "Kenya" are one value
        if not value:
            if spec.required and name in self.present:  # a missing column is reported once, on the header
                self.problem(name, _l("A value is required."))
            return ""
        if spec.max_length and len(value) > spec.max_length:
            self.problem(name, _l("At most %(count)s characters.", count=spec.max_length))
            return ""
        return value

    def email(self, name: str) -> str:
        """The address as written; one that is no valid address is reported."""
        value = self.text(name)
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError:
                self.problem(name, _l("%(value)s is not a valid email address.", value=value))
        return value

    def code(self, name: str) -> str | None:
        value = self.text(name)
        if not value:
            return None
        code = self.kind.column(name).vocabulary.parse(value)
        if code is None:
            self.problem(name, _l("%(value)s is not one of the allowed values.", value=value))
        return code

    def codes(self, name: str) -> list[str] | None:
        """The codes in a ";"-separated cell; None when the cell is empty (nothing to change)."""
        value = self.text(name)
        if not value:
            return None
        vocabulary = self.kind.column(name).vocabulary
        parts = [clean_label(p) for p in value.split(MULTI_SEPARATOR) if clean_label(p)]
        parsed = [(p, vocabulary.parse(p)) for p in parts]
        unknown = [p for p, code in parsed if code is None]
        if unknown:
            self.problem(name, _l("%(value)s is not one of the allowed values.", value="; ".join(unknown)))
            return None
        return list(dict.fromkeys(code for _p, code in parsed))

    def country(self, name: str, countries: Countries) -> str | None:
        value = self.text(name)
        if not value:
            return None
        code = countries.country(value)
        if code is None:
            self.problem(name, _l("%(value)s is not a recorded country.", value=value))
        return code

    def integer(self, name: str, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            self.problem(name, _l("%(value)s is not a whole number.", value=value))
            return None
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.problem(name, _l("%(value)s is out of range.", value=value))
            return None
        return number
