"""The questions a frame holds: every version the waves used, merged by question name (`build_catalog`).

Each `CatalogQuestion` knows the frame columns holding its answers; `surveys.frame.question_catalog`
gives the same as a DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.catalog import LIKERT_LISTS
from analysis.catalog import META_COLUMNS as ANALYSIS_META_COLUMNS
from surveys import shown
from surveys.definition import DEFAULT_BASE, RECORDED_METADATA, Choice, Definition, Question, stored_type
from surveys.models import InstrumentVersion, Response, Wave

# The tidy frame's metadata columns: analysis/ defines the frame it reads, surveys builds it.
META_COLUMNS = ANALYSIS_META_COLUMNS
PROFILE_COLUMNS = ("regional_group", "country", "category", "gender", "stakeholder_type")
MULTIPLE_SEPARATOR = "__"  # `<question>__<choice>`


@dataclass
class CatalogQuestion:
    """A question as the frame sees it, merged across the versions present."""

    name: str
    type: str  # as the frame stores it (definition.stored_type: a geopoint is text)
    list_name: str | None
    labels: dict
    choices: tuple[Choice, ...] = ()
    pii: bool = False
    quasi: bool = False
    indicator: str | None = None
    profile: str | None = None
    other_of: str | None = None
    base: str = DEFAULT_BASE  # select_multiple: the base of its shares (newest version's)
    conditional: bool = False  # behind a `relevant` condition in some version
    shown_recorded: bool = False  # every response of its waves recorded whether it was shown (surveys.shown)
    form_type: str = ""  # the XLSForm type (geopoint, calculate...), which a release treats apart
    metadata: str | None = None  # the XLSForm metadata type (start, end, today) of a recorded variable
    versions: tuple[int, ...] = ()  # instrument version ids that contain it
    waves: tuple[int, ...] = ()  # waves where it was asked (a version holding it was used)
    columns: tuple[str, ...] = ()  # the frame columns holding its answers
    _asked: set = field(default_factory=set, repr=False)
    _lists: dict = field(default_factory=dict, repr=False)  # list name -> its choice names, per version

    def choice_names(self) -> list[str]:
        return [choice.name for choice in self.choices]


_definitions: dict[str, Definition] = {}


def _definition(content_hash: str, data: dict) -> Definition:
    if content_hash not in _definitions:
        _definitions[content_hash] = Definition.from_dict(data)
    return _definitions[content_hash]


def _versions_present(connection, wave_ids: list[int]) -> list[tuple[int, int, Definition, set[int]]]:
    """(version id, number, definition, wave ids) of every version used by these waves, newest first."""
    response, wave, version = Response.__table__, Wave.__table__, InstrumentVersion.__table__
    pairs = set(connection.execute(select(wave.c.id, wave.c.version_id).where(wave.c.id.in_(wave_ids))).all())
    pairs |= set(
        connection.execute(
            select(response.c.wave_id, response.c.version_id)
            .distinct()
            .where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
        ).all()
    )
    waves_of: dict[int, set[int]] = {}
    for wave_id, version_id in pairs:
        waves_of.setdefault(version_id, set()).add(wave_id)
    if not waves_of:
        return []
    rows = connection.execute(
        select(version.c.id, version.c.number, version.c.content_hash, version.c.definition)
        .where(version.c.id.in_(list(waves_of)))
        .order_by(version.c.created_at.desc(), version.c.id.desc())
    ).all()
    return [(row.id, row.number, _definition(row.content_hash, row.definition), waves_of[row.id]) for row in rows]


def _merge_choices(current: tuple[Choice, ...], extra: tuple[Choice, ...]) -> tuple[Choice, ...]:
    known = {choice.name for choice in current}
    return current + tuple(choice for choice in extra if choice.name not in known)


def build_catalog(connection, wave_ids: list[int]) -> list[CatalogQuestion]:
    """Questions of every version present, newest definition first; a question only older versions
    have is placed after the question that precedes it there."""
    order: list[str] = []
    entries: dict[str, CatalogQuestion] = {}
    for version_id, _number, definition, waves in _versions_present(connection, wave_ids):
        previous = None
        metadata = {item.name: item.type for item in definition.metadata if item.type in RECORDED_METADATA}
        for question in _variables(definition):
            if question.type == "note":
                continue
            entry = entries.get(question.name)
            choices = tuple(definition.choices.get(question.list_name, ())) if question.list_name else ()
            if entry is None:
                entry = entries[question.name] = _entry(question, choices)
                entry.metadata = metadata.get(question.name)
                order.insert(0 if previous is None else order.index(previous) + 1, question.name)
            elif entry.type == stored_type(question.type) and entry.list_name:
                entry.choices = _merge_choices(entry.choices, choices)
            if entry.list_name:
                entry._lists.setdefault(question.list_name, tuple(c.name for c in choices))
            entry.versions += (version_id,)
            entry.conditional = entry.conditional or definition.conditional(question.name)
            entry._asked |= waves
            previous = question.name
    catalog = [entries[name] for name in order]
    for entry in catalog:
        entry.waves = tuple(sorted(entry._asked))
        if _mixed_scales(entry._lists):
            entry.list_name = None  # its choices are a union of two scales, none of them a scale
        entry.columns = _columns_of(entry)
    shown.mark_recorded(connection, catalog)
    return catalog


def _mixed_scales(lists: dict) -> bool:
    """Whether versions asked a question on different Likert scales (a 4-point one, then a 5-point one):
    merged, their choices make no scale, and only the concordance compares them (its top-two box)."""
    return any(name in LIKERT_LISTS for name in lists) and len(set(lists.values())) > 1


def _variables(definition: Definition) -> list[Question]:
    """The questions and the recorded metadata (as unlabelled questions of their frame type), in form order."""
    recorded = [
        Question(name=item.name, type=RECORDED_METADATA[item.type], labels={}, row=item.row)
        for item in definition.metadata
        if item.type in RECORDED_METADATA
    ]
    if not recorded:
        return definition.questions()
    return sorted([*definition.questions(), *recorded], key=lambda question: question.row)


def _entry(question: Question, choices: tuple[Choice, ...]) -> CatalogQuestion:
    return CatalogQuestion(
        name=question.name,
        type=stored_type(question.type),
        form_type=question.type,
        list_name=question.list_name,
        labels=dict(question.labels),
        choices=choices,
        pii=question.pii,
        quasi=question.quasi,
        indicator=question.indicator,
        profile=question.profile,
        other_of=question.other_of,
        base=question.base,
    )


def _columns_of(entry: CatalogQuestion) -> tuple[str, ...]:
    if entry.profile:
        return (entry.profile,)
    if entry.type == "select_multiple":
        return tuple(f"{entry.name}{MULTIPLE_SEPARATOR}{choice}" for choice in entry.choice_names())
    return (f"{entry.name}_answer" if entry.name in META_COLUMNS else entry.name,)
