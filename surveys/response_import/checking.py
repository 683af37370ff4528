"""Checking an export against its mapping: typed answers per row, and a problem at every refused cell.

Each row becomes raw answers as the answering flow posts them (a choice's name, a list of names for
a select_multiple, text), then is checked as the answering flow checks a page (`answering.check_question`:
choices, numbers, dates, emails, constraints, lengths). An imported past wave keeps what was answered:
every answered question is kept, relevant or not; a required question that applies is reported
missing only when some column maps to it (a question the old survey never asked is no problem).
Profile fields come from the profile questions or profile columns; the regional group from the
country when no column gives it. Countries must be recorded in the registry's reference list.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from core.reference.countries import OBSERVER_STATES_CSV, member_state_rows
from surveys.answering import MAX_ANSWER_LENGTH, check_question, relevant_questions, to_typed, typed_values
from surveys.definition import Definition, Question
from surveys.response_import.plan import PROFILE_TARGETS, ImportedRow, ImportProblem, Mapping, Preview, SourceFile
from surveys.response_import.reading import ROW
from surveys.response_import.values import CHOICE_LISTS, OTHER, choice_index, split_items

_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_WHOLE = re.compile(r"^([+-]?\d+)\.0+$")


@dataclass(frozen=True)
class Lookups:
    """What the registry knows that checking needs: every recorded country (ISO alpha-2) and its
    regional group (None for a territory outside the five groups)."""

    countries: dict[str, str | None]

    @classmethod
    def from_reference(cls) -> Lookups:
        """The countries of the shipped reference files (member and observer states), for use without a database."""
        countries: dict[str, str | None] = {row["iso2"]: row["regional_group"] for row in member_state_rows()}
        with OBSERVER_STATES_CSV.open(encoding="utf-8") as handle:
            countries.update({row["iso2"]: None for row in csv.DictReader(handle)})
        return cls(countries=countries)


@dataclass
class _Row:
    """What one row has gathered while its cells are read."""

    number: int
    raw: dict[str, object] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # question -> the column its answer came from
    other_texts: dict[str, str] = field(default_factory=dict)
    profile: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(PROFILE_TARGETS))
    language: str | None = None
    email: str | None = None
    problems: list[ImportProblem] = field(default_factory=list)

    def problem(self, column: str, kind: str, message: str) -> None:
        self.problems.append(ImportProblem(row=self.number, column=column, kind=kind, message=message))

    def add_choice(self, question: str, column: str, choice: str) -> None:
        chosen = self.raw.setdefault(question, [])
        if choice not in chosen:
            chosen.append(choice)
        self.columns.setdefault(question, column)


def _question_label(question: Question) -> str:
    return question.name


def _unknown(state: _Row, column: str, question: Question | None, value: str) -> None:
    if question is None or question.list_name in CHOICE_LISTS or question.profile == "country":
        state.problem(column, "unknown country", _("%(value)s is not a recorded country.", value=value))
    else:
        message = _(
            "%(value)s matches no choice of %(question)s: map it to a choice, to “other” or to missing.",
            value=value,
            question=_question_label(question),
        )
        state.problem(column, "unknown value", message)


def _typed_text(question: Question, cell: str) -> str:
    """A cell as the answering flow would have posted it: whole numbers written "3.0" as "3",
    dates with a time of day as the date."""
    if question.type == "integer" and (match := _WHOLE.match(cell)):
        return match.group(1)
    if question.type == "date" and (match := _DATE_TIME.match(cell)):
        return match.group(1)
    return cell


def _read_select_one(state: _Row, definition: Definition, question: Question, column: str, cell: str, values) -> None:
    target = values.get(cell)
    if target is None:
        _unknown(state, column, question, cell)
    elif target.kind == "choice":
        state.raw[question.name] = target.choice
        state.columns.setdefault(question.name, column)
    elif target.kind == "other":
        state.raw[question.name] = OTHER
        state.other_texts[question.name] = cell
        state.columns.setdefault(question.name, column)


def _read_select_multiple(state: _Row, definition: Definition, question: Question, column: str, cell: str, values):
    index = choice_index(definition, question.list_name or "")
    for item in split_items(cell, index):
        target = values.get(item)
        if target is None:
            _unknown(state, column, question, item)
        elif target.kind == "choice" and target.choice:
            state.add_choice(question.name, column, target.choice)
        elif target.kind == "other":
            state.add_choice(question.name, column, OTHER)
            state.other_texts[question.name] = item
    state.columns.setdefault(question.name, column)


def _read_question(state: _Row, definition: Definition, name: str, column: str, cell: str, values) -> None:
    question = definition.question(name)
    if question.type == "select_one":
        _read_select_one(state, definition, question, column, cell, values)
    elif question.type == "select_multiple":
        _read_select_multiple(state, definition, question, column, cell, values)
    elif question.type != "note":
        state.raw[name] = _typed_text(question, cell)
        state.columns.setdefault(name, column)


def _read_choice(state: _Row, definition: Definition, target, column: str, cell: str, values) -> None:
    value = values.get(cell)
    if value is None:
        _unknown(state, column, definition.question(target.question), cell)
    elif value.kind == "choice":
        state.add_choice(target.question, column, target.choice)
    elif value.kind == "other":
        state.add_choice(target.question, column, OTHER)
        state.other_texts[target.question] = cell
    else:
        state.columns.setdefault(target.question, column)


def _read_other_text(state: _Row, definition: Definition, name: str, column: str, cell: str) -> None:
    question = definition.question(name)
    state.other_texts[name] = cell
    if question.type == "select_multiple":
        state.add_choice(name, column, OTHER)
    elif question.type == "select_one" and name not in state.raw:
        state.raw[name] = OTHER
        state.columns.setdefault(name, column)


def _read_coded(state: _Row, target, column: str, cell: str, values) -> None:
    value = values.get(cell)
    if target.kind == "language":
        if value is None:
            message = _("%(value)s is not one of the platform's languages.", value=cell)
            state.problem(column, "unknown language", message)
        elif value.kind == "choice":
            state.language = value.choice
    elif value is None:
        if target.field == "country":
            _unknown(state, column, None, cell)
        else:
            state.problem(column, "unknown value", _("%(value)s is not one of the allowed values.", value=cell))
    elif value.kind == "choice":
        state.profile[target.field] = value.choice
        state.columns.setdefault("#" + target.field, column)


def _read_email(state: _Row, column: str, cell: str) -> None:
    try:
        state.email = validate_email(cell, check_deliverability=False).normalized
    except EmailNotValidError:
        state.problem(column, "not an email", _("%(value)s is not a valid email address.", value=cell))


def read_row(row: dict[str, str], mapping: Mapping, definition: Definition) -> _Row:
    """The raw answers, profile, language and email of one row, and the problems of its cells."""
    state = _Row(number=int(row.get(ROW, 0)))
    for column, target in mapping.columns.items():
        cell = row.get(column)
        if not cell or target.kind == "ignore":
            continue
        values = mapping.values.get(column, {})
        if target.kind == "question" and target.question:
            _read_question(state, definition, target.question, column, cell, values)
        elif target.kind == "choice" and target.question and target.choice:
            _read_choice(state, definition, target, column, cell, values)
        elif target.kind == "other_text" and target.question:
            _read_other_text(state, definition, target.question, column, cell)
        elif target.kind in ("profile", "language") and (target.field or target.kind == "language"):
            _read_coded(state, target, column, cell, values)
        elif target.kind == "email":
            _read_email(state, column, cell)
    return state


# --- checking a row ---------------------------------------------------------------------------

PROBLEM_KINDS = {  # answering's problem kind -> the import's
    "choice": "unknown value",
    "integer": "not a number",
    "decimal": "not a number",
    "date": "not a date",
    "email": "not an email",
    "constraint": "constraint",
    "too_long": "too long",
    "required": "required missing",
}


def _problem_message(kind: str, question: Question, raw) -> str:
    value = " ".join(raw) if isinstance(raw, list) else str(raw or "")
    if kind == "choice":
        return _("%(value)s gives several answers to a question that takes one.", value=value)
    if kind == "integer":
        return _("%(value)s is not a whole number.", value=value)
    if kind == "decimal":
        return _("%(value)s is not a number.", value=value)
    if kind == "date":
        return _("%(value)s is not a date written YYYY-MM-DD.", value=value)
    if kind == "email":
        return _("%(value)s is not a valid email address.", value=value)
    if kind == "too_long":
        return _("The answer is longer than %(count)s characters.", count=MAX_ANSWER_LENGTH)
    if kind == "required":
        return _("%(question)s is required and has no answer.", question=_question_label(question))
    return _("%(value)s is not allowed by the rule of %(question)s.", value=value, question=_question_label(question))


def _carry_other_texts(state: _Row, definition: Definition, others: dict[str, Question]) -> None:
    """Each typed "other" text into the instrument's "please specify" question, when it has one."""
    for name, text in state.other_texts.items():
        if (specify := others.get(name)) is not None and specify.name not in state.raw:
            state.raw[specify.name] = text
            state.columns.setdefault(specify.name, state.columns.get(name, ""))


