"""What the concordance pages show between two instrument versions: each later question with how it
compares, and proposals where names, labels and choices agree (`surveys.concordance` saves them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from analysis.harmonise import choice_pairs
from core.text import search_key
from surveys.concordance import (
    CHOICE_TYPES,
    MAPPED,
    NONE,
    SAME,
    MatchData,
    Shape,
    matches_between,
    plan_between,
    shapes,
)
from surveys.concordance import (
    version_names as version_names,  # the history pages read it from here
)
from surveys.definition import Definition
from surveys.models import InstrumentVersion, Wave


@dataclass(frozen=True)
class PairRow:
    """A question of the later version, as the concordance page lists it."""

    later: Shape
    status: str | None  # SAME, MAPPED, NONE, REFUSED, or None: not in the earlier version
    earlier: Shape | None
    links: tuple[tuple[str, str], ...] = ()  # (earlier choice, later choice): this pair's entry, or the chain's
    match_id: int | None = None
    chained: bool = False  # compared (or stopped) through the versions between, with no entry of this pair
    top_two: bool = False  # Likert scales that differ: compared on the top-two-box share
    gap: tuple = ()  # where the chain stops: ((instrument, number), (instrument, number))


def version_shapes(session: Session, version_id: int) -> dict[str, Shape]:
    version = session.get(InstrumentVersion, version_id)
    return shapes(Definition.from_dict(version.definition)) if version else {}


def pair_rows(session: Session, earlier_id: int, later_id: int) -> list[PairRow]:
    """Each later question with how the report and the explorer compare it (`plan_between`: this
    pair's entries, else a chain of versions, else names)."""
    earlier, later = version_shapes(session, earlier_id), version_shapes(session, later_id)
    found = matches_between(session, earlier_id, later_id)
    plan = plan_between(session, earlier_id, later_id)
    rows = []
    for name, shape in later.items():
        link = plan.link(name)
        match, links = found.get(name, (None, []))
        chained = match is None and link is not None and (bool(link.gap) or link.status in (MAPPED, NONE))
        if chained and link.status == MAPPED and not link.top_two:
            links = sorted(choice_pairs(link), key=lambda pair: (pair[1], pair[0]))
        rows.append(
            PairRow(
                shape,
                link.status if link else None,
                earlier.get(link.earlier) if link else None,
                tuple(links),
                match.id if match else None,
                chained,
                bool(link and link.top_two),
                link.gap if link else (),
            )
        )
    return rows


def _key(labels: dict) -> set[str]:
    return {search_key(text) for text in (labels or {}).values() if text}


def choice_links(old: Shape, new: Shape) -> tuple[tuple[str, str], ...]:
    """Later choices linked to the earlier choice of the same name, else of the same label in a language."""
    links = []
    for choice in new.choices:
        if choice in old.choices:
            links.append((choice, choice))
            continue
        labels = _key((new.choice_labels or {}).get(choice, {}))
        same = [c for c in old.choices if labels & _key((old.choice_labels or {}).get(c, {}))]
        if len(same) == 1:
            links.append((same[0], choice))
    return tuple(links)


def _candidate(earlier: dict[str, Shape], new: Shape, taken: set[str]) -> Shape | None:
    same_name = earlier.get(new.name)
    if same_name is not None and same_name.type == new.type:
        return same_name
    for old in earlier.values():
        if old.name in taken or old.type != new.type:
            continue
        if set(old.choices) == set(new.choices) or _key(old.labels) & _key(new.labels):
            return old
    return None


def proposals(session: Session, earlier_id: int, later_id: int) -> list[MatchData]:
    """Matches the page proposes for the later version's choice questions that compare neither as
    they are nor through an entry: the earlier question of the same name, else one with the same
    choices or the same label; choices linked by name, else by label."""
    rows = pair_rows(session, earlier_id, later_id)
    taken = {row.earlier.name for row in rows if row.earlier is not None and row.status in (SAME, MAPPED)}
    earlier = version_shapes(session, earlier_id)
    found = []
    for row in rows:
        if row.later.type not in CHOICE_TYPES or row.status in (SAME, MAPPED) or row.match_id is not None:
            continue
        old = _candidate(earlier, row.later, taken)
        links = choice_links(old, row.later) if old is not None else ()
        if links:
            taken.add(old.name)
            found.append(MatchData(earlier_id, later_id, old.name, row.later.name, MAPPED, links))
    return found


def wave_pairs(session: Session) -> list[tuple[int, int]]:
    """(earlier, later) versions of waves one after the other that used different versions: the pairs
    a concordance is most needed for, oldest first."""
    rows = session.exec(select(Wave.version_id).where(Wave.status != "draft").order_by(Wave.year, Wave.opens_at)).all()
    pairs = []
    for earlier, later in zip(rows, rows[1:]):
        if earlier != later and (earlier, later) not in pairs:
            pairs.append((earlier, later))
    return pairs
