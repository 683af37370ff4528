"""The columns of an XLSForm workbook: the ones we read and write, and the language columns' headers."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from surveys.definition import BASES, DEFAULT_BASE, QUESTION_TYPES

# How the shipped workbooks name the language columns; only the code in parentheses counts when reading.
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}
TRANSLATED = ("label", "hint", "constraint_message", "required_message")
SURVEY_COLUMNS = (
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "pii",
    "quasi",
    "indicator",
    "profile",
    "base",
)
CHOICE_COLUMNS = ("list_name", "name")
SETTINGS_COLUMNS = ("form_id", "version", "default_language", "form_title")
ANSWERED_TYPES = tuple(t for t in QUESTION_TYPES if t != "note")
SELECT_TYPES = ("select_one", "select_multiple")
TRANSLATED_HEADER = re.compile(r"^(?P<kind>[a-z_]+)::.*\((?P<code>[A-Za-z_-]+)\)\s*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
YES = {"yes", "true", "true()", "1"}
NO = {"", "no", "false", "false()", "0"}


def column_header(kind: str, code: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES[code]} ({code})"


def base_of(cells: dict[str, str], question_type: str) -> tuple[str, object | None]:
    """The `base` column of a survey row: the base of a select_multiple question's shares
    ("answered", the default, or "shown"), with the problem (a lazy message) when the cell is wrong."""
    value = cells.get("base", "").casefold()
    if not value:
        return DEFAULT_BASE, None
    if question_type != "select_multiple":
        return DEFAULT_BASE, _l("only a select_multiple question has a base for its shares")
    if value not in BASES:
        return DEFAULT_BASE, _l("'%(value)s' is not a base; use one of %(bases)s", value=value, bases=", ".join(BASES))
    return value, None
