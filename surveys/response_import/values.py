"""Value mapping: each distinct value of a column to a choice, to "other" keeping its text, or to missing.

Values are compared by `match_key`: no case, no accents, non-breaking and repeated spaces as one,
punctuation as a space ("Côte d'Ivoire" = "Cote d Ivoire"). A value matches a choice by its name or
its label in any of the six languages; countries by ISO codes, the UN's names in the six languages,
Babel's (CLDR) names and common variants; languages by code or by name in any of the six languages.
A value matching nothing is left out of the proposal (the preview names it as an unknown value),
except in a question that has an "other" choice, where it becomes "other" with its text kept.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.support import Translations

from core.config import LANGUAGES
from core.reference.countries import MEMBER_STATES_CSV, OBSERVER_STATES_CSV, UN_LANGUAGES, without_article
from core.reference.regions import GROUP_CODE_BY_FILE_NAME, REGIONAL_GROUPS
from core.text import search_key
from core.translations import TRANSLATIONS
from core.vocabulary import english
from stakeholders.vocabularies import CATEGORY, GENDER, STAKEHOLDER_TYPE
from surveys.definition import Definition, Question
from surveys.response_import.plan import Mapping, Target, ValueTarget
from surveys.response_import.reading import repair_mojibake

OTHER = "other"
CHOICE_LISTS = {"country"}  # list names whose choices are ISO country codes
# Cells that say "no answer" in an export.
MISSING = {
    "", "-", "--", "n/a", "na", "n a", "none given", "no answer", "not answered", "not displayed", "sans reponse",
    "pas de reponse", "sin respuesta", "no contesta", "null", "nan",
}  # fmt: skip
# Cells that tick a choice column (0/1 columns, LimeSurvey's Y, REDCap's Checked) and that leave it unticked.
TICKED = {"1", "y", "yes", "true", "checked", "x", "oui", "si", "selected", "1 0", "v"}
UNTICKED = {"0", "n", "no", "false", "unchecked", "non", "not selected", "0 0"}
# What tools write in a select's own column for "other", its text being in another column (LimeSurvey's "-oth-").
OTHER_MARKERS = {"oth", "other"}
# Short names exports use that neither the UN nor CLDR gives (keys as `match_key` makes them).
COUNTRY_VARIANTS = {
    "korea south": "KR", "south korea": "KR", "republic of korea": "KR", "korea rep": "KR",
    "korea north": "KP", "north korea": "KP", "ivory coast": "CI", "cote d ivoire": "CI", "usa": "US",
    "us": "US", "u s a": "US", "united states": "US", "united states of america": "US", "uk": "GB",
    "great britain": "GB", "england": "GB", "russia": "RU", "vietnam": "VN", "viet nam": "VN", "iran": "IR",
    "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "congo brazzaville": "CG", "congo kinshasa": "CD", "drc": "CD", "dr congo": "CD", "czech republic": "CZ",
    "swaziland": "SZ", "macedonia": "MK", "turkey": "TR", "cape verde": "CV", "burma": "MM", "holland": "NL",
    "the netherlands": "NL", "palestine": "PS", "vatican": "VA", "micronesia": "FM", "brunei": "BN",
    "east timor": "TL", "gambia the": "GM", "bahamas the": "BS", "taiwan": "TW", "kosovo": "XK",
}  # fmt: skip

_PUNCTUATION = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """How values, headers and labels are compared (see the module's docstring)."""
    return " ".join(_PUNCTUATION.sub(" ", search_key(str(text or "").replace("\u00a0", " "))).split())


def _add(index: dict[str, str | None], key: str, code: str) -> None:
    """Record `key` -> `code`; a key two codes claim is ambiguous (None) and matches neither."""
    if not key:
        return
    if index.get(key, code) != code:
        index[key] = None
    else:
        index[key] = code


def choice_index(definition: Definition, list_name: str) -> dict[str, str | None]:
    """match_key of each choice's name and labels (every language) -> the choice's name."""
    index: dict[str, str | None] = {}
    choices = definition.choices.get(list_name, ())
    for choice in choices:
        _add(index, match_key(choice.name), choice.name)
    for choice in choices:
        _add(index, match_key(choice.name).replace(" ", ""), choice.name)  # LimeSurvey's codes
        for text in choice.labels.values():
            _add(index, match_key(text), choice.name)
    if {choice.name for choice in choices} == {"yes", "no"}:  # a yes/no list also takes 1/0, Y/N, True/False
        for key in TICKED:
            index.setdefault(key, "yes")
        for key in UNTICKED:
            index.setdefault(key, "no")
    return index


@cache
def country_index() -> dict[str, str | None]:
    """match_key of ISO codes, UN names (six languages, with and without article), CLDR names and
    variants -> the ISO 3166 alpha-2 code."""
    index: dict[str, str | None] = {}
    for path in (MEMBER_STATES_CSV, OBSERVER_STATES_CSV):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for code in (row["iso2"], row.get("iso3")):
                    _add(index, match_key(code or ""), row["iso2"])
                for language in UN_LANGUAGES:
                    for name in {row[f"name_{language}"], without_article(row[f"name_{language}"])}:
                        _add(index, match_key(name), row["iso2"])
    for language in UN_LANGUAGES:
        for iso2, name in Locale.parse(language).territories.items():
            if len(iso2) == 2 and iso2.isalpha():
                index.setdefault(match_key(name), iso2)
    for key, iso2 in COUNTRY_VARIANTS.items():
        index[key] = iso2
    return index


def country_code(value: str) -> str | None:
    """The ISO alpha-2 code a country value names, or None."""
    return country_index().get(match_key(value))


@cache
def language_index() -> dict[str, str | None]:
    """match_key of the six languages' codes and of their names in any of the six (and in itself)
    -> the code; locale codes such as "fr-FR" or "en_GB" are taken by their language."""
    index: dict[str, str | None] = {}
    for code in LANGUAGES:
        _add(index, code, code)
        for in_language in LANGUAGES:
            _add(index, match_key(Locale.parse(in_language).languages.get(code, "")), code)
    return index


def language_code(value: str) -> str | None:
    """The platform language a value names ("Anglais", "Spanish", "fr-FR", "عربي"...), or None."""
    key = match_key(value)
    found = language_index().get(key)
    if found is None and re.fullmatch(r"[a-z]{2}( [a-z0-9]{2,4})*", key):
        found = language_index().get(key[:2])
    return found


@cache
def _translations(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [language])


@cache
def profile_index(field: str) -> dict[str, str | None]:
    """match_key of a profile list's codes and labels (in the six languages) -> the code."""
    if field == "regional_group":
        labels = dict(REGIONAL_GROUPS)
        extra = {name: code for name, code in GROUP_CODE_BY_FILE_NAME.items()}
    else:
        labels = {"gender": GENDER, "category": CATEGORY, "stakeholder_type": STAKEHOLDER_TYPE}[field].labels
        extra = {}
    index: dict[str, str | None] = {}
    for code, label in labels.items():
        _add(index, match_key(code), code)
        for language in LANGUAGES:
            _add(index, match_key(_translations(language).gettext(english(label))), code)
    for name, code in extra.items():
        _add(index, match_key(name), code)
    return index


def split_items(value: str, index: dict[str, str | None]) -> list[str]:
    """The items of a select_multiple cell: the whole cell when it matches one choice, else split on
        ";", "|", a line break or "," (labels; a label that holds the separator itself, "Author,
        contributing author...", stays whole), else on spaces (names, as XLSForm tools write them, or
    labels, as KoboToolbox writes them in a label export, each rejoined as above)."""
    if index.get(match_key(value)):
        return [value]
    for separator in (";", "|", "\n", ","):
        if separator in value:
            return _segments(value.split(separator), separator, index)
    return _segments(value.split(), " ", index)


def _segments(parts: list[str], separator: str, index: dict[str, str | None]) -> list[str]:
    """`parts` joined back wherever the longest run of them from the left matches a choice."""
    items, start = [], 0
    while start < len(parts):
        end = next(
            (end for end in range(len(parts), start + 1, -1) if index.get(match_key(separator.join(parts[start:end])))),
            start + 1,
        )
        if item := separator.join(parts[start:end]).strip():
            items.append(item)
        start = end
    return items


def _value_target(value: str, index: dict[str, str | None], has_other: bool, countries: bool) -> ValueTarget | None:
    key = match_key(value)
    if key in MISSING:
        return ValueTarget("missing")
    for text in dict.fromkeys((value, repair_mojibake(value))):  # "CÃ´te d'Ivoire" is "Côte d'Ivoire"
        if index.get(match_key(text)):
            return ValueTarget("choice", index[match_key(text)])
        if countries and (code := country_code(text)):
            return ValueTarget("choice", code)
    if has_other:  # a typed answer, or a tool's own marker of "other" (LimeSurvey's "-oth-")
        return ValueTarget("other")
    return None


def _question_values(definition: Definition, question: Question, values: Iterable[str]) -> dict[str, ValueTarget]:
    if question.type not in ("select_one", "select_multiple") or not question.list_name:
        return {}
    index = choice_index(definition, question.list_name)
    has_other = OTHER in definition.choice_names(question.list_name)
    countries = question.list_name in CHOICE_LISTS or question.profile == "country"
    items = values
    if question.type == "select_multiple":
        items = [item for value in values for item in split_items(value, index)]
    index = {**_by_position(definition, question.list_name, items), **index}
    proposed = {}
    for item in dict.fromkeys(items):
        if (target := _value_target(item, index, has_other, countries)) is not None:
            proposed[item] = target
    return proposed


def _by_position(definition: Definition, list_name: str, values: list[str]) -> dict[str, str]:
    """Numbered codes (REDCap's, SPSS's) as the n-th choice, when every value is a number in range."""
    names = definition.choice_names(list_name)
    keys = [match_key(value) for value in values if match_key(value) not in MISSING]
    if not keys or not all(key.isdigit() and 1 <= int(key) <= len(names) for key in keys):
        return {}
    return {key: names[int(key) - 1] for key in keys}


def _choice_column_values(definition: Definition, target: Target, values: Iterable[str]) -> dict[str, ValueTarget]:
    question = definition.question(target.question)
    own = {key for key, name in choice_index(definition, question.list_name or "").items() if name == target.choice}
    proposed = {}
    for value in values:
        key = match_key(value)
        if key in UNTICKED or key in MISSING:
            proposed[value] = ValueTarget("missing")
        elif key in TICKED or key in own:
            proposed[value] = ValueTarget("choice", target.choice)
        elif target.choice == OTHER:  # the typed text of "other", in the choice's own column
            proposed[value] = ValueTarget("other")
    return proposed


def _code_values(index: dict[str, str | None], values: Iterable[str], lookup=None) -> dict[str, ValueTarget]:
    proposed = {}
    for value in values:
        key = match_key(value)
        code = lookup(value) if lookup else index.get(key)
        if not code and (repaired := repair_mojibake(value)) != value:
            code = lookup(repaired) if lookup else index.get(match_key(repaired))
        if key in MISSING:
            proposed[value] = ValueTarget("missing")
        elif code:
            proposed[value] = ValueTarget("choice", code)
    return proposed


def propose_values(definition: Definition, target: Target, values: Iterable[str]) -> dict[str, ValueTarget]:
    """A target for each distinct value of a column (items, for a select_multiple's own column);
    values matching nothing are left out."""
    values = [value for value in dict.fromkeys(values) if value is not None]
    if target.kind == "question" and target.question:
        return _question_values(definition, definition.question(target.question), values)
    if target.kind == "choice" and target.question and target.choice:
        return _choice_column_values(definition, target, values)
    if target.kind == "profile" and target.field == "country":
        return _code_values({}, values, lookup=country_code)
    if target.kind == "profile" and target.field:
        return _code_values(profile_index(target.field), values)
    if target.kind == "language":
        return _code_values({}, values, lookup=language_code)
    return {}


def distinct_values(rows: list[dict[str, str]]) -> dict[str, dict[str, None]]:
    """Each column's distinct non-empty values, in the order they first come (one pass over the rows)."""
    found: dict[str, dict[str, None]] = {}
    for row in rows:
        for key, value in row.items():
            if value:
                found.setdefault(key, {})[value] = None
    return found


def propose_all_values(
    definition: Definition, mapping: Mapping, rows: list[dict[str, str]], *, distinct: dict | None = None
) -> Mapping:
    """`mapping` with a value proposal for every mapped column whose values it does not map yet
    (values already mapped, from a saved mapping, are kept); `distinct`: `distinct_values(rows)`
    when the caller has it already."""
    distinct = distinct_values(rows) if distinct is None else distinct
    for key, target in mapping.columns.items():
        proposed = propose_values(definition, target, distinct.get(key, {}))
        mapping.values[key] = {**proposed, **mapping.values.get(key, {})}
    return mapping