def _check_country(state: _Row, lookups: Lookups, row: dict[str, str]) -> None:
    code, column = state.profile.get("country"), state.columns.get("#country", "")
    if code is None:
        return
    if code not in lookups.countries:
        message = _(
            "%(value)s (%(code)s) is not a recorded country: record it as a territory, or map the value to missing.",
            value=row.get(column, code),
            code=code,
        )
        state.problem(column, "unknown country", message)
        state.profile["country"] = None
    elif state.profile.get("regional_group") is None:
        state.profile["regional_group"] = lookups.countries[code]


def _validate(state: _Row, definition: Definition, mapped: dict[str, str]) -> dict[str, object]:
    """Typed answers of the answered questions; a problem for each refused answer."""
    values = typed_values(definition, state.raw)
    answers = {}
    refused = {problem.column for problem in state.problems}
    for question in definition.questions():
        raw = state.raw.get(question.name)
        if raw is None or raw == [] or question.type == "note":
            continue
        if problem := check_question(definition, question, raw, values):
            column = state.columns.get(question.name, "")
            if column not in refused:  # one problem per cell: the first names it
                state.problem(column, PROBLEM_KINDS[problem.kind], _problem_message(problem.kind, question, raw))
            continue
        value = to_typed(question, raw)
        if question.type == "select_multiple":  # in the list's order, as a form posts them
            order = {name: i for i, name in enumerate(definition.choice_names(question.list_name or ""))}
            value = sorted(value, key=lambda name: order.get(name, len(order)))
        answers[question.name] = value
    refused = {problem.column for problem in state.problems}
    for question in relevant_questions(definition, values, registry=False):
        column = mapped.get(question.name)
        if question.required and column and column not in refused and state.raw.get(question.name) in (None, []):
            state.problem(column, "required missing", _problem_message("required", question, None))
    return answers


