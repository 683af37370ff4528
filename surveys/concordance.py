"""The concordance the secretariat keeps between instrument versions, and the comparison plans read
from it (`analysis.harmonise`).

A `QuestionMatch` pairs a question of an earlier version with one of a later version; its
`ChoiceMatch` rows link later choices to earlier ones (one to one, several to one; a choice with
no link has no equivalent), or the match says the question has no equivalent at all. Two waves on
the same version compare every question as it is; a question with the same name, type and set of
choice names in both versions compares as it is too; anything else compares only through a match,
or not at all (`comparisons`). Two versions with no entry between them compare through a chain of
versions the concordance links (v1 -> v2 -> v3: the choice links composed; a break anywhere stops the
comparison, and the link names the two versions where it does). A Likert question mapped onto a
scale that does not match it level for level compares on its top-two-box share.
`concordance_pages.proposals` suggests matches where names and choice sets agree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from analysis.catalog import LIKERT_LISTS, OFF_SCALE, likert_scale
from analysis.harmonise import (
    MAPPED,
    NONE,
    REFUSED,
    SAME,
    Category,
    Comparisons,
    Link,
    Plan,
    one_to_one_scales,
    top_two_categories,
)
from core import audit
from core.timeutil import utcnow
from surveys.concordance_models import ChoiceMatch, QuestionMatch
from surveys.definition import Definition
from surveys.models import Instrument, InstrumentVersion, Wave

# The tables a comparison plan is read from besides the waves (caches of plans watch them).
CONCORDANCE_TABLES = (QuestionMatch, ChoiceMatch)
COMPARED_TYPES = ("select_one", "select_multiple", "integer", "decimal")
CHOICE_TYPES = ("select_one", "select_multiple")


class ConcordanceError(ValueError):
    """A concordance entry that cannot be saved, with a message fit to show the user."""


@dataclass(frozen=True)
class Shape:
    """A question of one version as a comparison sees it."""

    name: str
    type: str
    labels: dict
    choices: tuple[str, ...] = ()
    choice_labels: dict | None = None  # {choice: {language: text}}
    list_name: str | None = None


def shapes(definition: Definition) -> dict[str, Shape]:
    """The questions of a version that can be compared (not profile questions, not PII), in form order."""
    found = {}
    for question in definition.questions():
        if question.type not in COMPARED_TYPES or question.profile or question.pii:
            continue
        choices = definition.choices.get(question.list_name, ()) if question.list_name else ()
        found[question.name] = Shape(
            question.name,
            question.type,
            dict(question.labels),
            tuple(c.name for c in choices),
            {c.name: dict(c.labels) for c in choices},
            question.list_name,
        )
    return found


def _definition(session: Session, version_id: int) -> Definition:
    return Definition.from_dict(session.get(InstrumentVersion, version_id).definition)


# --- plans ------------------------------------------------------------------------------------


def _categories(earlier: Shape, later: Shape, links: Iterable[tuple[str, str]]) -> tuple[Category, ...]:
    """The harmonised set: the linked choices grouped (each earlier choice with every later choice
    linked to it; an earlier choice several later ones point at gathers them)."""
    groups: list[tuple[set, set]] = []
    for earlier_choice, later_choice in links:
        hit = [g for g in groups if earlier_choice in g[0] or later_choice in g[1]]
        merged = ({earlier_choice}, {later_choice})
        for group in hit:
            merged[0].update(group[0])
            merged[1].update(group[1])
            groups.remove(group)
        groups.append(merged)
    order = {name: i for i, name in enumerate(earlier.choices)}
    later_order = {name: i for i, name in enumerate(later.choices)}
    categories = []
    for earlier_set, later_set in sorted(groups, key=lambda g: min(order.get(c, 999) for c in g[0])):
        olds = tuple(sorted(earlier_set, key=lambda c: order.get(c, 999)))
        news = tuple(sorted(later_set, key=lambda c: later_order.get(c, 999)))
        if len(olds) == 1 or len(news) > 1:
            code, labels = "+".join(olds), _joined(earlier, olds)
        else:
            code, labels = news[0], _joined(later, news)
        categories.append(Category(code, olds, news, labels))
    return tuple(categories)


def _joined(shape: Shape, names: Sequence[str]) -> dict:
    labels = shape.choice_labels or {}
    languages = {language for name in names for language in labels.get(name, {})}
    return {
        language: " / ".join(labels.get(name, {}).get(language) or name for name in names) for language in languages
    }


@dataclass(frozen=True)
class Step:
    """How a question of a later version relates to an earlier version, before it becomes a `Link`."""

    status: str  # SAME, MAPPED, NONE or REFUSED
    earlier: str  # its name in the earlier version ("" when it has no equivalent)
    pairs: frozenset = frozenset()  # (earlier choice, later choice); SAME: each choice to itself
    entry: bool = False  # a concordance entry says so (MAPPED or NONE), not names alone


def _steps(earlier: dict[str, Shape], later: dict[str, Shape], matches: Iterable) -> dict[str, Step]:
    found: dict[str, Step] = {}
    matched_earlier = set()
    for match, choice_links in matches:
        old, new = earlier.get(match.earlier_question), later.get(match.later_question)
        if new is None:
            continue
        if match.relation == NONE:
            found[new.name] = Step(NONE, "", entry=True)
        elif old is not None:
            matched_earlier.add(old.name)
            found[new.name] = Step(MAPPED, old.name, frozenset(choice_links), entry=True)
    for name, new in later.items():
        old = earlier.get(name)
        if name in found or old is None or name in matched_earlier:
            continue
        same = old.type == new.type and set(old.choices) == set(new.choices)
        found[name] = Step(SAME, name, frozenset((c, c) for c in new.choices)) if same else Step(REFUSED, name)
    return found


def _scale(shape: Shape) -> tuple[str, ...] | None:
    return (
        likert_scale(list(shape.choices), shape.list_name, LIKERT_LISTS, OFF_SCALE)
        if shape.type == "select_one"
        else None
    )


def _link(earlier: dict[str, Shape], new: Shape, step: Step, gap: tuple = ()) -> Link:
    if step.status != MAPPED:
        return Link(new.name, step.earlier, step.status, new.type, gap=gap)
    old = earlier[step.earlier]
    old_scale, new_scale = _scale(old), _scale(new)
    if old_scale and new_scale and not one_to_one_scales(step.pairs, old_scale, new_scale):
        # Scales that do not match level for level compare on their top-two-box share only.
        return Link(new.name, old.name, MAPPED, new.type, top_two_categories(old_scale, new_scale), top_two=True)
    return Link(new.name, old.name, MAPPED, new.type, _categories(old, new, sorted(step.pairs)))


def build_plan(earlier: dict[str, Shape], later: dict[str, Shape], matches: Iterable) -> Plan:
    """The plan between two versions' questions given the concordance's matches between them:
    (QuestionMatch, [(earlier choice, later choice)]) pairs."""
    steps = _steps(earlier, later, matches)
    return Plan({name: _link(earlier, later[name], steps[name]) for name in later if name in steps})


# --- chains of versions ---------------------------------------------------------------------------


def _compose(first: Step, then: Step) -> Step:
    """`first` (v1 -> v2) followed by `then` (v2 -> v3): v1's choices linked to v3's through v2's."""
    if first.status == SAME and then.status == SAME:
        return then
    pairs = frozenset((a, c) for a, b in first.pairs for b2, c in then.pairs if b == b2)
    return Step(MAPPED, first.earlier, pairs, entry=True)


