"""Checking an export against its mapping: typed answers per row, and a problem at every refused cell.

Each row becomes raw answers as the answering flow posts them (`cells.read_row`), then is checked as
the answering flow checks a page (`answering.check_question`: choices, numbers, dates, emails,
constraints, lengths). An imported past wave keeps what was answered: every answered question is
kept, relevant or not; a required question that applies is reported missing only when some column
maps to it (a question the old survey never asked is no problem; nor is an empty "please specify").
Profile fields come from the
profile questions or profile columns; the regional group from the country when no column gives it.
Countries must be recorded in the registry (`Lookups`).

An answer whose check depends on nothing but itself (no constraint, or one without `${...}`) is
checked once per distinct value, so a file of 100,000 rows costs little more than its distinct values.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from flask_babel import gettext as _

from core.reference.countries import OBSERVER_STATES_CSV, member_state_rows
from surveys.answering import (
    MAX_ANSWER_LENGTH,
    AnswerProblem,
    check_question,
    is_relevant,
    to_typed,
    typed_values,
)
from surveys.definition import Definition, Question
from surveys.expressions import parse
from surveys.response_import.cells import Row, RowContext, question_label, read_row
from surveys.response_import.plan import ImportedRow, ImportProblem, Mapping, Preview, SourceFile
from surveys.response_import.reading import paused_gc
from surveys.response_import.values import OTHER

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
class _Checker:
    """A check's context, and what it has learnt of answers that depend on nothing but themselves."""

    rows: RowContext
    lookups: Lookups
    alone: set[str]  # questions whose check depends only on their own answer (an email's included)
    order: dict[str, dict[str, int]]  # select_multiple question -> each choice's place
    memo: dict[tuple, tuple[AnswerProblem | None, object]] = field(default_factory=dict)
    relevance: dict[tuple, bool] = field(default_factory=dict)  # (question, answers it refers to) -> applies
    references: dict[str, list[str]] = field(default_factory=dict)  # question -> what its conditions refer to

    @classmethod
    def build(cls, mapping: Mapping, definition: Definition, lookups: Lookups) -> _Checker:
        context = RowContext.build(mapping, definition)
        alone = {q.name for q in context.questions.values() if not q.constraint or not parse(q.constraint).references}
        order = {
            q.name: {name: i for i, name in enumerate(definition.choice_names(q.list_name))}
            for q in context.questions.values()
            if q.type == "select_multiple" and q.list_name
        }
        return cls(rows=context, lookups=lookups, alone=alone, order=order)


def _problem_message(kind: str, question: Question, raw) -> str:
    value = " ".join(raw) if isinstance(raw, list) else str(raw or "")
    if kind == "choice" and question.type == "select_one" and isinstance(raw, list) and len(raw) > 1:
        return _("%(value)s gives several answers to a question that takes one.", value=value)
    if kind == "choice":
        return _(
            "%(value)s matches no choice of %(question)s: map it to a choice, to “other” or to missing.",
            value=value,
            question=question_label(question),
        )
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
        return _("%(question)s is required and has no answer.", question=question_label(question))
    return _("%(value)s is not allowed by the rule of %(question)s.", value=value, question=question_label(question))


def _carry_other_texts(state: Row, context: RowContext) -> None:
    """Each typed "other" text into the instrument's "please specify" question, when it has one."""
    for name, text in state.other_texts.items():
        if (specify := context.others.get(name)) is not None and specify.name not in state.raw:
            state.raw[specify.name] = text
            state.columns.setdefault(specify.name, state.columns.get(name, ""))


def _profile_from_questions(state: Row, context: RowContext) -> None:
    for question in context.profile_questions:
        value = state.raw.get(question.name)
        if isinstance(value, str) and value != OTHER:
            state.profile[question.profile] = value
            state.columns.setdefault("#" + question.profile, state.columns.get(question.name, ""))


def _check_country(state: Row, lookups: Lookups, row: dict[str, str]) -> None:
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


