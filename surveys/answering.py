"""What a respondent sees and may answer: visible pages, typed values, validation.

Answers travel as *raw* values (what a form posts: a string, or a list of strings for
`select_multiple`); drafts keep them raw so an invalid entry comes back exactly as typed.
*Typed* values (see surveys.expressions) are what `relevant` and `constraint` see and what
submission stores. Plain functions over a Definition: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from surveys.answer_values import Raw, clean_raw, in_range, to_typed
from surveys.definition import NOT_ASKED, RECORDED_METADATA, Choice, Definition, Grid, Page, Question, Repeat
from surveys.expression_values import to_string
from surveys.expressions import COLUMN_PREFIX, ExpressionError, evaluate_bool, parse

# XLSForm has no email type: an email question is a `text` one named for it (email, contact_email, email_address).
_EMAIL_NAME = re.compile(r"(^|[_.-])e-?mail([_.-]|$)")

# The longest answer one question takes, in characters (said beside text questions).
MAX_ANSWER_LENGTH = 10_000


# --- values -----------------------------------------------------------------------------------


def clean_answers(definition: Definition, raw: Mapping[str, Raw | None]) -> dict[str, Raw | None]:
    """Every raw value cleaned as `clean_raw` cleans a posted one (a draft kept from before the
    cleaning, or values that did not come through a form); values of no question are kept as they are."""
    questions = {q.name: q for q in definition.questions()}
    cleaned = {name: clean_raw(questions[name], value) if name in questions else value for name, value in raw.items()}
    return {**cleaned, **read_only_answers(definition)}


def default_raw(question: Question) -> Raw | None:
    """A question's `default` as a raw answer (a select_multiple's is its space-separated choices)."""
    if not question.default:
        return None
    return clean_raw(question, question.default.split() if question.type == "select_multiple" else question.default)


def default_answers(definition: Definition) -> dict[str, Raw]:
    """The draft a new response starts with: every question's default (a respondent may clear one)."""
    found = {q.name: default_raw(q) for q in definition.questions() if q.type not in NOT_ASKED}
    return {name: value for name, value in found.items() if value is not None}


def read_only_answers(definition: Definition) -> dict[str, Raw | None]:
    """Read-only questions' values: their default, whatever was posted or kept in the draft."""
    return {q.name: default_raw(q) for q in definition.questions() if q.read_only and q.type not in NOT_ASKED}


def choices_for(definition: Definition, question: Question, values: Mapping[str, object]) -> tuple[Choice, ...]:
    """A select's choices that apply given the answers so far: those its `choice_filter` keeps (the
    choice's columns read as bare names, `name` its name)."""
    listed = definition.choices.get(question.list_name or "", ())
    if not question.choice_filter:
        return listed
    expression = parse(question.choice_filter, choice_columns=True)
    kept = []
    for choice in listed:
        row = {**values, COLUMN_PREFIX + "name": choice.name}
        row.update({COLUMN_PREFIX + column: text for column, text in choice.columns.items()})
        if expression.evaluate_bool(row):
            kept.append(choice)
    return tuple(kept)


def filtered_on_page(question: Question, page: Page) -> list[str]:
    """The answers on its own page that a select's choice_filter reads, if any (the page then offers to update
    the choices, for browsers without JavaScript; with it, survey.js updates them when one of these changes)."""
    if not question.choice_filter:
        return []
    on_page = {q.name for q in page_questions(page)}
    return sorted(parse(question.choice_filter, choice_columns=True).references & on_page)


def is_email(question: Question) -> bool:
    """Whether a question asks for an email address (checked as one, and typed on an email keyboard)."""
    return question.type == "text" and bool(_EMAIL_NAME.search(question.name.lower()))


def _is_email_address(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)  # the form alone: no network lookups
    except EmailNotValidError:
        return False
    return True


def typed_values(definition: Definition, raw: Mapping[str, Raw]) -> dict[str, object]:
    """Every question's typed value (None when unanswered), as expressions expect; calculates are computed
    from the others (never taken from what was posted)."""
    questions = [q for q in definition.questions() if q.type != "note"]
    raw = {**raw, **read_only_answers(definition)}
    values = {q.name: None if q.type == "calculate" else to_typed(q, raw.get(q.name)) for q in questions}
    calculates = [q for q in questions if q.type == "calculate"]
    # Form order, twice over, so that a calculate reading a later one sees its value (cycles are refused).
    for question in calculates * min(2, len(calculates)):
        values[question.name] = calculated(question, values)
    return values


def calculated(question: Question, values: Mapping[str, object]) -> str | None:
    """A calculate's value, as text the way ODK keeps it (None when empty, when its own `relevant` does not
    hold, or when the expression cannot be computed)."""
    if not question.calculation or not is_relevant(question.relevant, values):
        return None
    try:
        value = to_string(parse(question.calculation).evaluate(values))
    except (ExpressionError, ArithmeticError, ValueError, TypeError):
        return None
    return value or None


# --- relevance and visibility -----------------------------------------------------------------