def check_row(
    row: dict[str, str], mapping: Mapping, definition: Definition, lookups: Lookups, *, context: _Context
) -> tuple[ImportedRow | None, list[ImportProblem]]:
    """One row as an ImportedRow (None when refused) and its problems."""
    state = read_row(row, mapping, definition)
    _carry_other_texts(state, definition, context.others)
    for question in context.profile_questions:
        value = state.raw.get(question.name)
        if isinstance(value, str) and value != OTHER:
            state.profile[question.profile] = value
            state.columns.setdefault("#" + question.profile, state.columns.get(question.name, ""))
    _check_country(state, lookups, row)
    answers = _validate(state, definition, context.mapped)
    if state.problems:
        return None, state.problems
    imported = ImportedRow(
        row=state.number,
        answers=answers,
        profile=state.profile,
        language=state.language,
        email=state.email,
        other_texts=state.other_texts,
    )
    return imported, []


@dataclass(frozen=True)
class _Context:
    others: dict[str, Question]  # select question -> its "please specify" question
    profile_questions: tuple[Question, ...]
    mapped: dict[str, str]  # question -> the first column that maps to it


def _context(mapping: Mapping, definition: Definition) -> _Context:
    questions = definition.questions()
    mapped: dict[str, str] = {}
    for column, target in mapping.columns.items():
        if target.question and target.kind != "ignore":
            mapped.setdefault(target.question, column)
    for question in questions:
        if question.other_of in mapped:
            mapped.setdefault(question.name, mapped[question.other_of])
    return _Context(
        others={q.other_of: q for q in questions if q.other_of},
        profile_questions=tuple(q for q in questions if q.profile in PROFILE_TARGETS),
        mapped=mapped,
    )


def check(
    source: SourceFile, rows: list[dict[str, str]], mapping: Mapping, definition: Definition, lookups: Lookups
) -> Preview:
    """The rows ready to store and the problems of the refused ones (see the module's docstring)."""
    context = _context(mapping, definition)
    preview = Preview(source=source, mapping=mapping)
    for row in rows:
        imported, problems = check_row(row, mapping, definition, lookups, context=context)
        if imported is not None:
            preview.rows.append(imported)
        preview.problems.extend(problems)
    return preview
