"""Previews built by hand, as `checking.check` makes them, for the storing tests."""

from __future__ import annotations

from surveys import instruments
from surveys.response_import.plan import ImportedRow, ImportProblem, Mapping, Preview, SourceFile, Target
from tests import factories

COLUMNS = ("email", "country", "roles", "years", "engaged", "clear_how", "transparent", "comments")


def source(rows: int, *, name: str = "past.csv", columns=COLUMNS) -> SourceFile:
    return SourceFile(
        file_name=name,
        sha256="ab" * 32,
        columns=tuple(columns),
        headers=tuple(columns),
        encoding="utf-8",
        delimiter=",",
        shape="plain",
        rows=rows,
    )


def mapping() -> Mapping:
    columns = {"email": Target("email"), "country": Target("profile", field="country")}
    columns.update({name: Target("question", question=name) for name in COLUMNS[2:]})
    return Mapping(columns=columns)


def row(number: int, *, email=None, country="KE", language="en", **answers) -> ImportedRow:
    typed = {"roles": ["author"], "years": 5, "engaged": "yes", "clear_how": "4", "transparent": "2"}
    typed.update(answers)
    return ImportedRow(
        row=number,
        answers={k: v for k, v in typed.items() if v is not None},
        profile={
            "country": country,
            "regional_group": None,
            "gender": None,
            "category": None,
            "stakeholder_type": None,
        },
        language=language,
        email=email,
    )


def preview(rows, problems=(), *, name: str = "past.csv") -> Preview:
    return Preview(source=source(len(rows), name=name), mapping=mapping(), rows=list(rows), problems=list(problems))


def refused(number: int, column: str = "years", kind: str = "value") -> ImportProblem:
    return ImportProblem(row=number, column=column, kind=kind, message=f"Row {number}: bad {column}")


def annual_past_wave(session):
    """A closed wave of 2019 of the shipped annual survey (installed here), as the export fixtures answer it."""
    versions = dict(zip(instruments.SHIPPED, instruments.install_shipped(session)))
    return factories.make_wave(session, version=versions["annual-survey"], name="Annual survey 2019", year=2019,
                               status="closed", opens_in_days=-2600, closes_in_days=-2570)  # fmt: skip