def _chained(steps: list[dict[str, Step]], names: list, question: str) -> tuple[Step | None, tuple]:
    """A question of the chain's last version followed back to its first: the composed step, or the
    step where the chain stops and the pair of versions there; None where a version lacks it."""
    current, name, entry = None, question, False
    for i in reversed(range(len(steps))):
        step = steps[i].get(name)
        if step is None:
            return None, ()
        entry = entry or step.entry
        if step.status in (NONE, REFUSED):
            return Step(step.status, "", entry=entry), (names[i], names[i + 1])
        current = step if current is None else _compose(step, current)
        name = step.earlier
    if current.status == MAPPED and not current.pairs:  # no choice passes through every version
        return Step(NONE, "", entry=True), (names[0], names[-1])
    return replace(current, entry=entry), ()


def _path(edges: dict[int, set[int]], start: int, end: int) -> list[int] | None:
    """The shortest chain of two or more concordance steps from `start` to `end` (breadth first)."""
    previous = {node: start for node in sorted(edges.get(start, ())) if node != end}
    queue = deque(previous)
    while queue:
        node = queue.popleft()
        for following in sorted(edges.get(node, ())):
            if following == end:
                path = [end, node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if following not in previous and following != start:
                previous[following] = node
                queue.append(following)
    return None


def _matches(session: Session, earlier_id: int, later_id: int) -> list[tuple[QuestionMatch, list[tuple[str, str]]]]:
    matches = session.exec(
        select(QuestionMatch).where(
            QuestionMatch.earlier_version_id == earlier_id, QuestionMatch.later_version_id == later_id
        )
    ).all()
    if not matches:
        return []
    rows = session.exec(select(ChoiceMatch).where(ChoiceMatch.match_id.in_([m.id for m in matches]))).all()
    links: dict[int, list[tuple[str, str]]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        links.setdefault(row.match_id, []).append((row.earlier_choice, row.later_choice))
    return [(m, links.get(m.id, [])) for m in matches]


@dataclass
class _Reader:
    """What plans read, each once: versions' questions, steps between pairs, the concordance's edges."""

    session: Session
    shapes: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)
    edges: dict | None = None
    names: dict | None = None

    def shapes_of(self, version_id: int) -> dict[str, Shape]:
        if version_id not in self.shapes:
            self.shapes[version_id] = shapes(_definition(self.session, version_id))
        return self.shapes[version_id]

    def steps_of(self, earlier_id: int, later_id: int) -> dict[str, Step]:
        if (earlier_id, later_id) not in self.steps:
            matches = _matches(self.session, earlier_id, later_id)
            self.steps[earlier_id, later_id] = _steps(self.shapes_of(earlier_id), self.shapes_of(later_id), matches)
        return self.steps[earlier_id, later_id]

    def path(self, earlier_id: int, later_id: int) -> list[int] | None:
        if self.edges is None:
            self.edges = {}
            pairs = self.session.exec(
                select(QuestionMatch.earlier_version_id, QuestionMatch.later_version_id).distinct()
            ).all()
            for a, b in pairs:
                self.edges.setdefault(a, set()).add(b)
        return _path(self.edges, earlier_id, later_id)

    def name(self, version_id: int) -> tuple[str, int]:
        if self.names is None:
            self.names = version_names(self.session)
        return self.names.get(version_id, ("", 0))


def plan_between(session: Session, earlier_id: int, later_id: int, reader: _Reader | None = None) -> Plan:
    """How questions of version `later_id` compare with those of `earlier_id`: through the entries
    between the two, else through a chain of versions the concordance links (v1 -> v2 -> v3: the
    matches composed, a break anywhere stopping the comparison), else by name."""
    if earlier_id == later_id:
        return Plan(identity=True)
    reader = reader or _Reader(session)
    earlier, later = reader.shapes_of(earlier_id), reader.shapes_of(later_id)
    direct = reader.steps_of(earlier_id, later_id)
    path = reader.path(earlier_id, later_id)
    chain = [reader.steps_of(a, b) for a, b in zip(path, path[1:])] if path else []
    names = [reader.name(version_id) for version_id in path or ()]
    links = {}
    for name, new in later.items():
        step, gap = direct.get(name), ()
        if chain and (step is None or not step.entry):
            chained, chained_gap = _chained(chain, names, name)
            if chained is not None and chained.entry:
                step, gap = chained, chained_gap
        if step is not None:
            links[name] = _link(earlier, new, step, gap)
    return Plan(links)


def comparisons(session: Session, wave_ids: Sequence[int]) -> Comparisons:
    """The plans between the versions of these waves, each way (the earlier wave is the one a
    comparison names first, whichever version is older)."""
    versions = dict(session.exec(select(Wave.id, Wave.version_id).where(Wave.id.in_(list(wave_ids)))).all())
    distinct = sorted(set(versions.values()))
    reader = _Reader(session)
    plans = {(a, b): plan_between(session, a, b, reader) for a in distinct for b in distinct if a != b}
    return Comparisons(versions, plans)


def version_names(session: Session) -> dict[int, tuple[str, int]]:
    """version id -> (instrument name, version number)."""
    rows = session.exec(
        select(InstrumentVersion.id, Instrument.name, InstrumentVersion.number).join(
            Instrument, Instrument.id == InstrumentVersion.instrument_id
        )
    ).all()
    return {vid: (name, number) for vid, name, number in rows}


# --- the secretariat's entries ------------------------------------------------------------------


def matches_between(session: Session, earlier_id: int, later_id: int) -> dict[str, tuple[QuestionMatch, list]]:
    """later question name -> (its match, [(earlier choice, later choice)]) between two versions."""
    return {m.later_question: (m, links) for m, links in _matches(session, earlier_id, later_id)}


def _check_match(earlier: dict, later: dict, data: MatchData) -> None:
    old, new = earlier.get(data.earlier_question), later.get(data.later_question)
    if new is None or (old is None and data.relation != NONE):
        raise ConcordanceError(str(_l("Choose a question of each version.")))
    if data.relation == NONE:
        return
    if (old.type in CHOICE_TYPES or new.type in CHOICE_TYPES) and old.type != new.type:
        raise ConcordanceError(
            str(_l("Both questions must be of the same kind (single choice, several choices) to be matched."))
        )
    if old.type not in CHOICE_TYPES and new.type not in CHOICE_TYPES:
        raise ConcordanceError(str(_l("Only questions with choices are matched here.")))
    for earlier_choice, later_choice in data.links:
        if earlier_choice not in old.choices or later_choice not in new.choices:
            raise ConcordanceError(str(_l("A choice is not one of the question's choices.")))
    if not data.links:
        raise ConcordanceError(str(_l("Match at least one choice, or say that the question has no equivalent.")))


@dataclass(frozen=True)
class MatchData:
    """What the secretariat enters for a question of the later version."""

    earlier_version_id: int
    later_version_id: int
    earlier_question: str  # "" when the relation is NONE
    later_question: str
    relation: str = MAPPED  # MAPPED or NONE
    links: tuple[tuple[str, str], ...] = ()  # (earlier choice, later choice)


def save_match(session: Session, *, data: MatchData, actor_id: int | None = None) -> QuestionMatch:
    """Record (or replace) how a question of the later version matches the earlier version."""
    if data.earlier_version_id == data.later_version_id:
        raise ConcordanceError(str(_l("Choose two different versions.")))
    earlier = shapes(_definition(session, data.earlier_version_id))
    later = shapes(_definition(session, data.later_version_id))
    _check_match(earlier, later, data)
    for old in session.exec(
        select(QuestionMatch).where(
            QuestionMatch.earlier_version_id == data.earlier_version_id,
            QuestionMatch.later_version_id == data.later_version_id,
            QuestionMatch.later_question == data.later_question,
        )
    ):
        session.delete(old)
    session.flush()
    match = QuestionMatch(
        earlier_version_id=data.earlier_version_id,
        later_version_id=data.later_version_id,
        earlier_question="" if data.relation == NONE else data.earlier_question,
        later_question=data.later_question,
        relation=data.relation,
        updated_at=utcnow(),
        updated_by_id=actor_id,
    )
    session.add(match)
    session.flush()
    links = [] if data.relation == NONE else sorted(set(data.links))
    for earlier_choice, later_choice in links:
        session.add(ChoiceMatch(match_id=match.id, earlier_choice=earlier_choice, later_choice=later_choice))
    audit.record(
        session,
        "survey.concordance_save",
        actor_id=actor_id,
        target=f"version:{data.later_version_id}",
        question=data.later_question,
        earlier=f"version:{data.earlier_version_id}:{data.earlier_question}",
        relation=data.relation,
    )
    session.commit()
    return match


def delete_match(session: Session, *, match: QuestionMatch, actor_id: int | None = None) -> None:
    for row in session.exec(select(ChoiceMatch).where(ChoiceMatch.match_id == match.id)):
        session.delete(row)
    audit.record(
        session,
        "survey.concordance_delete",
        actor_id=actor_id,
        target=f"version:{match.later_version_id}",
        question=match.later_question,
    )
    session.delete(match)
    session.commit()


__all__ = [
    "MAPPED",
    "NONE",
    "REFUSED",
    "SAME",
    "CHOICE_TYPES",
    "CONCORDANCE_TABLES",
    "ConcordanceError",
    "MatchData",
    "delete_match",
    "matches_between",
    "save_match",
    "Shape",
    "build_plan",
    "comparisons",
    "plan_between",
    "shapes",
    "version_names",
]