def _checked(checker: _Checker, question: Question, raw, values: dict) -> tuple[AnswerProblem | None, object]:
    """`check_question`'s problem and the typed answer (a select_multiple's choices in the list's
    order, as a form posts them); once per distinct answer for questions whose check depends on
    nothing else."""
    key = (question.name, tuple(raw) if isinstance(raw, list) else raw)
    if question.name in checker.alone and key in checker.memo:
        return checker.memo[key]
    problem = check_question(checker.rows.definition, question, raw, values)
    value = None if problem else to_typed(question, raw)
    if value is not None and question.name in checker.order:
        order = checker.order[question.name]
        value = tuple(sorted(value, key=lambda choice: order.get(choice, len(order))))
    if question.name in checker.alone:
        checker.memo[key] = (problem, value)
    return problem, value


def _validate(state: Row, checker: _Checker) -> dict[str, object]:
    """Typed answers of the answered questions; a problem for each refused answer."""
    values: dict = {}
    answers = {}
    refused = {problem.column for problem in state.problems}
    for name, raw in state.raw.items():
        question = checker.rows.questions.get(name)
        if question is None or raw is None or raw == []:
            continue
        if not values and name not in checker.alone:
            values.update(typed_values(checker.rows.definition, state.raw))
        problem, value = _checked(checker, question, raw, values)
        if problem is not None:
            column = state.columns.get(name, "")
            if column not in refused:  # one problem per cell: the first names it
                state.problem(column, PROBLEM_KINDS[problem.kind], _problem_message(problem.kind, question, raw))
            continue
        answers[name] = list(value) if isinstance(value, tuple) else value
    _required(state, checker)
    return answers


def _applies(checker: _Checker, name: str, raw: dict) -> bool:
    """Whether a question's page, grid and own `relevant` hold, once per distinct set of the answers
    they refer to."""
    conditions = checker.rows.conditions.get(name, ())
    if not conditions:
        return True
    references = checker.references.setdefault(name, sorted(set().union(*(parse(x).references for x in conditions))))
    key = (name, *(tuple(v) if isinstance(v := raw.get(ref), list) else v for ref in references))
    if key not in checker.relevance:
        values = typed_values(checker.rows.definition, {ref: raw[ref] for ref in references if ref in raw})
        checker.relevance[key] = all(is_relevant(x, values) for x in conditions)
    return checker.relevance[key]


def _required(state: Row, checker: _Checker) -> None:
    """A problem for each required question that applies, that a column maps to, and that has no answer."""
    context = checker.rows
    refused = {problem.column for problem in state.problems}
    for name in context.required:
        if state.raw.get(name) or context.mapped[name] in refused or not _applies(checker, name, state.raw):
            continue
        question = context.questions[name]
        state.problem(context.mapped[name], "required missing", _problem_message("required", question, None))


def check_row(row: dict[str, str], checker: _Checker) -> tuple[ImportedRow | None, list[ImportProblem]]:
    """One row as an ImportedRow (None when refused) and its problems."""
    state = read_row(row, checker.rows)
    _carry_other_texts(state, checker.rows)
    _profile_from_questions(state, checker.rows)
    _check_country(state, checker.lookups, row)
    answers = _validate(state, checker)
    if not (answers or state.problems or state.email or any(state.profile.values())):
        # REDCap writes 0 in every checkbox of a form never filled: such a row is no response
        message = _("The row answers no question: each of its mapped cells is empty or unticked.")
        state.problem("", "no answer", message)
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


def check(
    source: SourceFile, rows: list[dict[str, str]], mapping: Mapping, definition: Definition, lookups: Lookups
) -> Preview:
    """The rows ready to store and the problems of the refused ones (see the module's docstring)."""
    checker = _Checker.build(mapping, definition, lookups)
    preview = Preview(source=source, mapping=mapping)
    with paused_gc():
        for row in rows:
            imported, problems = check_row(row, checker)
            if imported is not None:
                preview.rows.append(imported)
            preview.problems.extend(problems)
    return preview
