"""The survey waves as the report and the dashboard read them: the waves there are, one wave by id
or name, and a fingerprint that changes whenever what an analysis reads of a wave may have.

Read-only. No ORM object leaves this module: a wave is handed out as a `WaveInfo`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from surveys.models import Instrument, Response, Wave


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str
    year: int
    instrument: str  # the instrument's name
    opens_at: object
    closes_at: object


def _oldest_first(waves: Iterable) -> list:
    return sorted(waves, key=lambda w: (w.year, w.opens_at, w.id))


def _infos(session: Session, waves: Iterable[Wave]) -> list[WaveInfo]:
    instruments = dict(session.execute(select(Instrument.id, Instrument.name)).all())
    return [
        WaveInfo(w.id, w.name, w.year, instruments.get(w.instrument_id, ""), w.opens_at, w.closes_at)
        for w in _oldest_first(waves)
    ]


def published_waves(session: Session) -> list[WaveInfo]:
    """Every wave that is not a draft, oldest first."""
    return _infos(session, session.scalars(select(Wave).where(Wave.status != "draft")).all())


def find_waves(session: Session, references: Iterable) -> tuple[list[WaveInfo], list[str]]:
    """The waves named by id or by exact name (each once, oldest first), and the references that
    name no wave."""
    found: dict[int, Wave] = {}
    unknown = []
    for reference in references:
        reference = str(reference).strip()
        wave = session.get(Wave, int(reference)) if reference.isdigit() else None
        if wave is None:
            wave = session.scalars(select(Wave).where(Wave.name == reference)).first()
        if wave is None:
            unknown.append(reference)
        else:
            found[wave.id] = wave
    return _infos(session, found.values()), unknown


def wave_ids_up_to(session: Session, year: int) -> list[int]:
    """The ids of every wave of `year` or earlier that is not a draft."""
    return list(session.scalars(select(Wave.id).where(Wave.year <= year, Wave.status != "draft")))


def wave_fingerprint(session: Session, wave_id: int) -> str:
    """Changes whenever the wave's submitted responses may have: its status, times and version, and
    for a wave not yet closed the count and latest change of its submitted responses (one indexed
    query)."""
    wave = session.get(Wave, wave_id)
    stamp = f"{wave.status}:{wave.opens_at}:{wave.closes_at}:{wave.version_id}"
    if wave.status == "closed":
        return stamp
    count, latest = session.execute(
        select(func.count(), func.max(Response.updated_at)).where(
            Response.wave_id == wave_id, Response.status == "submitted"
        )
    ).one()
    return f"{stamp}:{count}:{latest}"