def _evaluate_bool(expression: str, values: Mapping[str, object], current=None) -> bool:
    return bool(evaluate_bool(expression, values, current))


@lru_cache(maxsize=4096)
def _references(expression: str) -> frozenset[str]:
    return parse(expression).references


def is_relevant(expression: str | None, values: Mapping[str, object]) -> bool:
    return expression is None or not expression.strip() or _evaluate_bool(expression, values)


def _asked(question: Question, registry: bool) -> bool:
    # Registry respondents' profile is already known: profile questions are for the others.
    # A calculate is computed, never shown.
    return question.type != "calculate" and not (registry and question.profile)


def visible_pages(definition: Definition, values: Mapping[str, object], *, registry: bool) -> list[Page]:
    """The pages this respondent goes through, in order, given the answers so far."""
    pages = []
    for page in definition.pages:
        if registry and page.profile:
            continue
        asks = any(_asked(q, registry) for q in page_questions(page)) or any(isinstance(i, Repeat) for i in page.items)
        if not asks:
            continue
        if is_relevant(page.relevant, values):
            pages.append(page)
    return pages


def page_questions(page: Page) -> list[Question]:
    found: list[Question] = []
    for item in page.items:
        if not isinstance(item, Repeat):  # its questions are per instance: surveys.repeat_pages
            found.extend(item.questions if isinstance(item, Grid) else (item,))
    return found


def page_items(page: Page, values: Mapping[str, object], *, registry: bool) -> list[Question | Grid | Repeat]:
    """What a page shows. Without JavaScript a question cannot appear as the page is filled in,
    so one whose condition depends on this very page is shown (and only checked when it
    applies); one whose condition depends on earlier pages is shown only when it holds."""
    on_page = {q.name for q in page_questions(page)}
    shown: list[Question | Grid] = []
    for item in page.items:
        if isinstance(item, Grid):
            rows = tuple(q for q in item.questions if _asked(q, registry) and _shown(q.relevant, values, on_page))
            if rows and _shown(item.relevant, values, on_page):
                shown.append(
                    Grid(
                        name=item.name,
                        labels=item.labels,
                        list_name=item.list_name,
                        questions=rows,
                        relevant=item.relevant,
                    )
                )
        elif (isinstance(item, Repeat) or _asked(item, registry)) and _shown(item.relevant, values, on_page):
            shown.append(item)  # a repeat's instances: surveys.repeat_pages
    return shown


def _shown(expression: str | None, values, on_page: set[str]) -> bool:
    if expression is None or not expression.strip():
        return True
    return bool(_references(expression) & on_page) or _evaluate_bool(expression, values)


def relevant_questions(definition: Definition, values: Mapping[str, object], *, registry: bool) -> list[Question]:
    """Questions that apply to this respondent given all answers: the ones submission keeps (calculates
    included, on a page of their own too: only their page's and their own `relevant` count)."""
    found = []
    for page in definition.pages:
        if (registry and page.profile) or not is_relevant(page.relevant, values):
            continue
        for item in page.items:
            if isinstance(item, Grid):
                if not is_relevant(item.relevant, values):
                    continue
                questions = item.questions
            else:
                questions = () if isinstance(item, Repeat) else (item,)  # per instance: surveys.repeat_answers
            found.extend(
                q
                for q in questions
                if q.type != "note"
                and (q.type == "calculate" or _asked(q, registry))
                and is_relevant(q.relevant, values)
            )
    return found


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer is refused. `kind` picks the interface message when `messages` is empty."""

    kind: str  # required | too_long | integer | decimal | date | email | choice | constraint
    messages: dict[str, str] = field(default_factory=dict)  # the instrument's own text, by language


def check_question(
    definition: Definition, question: Question, raw: Raw | None, values: Mapping[str, object]
) -> AnswerProblem | None:
    """The problem with one relevant question's answer, or None."""
    if raw is None:
        required = question.required or bool(question.required_when and _evaluate_bool(question.required_when, values))
        return AnswerProblem("required", question.required_messages) if required else None
    if isinstance(raw, str) and len(raw) > MAX_ANSWER_LENGTH:
        return AnswerProblem("too_long")
    rank = _rank_problem(definition, question, raw, values) if question.type == "rank" else None
    if rank is not None:
        return rank
    if question.type in ("select_one", "select_multiple"):
        allowed = {choice.name for choice in choices_for(definition, question, values)}
        chosen = raw if isinstance(raw, list) else [raw]
        if question.type == "select_one" and isinstance(raw, list) and len(raw) > 1:
            return AnswerProblem("choice")
        if any(item not in allowed for item in chosen):
            return AnswerProblem("choice")
    value = to_typed(question, raw)
    if value is None and question.type in (
        "integer",
        "decimal",
        "date",
        "time",
        "datetime",
        "range",
        "geopoint",
        "geotrace",
        "geoshape",
    ):
        return AnswerProblem(question.type)
    if question.type == "range" and not in_range(question, value):
        return AnswerProblem("range")
    if is_email(question) and not _is_email_address(value):
        return AnswerProblem("email")
    if question.constraint and not _evaluate_bool(question.constraint, values, value):
        return AnswerProblem("constraint", question.constraint_messages)
    return None


