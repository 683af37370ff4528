"""Column mapping: which question, choice, profile field or nothing each column of an export holds.

`propose_mapping` proposes a target for every column by its header, then by its values:

1. a column an export tool adds by itself (LimeSurvey's `submitdate`, SurveyMonkey's "Respondent ID",
   KoboToolbox's `_uuid`, REDCap's `record_id`...) goes nowhere, unless it names the language or an email;
2. the header is matched (see `values.match_key`) against each question's name and its labels in the
   six languages; a header naming a question and a choice (LimeSurvey's `q[choice]` and
   "Question [Choice]", LimeSurvey VV's `q_choice`, SurveyMonkey's two header rows, KoboToolbox's
   `group/q/choice`, REDCap's `q___code`) maps to that choice of a select_multiple (by the choice's name, label, or its position
   when the code is a number), or to the question's typed "other" text;
3. headers naming a profile field (country, regional group, gender, category, organisation type),
   the language or an email, in the six languages, map to it (a profile field the instrument asks
   as a question maps to that question);
4. a column still unmatched whose values are mostly countries, languages or one question's choices
   maps to that;
5. a column taken for the typed "other" text whose values are only 0/1 (ticked/unticked) or the
   "other" choice's label is that choice's own column (KoboToolbox's `roles/other`), not the text;
6. the first column left out whose header names the time of submission (`submitdate`, "Date submitted",
   `_submission_time`...) and whose cells are times is the response's time (`Target("submitted_at")`);
7. the later of two columns with identical content goes nowhere.

A saved mapping (one kept with the wave for a file of the same shape) wins for the columns it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from surveys.definition import Definition, Question
from surveys.response_import.plan import Mapping, SourceFile, Target
from surveys.response_import.reading import (
    KOBO_COLUMNS,
    LIMESURVEY_COLUMNS,
    REDCAP_COLUMNS,
    SURVEYMONKEY_COLUMNS,
    header_key,
)
from surveys.response_import.timestamps import time_column
from surveys.response_import.values import (
    MISSING,
    OTHER,
    TICKED,
    UNTICKED,
    choice_index,
    country_code,
    distinct_values,
    language_code,
    match_key,
    propose_all_values,
    split_items,
)

PROFILE_HEADERS = {
    "country": (
        "country", "pays", "pais", "страна", "国家", "البلد", "country of residence", "country of work",
        "country where you work", "pays de residence",
    ),
    "regional_group": ("regional group", "un regional group", "region", "groupe regional", "grupo regional", "региональная группа"),
    "gender": ("gender", "sex", "genre", "sexe", "genero", "sexo", "пол", "性别", "الجنس"),
    "category": ("category", "stakeholder category", "categorie", "categoria", "категория", "类别", "الفئة"),
    "stakeholder_type": (
        "organisation type", "organization type", "type of organisation", "type of organization",
        "stakeholder type", "type d organisation", "type d organisme", "tipo de organizacion",
    ),
}  # fmt: skip
LANGUAGE_HEADERS = (
    "language", "langue", "idioma", "язык", "语言", "اللغة", "startlanguage", "start language", "survey language",
    "response language", "lang",
)  # fmt: skip
EMAIL_HEADERS = (
    "email",
    "e mail",
    "email address",
    "e mail address",
    "courriel",
    "correo electronico",
    "adresse electronique",
)
OTHER_HEADERS = (
    "other", "other please specify", "other specify", "please specify", "autre", "autre veuillez preciser", "otro",
    "otro especifique", "other text", "other_text",
)  # fmt: skip
TOOL_COLUMNS = {header_key(c) for c in LIMESURVEY_COLUMNS | SURVEYMONKEY_COLUMNS | KOBO_COLUMNS | REDCAP_COLUMNS}
_REDCAP_FORM_COLUMN = re.compile(r"^[a-z][a-z0-9_]*_(complete|timestamp)$")  # a REDCap form's status and time
_NUMBERING = re.compile(r"^(?:q\s?)?\d+[a-z]?\s")  # "Q1 ", "12 ", "3a " before a question's text
_BRACKETS = re.compile(r"^(.+?)\s*\[(.+)\]$")
SHARE = 0.8  # of a column's distinct values that must match for a proposal by values


def _question_index(definition: Definition) -> dict[str, str | None]:
    index: dict[str, str | None] = {}
    for question in definition.questions():
        if question.type == "note":
            continue
        compact = match_key(question.name).replace(" ", "")  # LimeSurvey codes have no underscores
        for key in (match_key(question.name), compact, *(match_key(text) for text in question.labels.values())):
            if key:
                index[key] = question.name if index.get(key, question.name) == question.name else None
    return index


def _parts(header: str) -> Iterator[tuple[str, str | None]]:
    """(question part, choice part or None) readings of a header, likeliest first."""
    yield header, None
    if " | " in header:  # SurveyMonkey's two header rows
        question, choice = header.rsplit(" | ", 1)
        yield question, choice
    if " | " in header:  # a SurveyMonkey matrix: the row is the question
        yield header.rsplit(" | ", 1)[1], None
    if match := _BRACKETS.match(header):  # LimeSurvey: q[choice], "Question [Choice]"; an array's row
        yield match.group(1), match.group(2)
        yield match.group(2), None
    if "___" in header:  # REDCap checkboxes
        question, choice = header.rsplit("___", 1)
        yield question, choice
    if "_" in header.strip("_"):  # LimeSurvey's VV codes: q_choice (its codes have no underscore of their own)
        question, choice = header.rsplit("_", 1)
        yield question, choice
    if "/" in header:  # KoboToolbox group paths: group/q, group/q/choice, "Label/Choice label"
        segments = header.split("/")
        for cut in range(len(segments) - 1, 0, -1):
            yield "/".join(segments[cut:]), None
            yield "/".join(segments[cut - 1 : -1]) if cut > 1 else segments[0], segments[-1]
        for cut in range(1, len(segments)):
            yield "/".join(segments[:cut]), "/".join(segments[cut:])


def _find_question(text: str, index: dict[str, str | None]) -> str | None:
    key = match_key(text)
    return index.get(key) or index.get(_NUMBERING.sub("", key)) or index.get(key.replace(" ", ""))


def _choice_target(definition: Definition, question: Question, choice_text: str) -> Target | None:
    key = match_key(choice_text)
    if question.type == "select_multiple" and question.list_name:
        names = definition.choice_names(question.list_name)
        index = choice_index(definition, question.list_name)
        if choice := index.get(key) or index.get(key.replace(" ", "")):
            return Target("choice", question=question.name, choice=choice)
        if key.isdigit() and 1 <= int(key) <= len(names):  # REDCap's numbered codes, by position
            return Target("choice", question=question.name, choice=names[int(key) - 1])
    if key in {match_key(h) for h in OTHER_HEADERS} and _has_other(definition, question):
        return Target("other_text", question=question.name)
    return None


def _has_other(definition: Definition, question: Question) -> bool:
    return bool(question.list_name) and OTHER in definition.choice_names(question.list_name)


def _by_header(definition: Definition, header: str, index: dict[str, str | None]) -> Target | None:
    for question_text, choice_text in _parts(header):
        name = _find_question(question_text, index)
        if name is None:
            continue
        question = definition.question(name)
        if choice_text is None and question.other_of:  # the "please specify" text of a select's "other"
            return Target("other_text", question=question.other_of)
        if choice_text is None:
            return Target("question", question=name)
        if target := _choice_target(definition, question, choice_text):
            return target
    return None


def _profile_target(definition: Definition, field: str) -> Target:
    for question in definition.questions():
        if question.profile == field:
            return Target("question", question=question.name)
    return Target("profile", field=field)


def _by_role(definition: Definition, header: str) -> Target | None:
    """A profile field, the language or an email, named by the header (or its last `/` segment)."""
    for text in dict.fromkeys((header, header.rsplit("/", 1)[-1])):
        key = match_key(text)
        for field, names in PROFILE_HEADERS.items():
            if key in {match_key(n) for n in names}:
                return _profile_target(definition, field)
        if key in {match_key(n) for n in LANGUAGE_HEADERS}:
            return Target("language")
        if key in {match_key(n) for n in EMAIL_HEADERS}:
            return Target("email")
    return None


def _share(values: list[str], matches) -> float:
    return sum(1 for value in values if matches(value)) / len(values) if values else 0.0


def _by_values(definition: Definition, values: list[str], taken: set[str]) -> Target | None:
    """A target for a column by its distinct values (at most 50 looked at)."""
    values = [v for v in values if match_key(v) not in MISSING][:50]
    if not values:
        return None
    if _share(values, country_code) >= SHARE:
        return _profile_target(definition, "country")
    if _share(values, language_code) >= SHARE:
        return Target("language")
    best, best_share = None, 0.0
    for question in definition.questions():
        if question.name in taken or question.type not in ("select_one", "select_multiple") or not question.list_name:
            continue
        index = choice_index(definition, question.list_name)
        share = _share(values, lambda v, i=index: all(i.get(match_key(x)) for x in split_items(v, i)))
        if share > best_share:
            best, best_share = question.name, share
    return Target("question", question=best) if best and best_share >= SHARE else None


def _specify_after(definition: Definition, source: SourceFile, targets: dict[str, Target]) -> None:
    """A "Please specify" header that several questions share ("Veuillez préciser"), right after the
    columns of a select with an "other" choice, is that select's typed "other" text."""
    previous: Target | None = None
    for key, header in zip(source.columns, source.headers):
        target = targets[key]
        if target.kind == "ignore" and previous is not None and previous.question:
            question = definition.question(previous.question)
            specify = next((q for q in definition.questions() if q.other_of == question.name), None)
            last = match_key(header.rsplit("/", 1)[-1])
            if specify is not None and last in {match_key(text) for text in specify.labels.values()}:
                targets[key] = Target("other_text", question=question.name)
        if targets[key].kind != "ignore":
            previous = targets[key]


