"""Reading one row's cells into raw answers, as the answering flow would have posted them.

A select_one cell becomes its choice's name (or "other", keeping the text), a select_multiple cell or
its 0/1 columns a list of names, other cells their text (whole numbers written "3.0" as "3", a date
with a time of day as the date); profile, language and email columns their code or address. A cell
whose value the mapping does not map is a problem at that cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from surveys.definition import Definition, Grid, Question
from surveys.response_import.plan import PROFILE_TARGETS, ImportProblem, Mapping, Target, ValueTarget
from surveys.response_import.reading import ROW
from surveys.response_import.values import CHOICE_LISTS, OTHER, OTHER_MARKERS, choice_index, match_key, split_items

_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_WHOLE = re.compile(r"^([+-]?\d+)\.0+$")


@dataclass
class RowContext:
    """What every row of one check uses, worked out once: questions by name, choice indexes, the
    mapped columns with their value maps."""

    definition: Definition
    questions: dict[str, Question]
    indexes: dict[str, dict[str, str | None]]  # list name -> choice_index
    by_column: dict[str, tuple[Target, dict[str, ValueTarget]]]  # mapped columns: target, value map
    others: dict[str, Question]  # select question -> its "please specify" question
    profile_questions: tuple[Question, ...]
    mapped: dict[str, str]  # question -> the first column that maps to it
    conditions: dict[str, tuple[str, ...]]  # question -> the `relevant` of its page, grid and own
    required: tuple[str, ...]  # required questions some column maps to
    splits: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (list, cell) -> its items

    @classmethod
    def build(cls, mapping: Mapping, definition: Definition) -> RowContext:
        questions = [q for q in definition.questions() if q.type != "note"]
        mapped: dict[str, str] = {}
        for column, target in mapping.columns.items():
            if target.question and target.kind != "ignore":
                mapped.setdefault(target.question, column)
        for question in questions:
            if question.other_of in mapped:
                mapped.setdefault(question.name, mapped[question.other_of])
        return cls(
            definition=definition,
            questions={q.name: q for q in questions},
            indexes={name: choice_index(definition, name) for name in definition.choices},
            by_column={c: (t, mapping.values.get(c, {})) for c, t in mapping.columns.items() if t.kind != "ignore"},
            others={q.other_of: q for q in questions if q.other_of},
            profile_questions=tuple(q for q in questions if q.profile in PROFILE_TARGETS),
            mapped=mapped,
            conditions=_conditions(definition),
            # A "please specify" left empty is no reason to refuse a past answer of "other".
            required=tuple(q.name for q in questions if q.required and q.name in mapped and not q.other_of),
        )


def _conditions(definition: Definition) -> dict[str, tuple[str, ...]]:
    found = {}
    for page in definition.pages:
        for item in page.items:
            for question in item.questions if isinstance(item, Grid) else (item,):
                found[question.name] = tuple(x.relevant for x in (page, item, question) if x.relevant)
    return found


@dataclass
class Row:
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


def question_label(question: Question) -> str:
    return question.name


def _unknown(state: Row, column: str, question: Question | None, value: str) -> None:
    if question is None or question.list_name in CHOICE_LISTS or question.profile == "country":
        state.problem(column, "unknown country", _("%(value)s is not a recorded country.", value=value))
    else:
        message = _(
            "%(value)s matches no choice of %(question)s: map it to a choice, to “other” or to missing.",
            value=value,
            question=question_label(question),
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


def _read_select_one(state: Row, question: Question, column: str, cell: str, values) -> None:
    target = values.get(cell)
    if target is None:
        _unknown(state, column, question, cell)
    elif target.kind == "choice":
        state.raw[question.name] = target.choice
        state.columns.setdefault(question.name, column)
    elif target.kind == "other":
        state.raw[question.name] = OTHER
        if match_key(cell) not in OTHER_MARKERS:  # a typed answer, not the tool's mark for "other"
            state.other_texts.setdefault(question.name, cell)
        state.columns.setdefault(question.name, column)


def _read_select_multiple(state: Row, ctx: RowContext, question: Question, column: str, cell: str, values):
    key = (question.list_name or "", cell)
    if key not in ctx.splits:
        ctx.splits[key] = split_items(cell, ctx.indexes.get(question.list_name or "", {}))
    for item in ctx.splits[key]:
        target = values.get(item)
        if target is None:
            _unknown(state, column, question, item)
        elif target.kind == "choice" and target.choice:
            state.add_choice(question.name, column, target.choice)
        elif target.kind == "other":
            state.add_choice(question.name, column, OTHER)
            if match_key(item) not in OTHER_MARKERS:
                state.other_texts[question.name] = item
    state.columns.setdefault(question.name, column)


def _read_question(state: Row, ctx: RowContext, name: str, column: str, cell: str, values) -> None:
    question = ctx.questions[name]
    if question.type == "select_one":
        _read_select_one(state, question, column, cell, values)
    elif question.type == "select_multiple":
        _read_select_multiple(state, ctx, question, column, cell, values)
    else:
        state.raw[name] = _typed_text(question, cell)
        state.columns.setdefault(name, column)


def _read_choice(state: Row, ctx: RowContext, target, column: str, cell: str, values) -> None:
    value = values.get(cell)
    if value is None:
        _unknown(state, column, ctx.questions[target.question], cell)
    elif value.kind == "choice":
        state.add_choice(target.question, column, target.choice)
    elif value.kind == "other":
        state.add_choice(target.question, column, OTHER)
        state.other_texts[target.question] = cell
    else:
        state.columns.setdefault(target.question, column)


def _read_other_text(state: Row, ctx: RowContext, name: str, column: str, cell: str) -> None:
    question = ctx.questions[name]
    state.other_texts[name] = cell
    if question.type == "select_multiple":
        state.add_choice(name, column, OTHER)
    elif question.type == "select_one" and name not in state.raw:
        state.raw[name] = OTHER
        state.columns.setdefault(name, column)


def _read_coded(state: Row, target, column: str, cell: str, values) -> None:
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


def _read_email(state: Row, column: str, cell: str) -> None:
    if (address := normal_email(cell)) is not None:
        state.email = address
    else:
        state.problem(column, "not an email", _("%(value)s is not a valid email address.", value=cell))


@lru_cache(maxsize=65536)
def normal_email(text: str) -> str | None:
    """The address in its normal form, None when it is not one (the form alone: no network look-up)."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def read_row(row: dict[str, str], ctx: RowContext) -> Row:
    """The raw answers, profile, language and email of one row, and the problems of its cells."""
    state = Row(number=int(row.get(ROW, 0)))
    for column, cell in row.items():
        if column not in ctx.by_column or not cell:
            continue
        target, values = ctx.by_column[column]
        if target.kind == "choice" and (value := values.get(cell)) is not None and value.kind == "missing":
            continue  # an unticked 0/1 column: most cells of a wide export
        if target.kind == "question" and target.question:
            _read_question(state, ctx, target.question, column, cell, values)
        elif target.kind == "choice" and target.question and target.choice:
            _read_choice(state, ctx, target, column, cell, values)
        elif target.kind == "other_text" and target.question:
            _read_other_text(state, ctx, target.question, column, cell)
        elif target.kind in ("profile", "language") and (target.field or target.kind == "language"):
            _read_coded(state, target, column, cell, values)
        elif target.kind == "email":
            _read_email(state, column, cell)
    return state
