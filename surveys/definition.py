"""An instrument version as the app uses it: pages of questions with labels in six languages.

The XLSForm reader (`surveys.xlsform.reading`) builds these from a workbook; the database stores
them as JSON (`InstrumentVersion.definition`) and `Definition.from_dict` reads them back.
Everything here is plain data: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from core.config import LANGUAGES

QUESTION_TYPES = (
    "select_one", "select_multiple", "integer", "decimal", "text", "date", "note", "calculate",
    "time", "datetime", "acknowledge", "range", "geopoint", "geotrace", "geoshape", "rank",
)  # fmt: skip
# Types never shown to the respondent: a note is only read, a calculate is computed by the platform.
NOT_ASKED = ("note", "calculate")
# Registry fields an open-link respondent answers inside the survey (the `profile` column).
PROFILE_FIELDS = ("country", "category", "gender", "stakeholder_type")
# Indicator groups of decision IPBES-3/4 a question can feed (the `indicator` column).
# XLSForm metadata: recorded for the form, never asked (see Definition.metadata).
METADATA_TYPES = (
    "start", "end", "today", "deviceid", "username", "phonenumber", "audit", "simserial", "subscriberid",
    "email",
)  # fmt: skip
# The metadata the web platform records (the others, deviceid, username, phonenumber..., would
# identify a device or a person, or do not exist in a browser: they are never recorded) and the frame
# type of each: start and end are UTC timestamps as ISO text, today the date of submission.
RECORDED_METADATA = {"start": "text", "end": "text", "today": "date"}
INDICATOR_GROUPS = ("commitment", "capacity", "participation", "diversity", "impact", "communication")

# The base of a select_multiple question's shares (the `base` column): "answered", of respondents
# who ticked at least one choice (the default); "shown", of respondents shown the question.
BASES = ("answered", "shown")
DEFAULT_BASE = "answered"

# How answers of each type are stored and read into the frame; any other type is stored as text.
TYPED_STORAGE = ("select_one", "select_multiple", "integer", "decimal", "date")


def stored_type(question_type: str) -> str:
    """The frame's type of a question type: itself when typed storage applies, a range a decimal,
    anything else (time, datetime, acknowledge, geopoint "lat lon", geotrace and geoshape "lat lon;lat lon...", rank "first second...", calculate) text."""
    if question_type == "range":
        return "decimal"
    return question_type if question_type in TYPED_STORAGE else "text"


Labels = dict[str, str]  # language code -> text; every code of LANGUAGES present


@dataclass(frozen=True)
class Choice:
    name: str
    labels: Labels
    # other columns of the choices sheet that a choice_filter reads (`county`, `cf`), by name
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    name: str
    type: str  # one of QUESTION_TYPES
    labels: Labels
    hints: Labels = field(default_factory=dict)
    list_name: str | None = None  # select_one / select_multiple / rank
    required: bool = False
    relevant: str | None = None  # XLSForm expression (surveys.expressions)
    constraint: str | None = None
    constraint_messages: Labels = field(default_factory=dict)
    required_messages: Labels = field(default_factory=dict)
    appearance: str = ""
    other_of: str | None = None  # set on the "please specify" text question of a select's "other"
    pii: bool = False  # identifies a person
    quasi: bool = False  # quasi-identifier
    indicator: str | None = None  # one of INDICATOR_GROUPS
    profile: str | None = None  # one of PROFILE_FIELDS: asked only of respondents not in the registry
    row: int = 0  # row on the `survey` sheet, for messages
    base: str = DEFAULT_BASE  # select_multiple: one of BASES, the denominator of its shares
    calculation: str | None = None  # calculate: the expression the platform computes and stores
    default: str | None = None  # the value the question starts with (the `default` column)
    read_only: bool = False  # shown with its default or computed value, never edited
    choice_filter: str | None = None  # selects: which choices apply, given earlier answers
    parameters: str = ""  # range: "start=0 end=10 step=1"
    required_when: str | None = None  # `required` written as an expression: required when it holds


# Fields added after versions were stored: written only when they differ from these, so those
# versions keep their content hash.
OPTIONAL_FIELDS = {
    "base": DEFAULT_BASE,
    "calculation": None,
    "default": None,
    "read_only": False,
    "choice_filter": None,
}


@dataclass(frozen=True)
class Grid:
    """A `field-list` group with `table-list` appearance: questions sharing one choice list."""

    name: str
    labels: Labels
    list_name: str
    questions: tuple[Question, ...]
    relevant: str | None = None


@dataclass(frozen=True)
class Repeat:
    """A `begin repeat` group: its items are answered once per instance (a household's members).

    Read from XLSForm and written back; answered per instance (surveys.repeat_answers, repeat_pages), nested
    ones within each instance of their parent, a loop once per choice of its list (docs/xlsform.md).
    `Definition.questions()` leaves its questions out: they are not answers of the response itself but of
    each instance."""

    name: str
    labels: Labels
    items: tuple[Question | Grid | Repeat, ...]
    relevant: str | None = None
    count: str | None = None  # `repeat_count`: how many instances (an expression); None: as many as given
    row: int = 0
    # `begin loop over LIST`: one instance per choice of the list (but `none`, as pyxform skips it), in its
    # order; `count` is then their number, set by the reader. None: a `begin repeat`.
    over: str | None = None

    def questions(self) -> list[Question]:
        """Its questions in form order, grid rows and nested repeats' included."""
        found: list[Question] = []
        for item in self.items:
            found.extend(item.questions() if isinstance(item, Repeat) else _rows(item))
        return found


def _rows(item: Question | Grid) -> tuple[Question, ...]:
    return item.questions if isinstance(item, Grid) else (item,)


@dataclass(frozen=True)
class Page:
    """A top-level group: one page of the questionnaire."""

    name: str
    labels: Labels
    items: tuple[Question | Grid | Repeat, ...]
    relevant: str | None = None
    profile: bool = False  # every question on it has `profile`: skipped for registry respondents


@dataclass(frozen=True)
class Metadata:
    """A metadata row of the form (`start`, `end`, `deviceid`...): a variable the platform records, never asked."""

    name: str
    type: str  # one of METADATA_TYPES
    row: int = 0


@dataclass(frozen=True)
class Definition:
    form_id: str
    version: str
    titles: Labels
    pages: tuple[Page, ...]
    choices: dict[str, tuple[Choice, ...]]
    default_language: str = "en"
    metadata: tuple[Metadata, ...] = ()

    def questions(self) -> list[Question]:
        """Every question in form order, grid rows included."""
        found: list[Question] = []
        for page in self.pages:
            for item in page.items:
                if not isinstance(item, Repeat):
                    found.extend(_rows(item))
        return found

    def repeats(self) -> list[Repeat]:
        """Every repeat of the form, in form order, nested ones after the one holding them."""
        found: list[Repeat] = []
        pending = [item for page in self.pages for item in page.items if isinstance(item, Repeat)]
        while pending:
            repeat = pending.pop(0)
            found.append(repeat)
            pending[:0] = [item for item in repeat.items if isinstance(item, Repeat)]
        return found

    def question(self, name: str) -> Question:
        for question in self.questions():
            if question.name == name:
                return question
        raise KeyError(name)

    def choice_names(self, list_name: str) -> list[str]:
        return [choice.name for choice in self.choices[list_name]]

    def conditional(self, name: str) -> bool:
        """Whether the question is shown only when a `relevant` condition holds (its own, its
        grid's or its page's): who was shown it then depends on each respondent's answers."""
        for page in self.pages:
            for item in page.items:
                rows = item.questions if isinstance(item, Grid) else (item,)
                for question in rows:
                    if question.name == name:
                        return any(x.relevant for x in (page, item, question) if x is not None)
        return False

    def to_dict(self) -> dict:
        """Plain data for the JSON column; a question's OPTIONAL_FIELDS only when not at their default, so
        versions stored before those fields existed keep their content hash."""
        data = asdict(self)
        pending = [item for page in data["pages"] for item in page["items"]]
        while pending:
            item = pending.pop()
            if "items" in item:  # a repeat
                pending.extend(item["items"])
                if item["over"] is None:  # absent for a `begin repeat`, as before loops were read
                    del item["over"]
                continue
            for question in item.get("questions", [item]):
                for name, value in OPTIONAL_FIELDS.items():
                    if name in question and question[name] == value:
                        del question[name]
        for items in data["choices"].values():
            for choice in items:
                if not choice["columns"]:  # absent rather than empty, as for the fields below
                    del choice["columns"]
        if not self.metadata:  # absent rather than empty: versions stored before it keep their hash
            del data["metadata"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Definition:
        def question(q: dict) -> Question:
            return Question(**q)

        def item(i: dict) -> Question | Grid | Repeat:
            if "items" in i:
                return Repeat(**{**i, "items": tuple(item(x) for x in i["items"])})
            if "questions" in i:
                return Grid(**{**i, "questions": tuple(question(q) for q in i["questions"])})
            return question(i)

        pages = tuple(Page(**{**p, "items": tuple(item(i) for i in p["items"])}) for p in data["pages"])
        choices = {name: tuple(Choice(**c) for c in items) for name, items in data["choices"].items()}
        metadata = tuple(Metadata(**m) for m in data.get("metadata", ()))
        return cls(**{**data, "pages": pages, "choices": choices, "metadata": metadata})


def label(labels: Labels, language: str, fallback: str = "en") -> str:
    return labels.get(language) or labels.get(fallback) or ""


__all__ = [
    "LANGUAGES",
    "QUESTION_TYPES",
    "NOT_ASKED",
    "RECORDED_METADATA",
    "stored_type",
    "METADATA_TYPES",
    "Metadata",
    "PROFILE_FIELDS",
    "INDICATOR_GROUPS",
    "BASES",
    "DEFAULT_BASE",
    "Choice",
    "Question",
    "Grid",
    "Repeat",
    "Page",
    "Definition",
    "label",
]


def definition_hash(definition: Definition) -> str:
    """Content identity of a version: sha256 of the definition as sorted-key JSON."""
    return hashlib.sha256(json.dumps(definition.to_dict(), sort_keys=True).encode()).hexdigest()
