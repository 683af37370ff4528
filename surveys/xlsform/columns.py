"""The columns of an XLSForm workbook: how a header is read, the way pyxform reads it.

A header is snake-cased (`List Name` is `list_name`), de-aliased (`caption` is `label`,
`bind::relevant` and `bind:relevant` are `relevant`) and split at `::` (or `:` in older forms)
into a column and a language. A language is named by its code in parentheses
(`label::English (en)`), by its code (`label::en`) or by its name in any of the six UN languages
(`label::English`, `label::anglais`, `label::العربية`: Babel's locale data); a plain `label`
column is the form's default language. Inside a sheet, the cells of a translated column are kept
under `label::en`, whatever the header said.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from surveys.definition import BASES, DEFAULT_BASE, QUESTION_TYPES

# How the written workbooks name the language columns.
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}
TRANSLATED = ("label", "hint", "guidance_hint", "constraint_message", "required_message")
MEDIA = ("image", "big-image", "audio", "video")
OURS = ("pii", "quasi", "indicator", "profile", "base")
# Columns read from each sheet (translated ones are read per language).
SURVEY_COLUMNS = (
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "parameters",
    "repeat_count",
    "trigger",
    *OURS,
)
CHOICE_COLUMNS = ("list_name", "name")
SETTINGS_COLUMNS = ("form_id", "version", "default_language", "form_title")
# Columns pyxform reads that matter to a device only: read and left aside.
IGNORED = {
    "survey": {
        "autoplay",
        "rows",
        "body",
        "compact_tag",
        "no_app_error_string",
        "instance",
        "save_to",
        "sms_field",
        "sms_option",
    },
    "choices": set(),  # any other column of the choices sheet is data for choice_filter
    "settings": {
        "instance_name",
        "style",
        "public_key",
        "submission_url",
        "auto_send",
        "auto_delete",
        "allow_choice_duplicates",
        "namespaces",
        "prefix",
        "delimiter",
        "clean_text_values",
        "omit_instance_id",
        "name",
        "attribute",
        "client_editable",
    },
}
ALIASES = {
    "survey": {
        "caption": "label",
        "relevance": "relevant",
        "calculate": "calculation",
        "readonly": "read_only",
        "constraining_message": "constraint_message",
        "jr:constraintmsg": "constraint_message",
        "requiredmsg": "required_message",
        "jr:requiredmsg": "required_message",
        "count": "repeat_count",
        "jr:count": "repeat_count",
        "command": "type",
        "tag": "name",
        "value": "name",
    },
    "choices": {"caption": "label", "value": "name", "list": "list_name"},
    "settings": {
        "id_string": "form_id",
        "set_form_id": "form_id",
        "title": "form_title",
        "set_form_title": "form_title",
    },
}
PREFIXES = ("bind", "control", "media")  # `bind::relevant`, `control::appearance`, `media::image::English`
ANSWERED_TYPES = tuple(t for t in QUESTION_TYPES if t != "note")
SELECT_TYPES = ("select_one", "select_multiple")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
NAME_LENGTH = 100  # the longest name an answer is stored under (Answer.question)
YES = {"yes", "true", "true()", "1"}
NO = {"", "no", "false", "false()", "0"}
_CODE = re.compile(r"\((?P<code>[^()]+)\)\s*$")


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


def key(kind: str, code: str) -> str:
    """Where a sheet keeps the cells of `kind` in language `code`."""
    return f"{kind}::{code}"


@dataclass(frozen=True)
class Column:
    """What a header means: a column we read (`key`), one we leave aside, or one we do not know."""

    header: str
    status: str  # "read", "ignored", "language" (a language we do not keep), "misspelled", "unknown"
    key: str = ""
    kind: str = ""  # for a translated column: label, hint...
    language: str = ""  # its code, or the language as written when it is not one of the six
    suggestion: str = ""  # for a misspelled header: the column meant


@cache
def language_names() -> dict[str, str]:
    """Every name of the six languages in the six languages (casefolded), and each code, -> code."""
    names = {code: code for code in LANGUAGES}
    for display in LANGUAGES:
        languages = Locale.parse(display).languages
        for code in LANGUAGES:
            for variant in (code, f"{code}_Hans") if code == "zh" else (code,):
                if languages.get(variant):
                    names[languages[variant].casefold()] = code
    for code, name in LANGUAGE_NAMES.items():
        names[name.casefold()] = code
    return names


def language_code(written: str, default: str) -> str | None:
    """The code of a language as a header writes it; None when it is not one of the six."""
    written = written.strip()
    if not written or written.casefold() == "default":
        return default
    match = _CODE.search(written)
    if match:
        code = re.split(r"[-_]", match["code"].strip())[0].casefold()
        return code if code in LANGUAGES else None
    return language_names().get(written.casefold()) or language_names().get(re.split(r"[-_]", written)[0].casefold())


def _tokens(header: str) -> list[str]:
    if "::" in header:
        return [token.strip() for token in header.split("::")]
    tokens = [token.strip() for token in header.split(":")]
    if "jr" in tokens[:-1]:  # `jr:count`, `bind:jr:constraintMsg`
        at = tokens.index("jr")
        tokens[at : at + 2] = [f"jr:{tokens[at + 1]}"]
    return tokens


def snake(text: str) -> str:
    return "_".join(text.split()).lower()


def read_header(header: str, sheet: str, default_language: str) -> Column:
    """What `header` on `sheet` (survey, choices or settings) means."""
    known = {"survey": SURVEY_COLUMNS, "choices": CHOICE_COLUMNS, "settings": SETTINGS_COLUMNS}[sheet]
    kinds = {"survey": TRANSLATED, "choices": ("label",), "settings": ("form_title",)}[sheet]
    tokens = _tokens(header)
    if tokens[0].casefold() in PREFIXES and len(tokens) > 1:
        if tokens[0].casefold() == "media":
            return Column(header, "ignored")
        tokens = tokens[1:]
    name = snake(tokens[0])
    name = ALIASES[sheet].get(name.casefold(), name)
    rest = tokens[1:]
    if name in kinds:
        code = language_code("::".join(rest), default_language)
        if code is None:
            return Column(header, "language", kind=name, language="::".join(rest))
        return Column(header, "read", key(name, code), name, code)
    if name in known and not rest:
        return Column(header, "read", name)
    if name in MEDIA or name in IGNORED[sheet] or sheet == "choices" or name.startswith(("kobo", "$", "_")):
        return Column(header, "ignored")
    close = difflib.get_close_matches(name, [*known, *kinds, *ALIASES[sheet]], n=1, cutoff=0.8)
    if close:
        return Column(header, "misspelled", suggestion=ALIASES[sheet].get(close[0], close[0]))
    return Column(header, "unknown")


# `select_one X or_other`: the choice and the question pyxform adds, in the six languages.
OTHER_LABELS = {"ar": "أخرى", "en": "Other", "es": "Otro", "fr": "Autre", "ru": "Другое", "zh": "其他"}
SPECIFY_LABELS = {
    "ar": "يرجى التحديد",
    "en": "Specify other.",
    "es": "Especifique otro.",
    "fr": "Précisez autre.",
    "ru": "Укажите другое.",
    "zh": "请注明其他。",
}
