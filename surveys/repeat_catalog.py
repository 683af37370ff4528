"""What the tables of `surveys.frame_repeats.repeat_frames` hold: per repeat of the versions some waves used
(nested ones too, with the repeats holding them), its label, its loop's choices and its questions with their
labels, choices and markings (pii, quasi), merged across versions by name as the tables are (the newest
version's question and choices winning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from surveys.definition import Choice, Question
from surveys.frame_catalog import MULTIPLE_SEPARATOR, _versions_present
from surveys.frame_repeats import _with_parents
from surveys.loops import loop_choices
from surveys.repeat_answers import instance_questions

# How `repeat_frames` types a question's column(s); any other type is text.
FRAME_TYPES = {
    "select_one": "select_one",
    "select_multiple": "select_multiple",
    "integer": "integer",
    "range": "integer",
    "decimal": "decimal",
    "date": "date",
}


@dataclass
class RepeatQuestion:
    name: str
    type: str  # the table's type: a value of FRAME_TYPES, or "text"
    form_type: str  # the XLSForm type (geopoint, calculate...)
    labels: dict
    choices: tuple[Choice, ...] = ()
    pii: bool = False
    quasi: bool = False
    other_of: str | None = None
    columns: tuple[str, ...] = ()  # the table's columns holding its answers (none for a pii question)


@dataclass
class RepeatEntry:
    name: str
    labels: dict
    questions: list[RepeatQuestion] = field(default_factory=list)  # pii ones included, in form order
    parents: tuple[str, ...] = ()  # the repeats holding this one, outermost first
    loop: tuple[Choice, ...] | None = None  # a loop's choices, one per instance in order; None: not a loop

    @property
    def instance_columns(self) -> list[str]:
        """The frame's columns numbering the instances of the repeats holding a row, then its own."""
        return [*(f"{parent}_instance" for parent in self.parents), "instance"]


def repeat_catalog(session: Session, wave_ids: Sequence[int]) -> list[RepeatEntry]:
    """Every repeat of the versions these waves used, nested ones after the repeat holding them, newest
    version's order first."""
    found: dict[str, RepeatEntry] = {}
    connection = session.connection()
    for _id, _number, definition, _waves in _versions_present(connection, sorted({int(w) for w in wave_ids})):
        for repeat, parents in _with_parents(definition):
            if repeat.name not in found:
                loop = loop_choices(definition, repeat) if repeat.over else None
                found[repeat.name] = RepeatEntry(repeat.name, dict(repeat.labels or {}), parents=parents, loop=loop)
            entry = found[repeat.name]
            known = {question.name for question in entry.questions}
            for question in instance_questions(repeat):
                if question.type != "note" and question.name not in known:
                    entry.questions.append(_question(question, tuple(definition.choices.get(question.list_name, ()))))
    return list(found.values())


def _question(question: Question, choices: tuple[Choice, ...]) -> RepeatQuestion:
    kind = FRAME_TYPES.get(question.type, "text")
    if question.pii:
        columns: tuple[str, ...] = ()
    elif kind == "select_multiple":
        columns = tuple(f"{question.name}{MULTIPLE_SEPARATOR}{choice.name}" for choice in choices)
    else:
        columns = (question.name,)
    return RepeatQuestion(
        name=question.name,
        type=kind,
        form_type=question.type,
        labels=dict(question.labels or {}),
        choices=choices if kind in ("select_one", "select_multiple") else (),
        pii=question.pii,
        quasi=question.quasi,
        other_of=question.other_of,
        columns=columns,
    )