def _ticks_of_other(definition: Definition, targets: dict[str, Target], distinct: dict) -> None:
    """A column taken for a select's typed "other" text that holds only ticks (1/0, Yes/No...) or the
    "other" choice's label is the "other" choice's column: only free text is the typed text."""
    for key, target in targets.items():
        values = [match_key(value) for value in distinct.get(key, {})]
        if target.kind != "other_text" or not target.question or not any(v not in MISSING for v in values):
            continue
        question = definition.question(target.question)
        labels = {k for k, name in choice_index(definition, question.list_name or "").items() if name == OTHER}
        if all(v in TICKED or v in UNTICKED or v in MISSING or v in labels for v in values):
            targets[key] = Target("choice", question=target.question, choice=OTHER)


def is_tool_column(header: str) -> bool:
    """Whether the export tool added the column by itself (an id, a time, a status)."""
    return header_key(header) in TOOL_COLUMNS or bool(_REDCAP_FORM_COLUMN.match(header_key(header)))


def propose_columns(
    source: SourceFile, rows: list[dict[str, str]], definition: Definition, *, distinct: dict | None = None
) -> dict[str, Target]:
    """A target for every column of the file (steps 1 to 7 of the module's docstring)."""
    index = _question_index(definition)
    targets: dict[str, Target] = {}
    for key, header in zip(source.columns, source.headers):
        role = _by_role(definition, header)
        if is_tool_column(header) and not (role and role.kind in ("language", "email")):
            targets[key] = Target("ignore")
        else:
            targets[key] = _by_header(definition, header, index) or role or Target("ignore")
    _specify_after(definition, source, targets)
    distinct = distinct_values(rows) if distinct is None else distinct
    _ticks_of_other(definition, targets, distinct)
    taken = {t.question for t in targets.values() if t.question}
    for key, header in zip(source.columns, source.headers):
        if targets[key].kind == "ignore" and not is_tool_column(header):
            if found := _by_values(definition, list(distinct.get(key, {})), taken):
                targets[key] = found
                taken.add(found.question or "")
    if time := time_column(dict(zip(source.columns, source.headers)), rows, targets):
        targets[time] = Target("submitted_at")
    for first, later in source.identical_columns:
        if targets.get(later) == targets.get(first):
            targets[later] = Target("ignore")
    return targets


def propose_mapping(
    source: SourceFile,
    rows: list[dict[str, str]],
    definition: Definition,
    *,
    saved: Mapping | None = None,
    distinct: dict | None = None,
) -> Mapping:
    """The proposed column and value mapping of a file; `saved` (the mapping kept for a file of the
    same signature) wins for every column and value it names; `distinct`: `distinct_values(rows)`."""
    distinct = distinct_values(rows) if distinct is None else distinct
    columns = propose_columns(source, rows, definition, distinct=distinct)
    values: dict = {}
    dates = {key: order for key, order in saved.dates.items() if key in columns} if saved is not None else {}
    if saved is not None:
        columns.update({key: target for key, target in saved.columns.items() if key in columns})
        values = {key: dict(mapped) for key, mapped in saved.values.items() if key in columns}
    return propose_all_values(definition, Mapping(columns=columns, values=values, dates=dates), rows, distinct=distinct)