def _rank_problem(definition: Definition, question: Question, raw: Raw, values) -> AnswerProblem | None:
    """A rank orders every choice (as ODK's widget does): each a different place, from 1 to their number."""
    allowed = [choice.name for choice in choices_for(definition, question, values)]
    order = to_typed(question, raw)
    if order is not None and any(item not in allowed for item in order):
        return AnswerProblem("choice")
    if order is None or len(order) != len(allowed):
        return AnswerProblem("rank")
    return None


def overlong_answers(questions, posted: Mapping[str, Raw | None]) -> dict[str, AnswerProblem]:
    """Answers longer than MAX_ANSWER_LENGTH: refused whatever the page's action, never saved."""
    return {
        q.name: AnswerProblem("too_long")
        for q in questions
        if isinstance(posted.get(q.name), str) and len(posted[q.name]) > MAX_ANSWER_LENGTH
    }


def validate_questions(
    definition: Definition, questions, raw: Mapping[str, Raw], values: Mapping[str, object]
) -> dict[str, AnswerProblem]:
    problems = {}
    for question in questions:
        if question.type in NOT_ASKED or question.read_only:  # nothing the respondent could change
            continue
        problem = check_question(definition, question, raw.get(question.name), values)
        if problem:
            problems[question.name] = problem
    return problems


def validate_page(
    definition: Definition, page: Page, raw: Mapping[str, Raw], *, registry: bool
) -> dict[str, AnswerProblem]:
    """Problems on one page, given every answer so far (`raw` holds earlier pages too)."""
    values = typed_values(definition, raw)
    applicable = []
    for item in page_items(page, values, registry=registry):
        if isinstance(item, Grid):
            if not is_relevant(item.relevant, values):
                continue
            applicable.extend(q for q in item.questions if is_relevant(q.relevant, values))
        elif not isinstance(item, Repeat) and is_relevant(item.relevant, values):
            applicable.append(item)
    return validate_questions(definition, applicable, raw, values)


def validate_all(definition: Definition, raw: Mapping[str, Raw], *, registry: bool) -> dict[str, AnswerProblem]:
    values = typed_values(definition, raw)
    return validate_questions(definition, relevant_questions(definition, values, registry=registry), raw, values)


def first_page_with(pages: list[Page], names) -> int:
    """1-based number of the first page holding one of `names` (1 when none does)."""
    wanted = set(names) | {name.split(".", 1)[0] for name in names}  # `<repeat>.<n>.<question>`: the repeat's
    for number, page in enumerate(pages, start=1):
        if wanted & {q.name for q in page_questions(page)} | {i.name for i in page.items if isinstance(i, Repeat)}:
            return number
    return 1


# --- what submission stores -------------------------------------------------------------------


def kept_answers(definition: Definition, raw: Mapping[str, Raw], *, registry: bool) -> dict[str, object]:
    """Typed answers of the questions that apply: non-relevant ones are dropped."""
    values = typed_values(definition, raw)
    kept = {}
    for question in relevant_questions(definition, values, registry=registry):
        value = values.get(question.name)
        if value is not None and value != []:
            kept[question.name] = value
    return kept


def answer_columns(question: Question, value) -> dict:
    """The typed columns of one Answer row (see the survey contracts)."""
    if question.type in ("select_multiple", "rank"):
        return {"value_text": " ".join(value)}
    if question.type in ("integer", "decimal", "range"):
        return {"value_number": float(value)}
    if question.type == "date":
        return {"value_date": value}
    return {"value_text": str(value)}


def metadata_rows(definition: Definition, started: datetime, submitted: datetime) -> dict[str, dict]:
    """The metadata a submission records, as Answer columns by name: `start` (when the response was
    started) and `end` (when submitted) as UTC timestamps to the second, `today` the day of submission.
    Nothing else is recorded (RECORDED_METADATA)."""
    started, submitted = _utc(started), _utc(submitted)
    values = {
        "start": {"value_text": started.isoformat()},
        "end": {"value_text": submitted.isoformat()},
        "today": {"value_date": submitted.date()},
    }
    return {item.name: values[item.type] for item in definition.metadata if item.type in RECORDED_METADATA}


def _utc(moment: datetime) -> datetime:
    """A naive UTC timestamp to the second (the databases give naive UTC or aware values)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def content_digest(answers: Mapping[str, object]) -> str:
    """A fingerprint of a submission's content: equal answers give equal digests."""
    canonical = json.dumps(
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def raw_from_form(definition: Definition, questions, form, prefix: str = "q.") -> dict[str, Raw | None]:
    """Raw values of `questions` from a posted form (a werkzeug MultiDict or a plain mapping)."""
    raw = {}
    for question in questions:
        # a calculate is computed and a read-only question keeps its default: what a client posts is ignored
        if question.type in NOT_ASKED or question.read_only:
            continue
        key = prefix + question.name
        posted = form.getlist(key) if hasattr(form, "getlist") else form.get(key)
        raw[question.name] = clean_raw(question, posted)
    return raw
