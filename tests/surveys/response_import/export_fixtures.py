"""The export fixtures of tests/surveys/data/exports and what each must give (see its README)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from surveys.definition import Definition
from surveys.instruments import SHIPPED_DIR
from surveys.response_import.mapping import propose_mapping
from surveys.response_import.plan import Mapping, SourceFile
from surveys.response_import.reading import read_export
from surveys.xlsform_languages import read_form

EXPORTS = Path(__file__).parents[1] / "data" / "exports"
FIXTURES = (
    "limesurvey_codes.csv",
    "limesurvey_labels.csv",
    "surveymonkey.csv",
    "surveymonkey.xlsx",
    "kobo_names.csv",
    "kobo_labels.csv",
    "redcap.csv",
)


@cache
def annual_survey() -> Definition:
    return read_form((SHIPPED_DIR / "annual_survey.xlsx").read_bytes(), "annual_survey.xlsx")


@cache
def read(name: str) -> tuple[SourceFile, list[dict[str, str]]]:
    """The file as read (kept: do not change its rows)."""
    return read_export((EXPORTS / name).read_bytes(), name)


def proposed(name: str) -> tuple[SourceFile, list[dict[str, str]], Mapping]:
    source, rows = read(name)
    return source, rows, propose_mapping(source, rows, annual_survey())


@cache
def expected(name: str) -> tuple[dict[int, dict], list[int]]:
    """Row number -> {"answers", "language"} of every row that must import, and the refused rows."""
    wanted = "surveymonkey.csv" if name == "surveymonkey.xlsx" else name
    rows, refused = {}, []
    for line in (EXPORTS / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["file"] == wanted:
            rows[item["row"]] = item
            refused = item["refused"]
    return rows, refused
