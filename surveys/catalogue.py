"""The survey waves as the report and the dashboard read them: the waves there are, one wave by id
or name, and a fingerprint that changes whenever what an analysis reads of a wave may have.

Read-only. No ORM object leaves this module: a wave is handed out as a `WaveInfo`.

Names typed by the secretariat (waves, instruments, networks) can be given in six languages
(core/localized.py). Frames and `WaveInfo`s carry the names as typed, so cached frames serve every
language; `in_language` relabels a page's waves and frames for its reader.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from core.localized import renamed
from surveys.models import Instrument, OpenLink, Response, ResponseImport, Wave


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str
    year: int
    instrument: str  # the instrument's name
    opens_at: object
    closes_at: object
    names: dict = field(default_factory=dict, compare=False)  # the name in other languages


def _oldest_first(waves: Iterable) -> list:
    return sorted(waves, key=lambda w: (w.year, w.opens_at, w.id))


def _infos(session: Session, waves: Iterable[Wave]) -> list[WaveInfo]:
    instruments = dict(session.execute(select(Instrument.id, Instrument.name)).all())
    return [
        WaveInfo(
            w.id,
            w.name,
            w.year,
            instruments.get(w.instrument_id, ""),
            w.opens_at,
            w.closes_at,
            w.name_translations or {},
        )
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
    # The name is in the frame (its `wave` column): a renamed wave is read again.
    stamp = f"{wave.status}:{wave.opens_at}:{wave.closes_at}:{wave.version_id}:{wave.name}"
    # Past responses imported into (or undone from) a wave, closed or not (surveys/response_import).
    imports = session.execute(
        select(func.count(), func.max(ResponseImport.created_at), func.max(ResponseImport.undone_at)).where(
            ResponseImport.wave_id == wave_id
        )
    ).one()
    stamp += ":{}:{}:{}".format(*imports)
    if wave.status == "closed":
        return stamp
    count, latest = session.execute(
        select(func.count(), func.max(Response.updated_at)).where(
            Response.wave_id == wave_id, Response.status == "submitted"
        )
    ).one()
    return f"{stamp}:{count}:{latest}"


# --- names in the reader's language ----------------------------------------------------------


@dataclass(frozen=True)
class Relabelling:
    """For one language: {typed name: name in that language} by frame column (wave, instrument,
    network), only for names given in that language."""

    labels: dict = field(default_factory=dict, compare=False)

    def __bool__(self) -> bool:
        return any(self.labels.values())

    @property
    def token(self) -> str:
        """Changes with the names: for cache keys of anything computed from relabelled frames."""
        text = json.dumps(self.labels, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def waves(self, waves: Iterable[WaveInfo]) -> list[WaveInfo]:
        wave_labels, instrument_labels = self.labels.get("wave", {}), self.labels.get("instrument", {})
        return [
            replace(
                w, name=wave_labels.get(w.name, w.name), instrument=instrument_labels.get(w.instrument, w.instrument)
            )
            for w in waves
        ]

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` with its typed names in the language (categories renamed; the rows are not copied)."""
        changes = {column: mapping for column, mapping in self.labels.items() if mapping and column in frame.columns}
        if not changes:
            return frame
        frame = frame.copy(deep=False)
        for column, mapping in changes.items():
            values = frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                new = [mapping.get(name, name) for name in values.cat.categories]
                if len(set(new)) == len(new):  # a translation equal to another category's name: left as typed
                    frame[column] = values.cat.rename_categories(new)
            else:
                frame[column] = values.map(lambda name, m=mapping: m.get(name, name))
        return frame


def in_language(session: Session, wave_ids: Iterable[int], locale: str) -> Relabelling:
    """How to show the names of these waves, their instruments and their networks in `locale`."""
    wave_ids = list(wave_ids)
    waves = session.execute(select(Wave.name, Wave.name_translations).where(Wave.id.in_(wave_ids))).all()
    instruments = session.execute(
        select(Instrument.name, Instrument.name_translations).where(
            Instrument.id.in_(select(Wave.instrument_id).where(Wave.id.in_(wave_ids)))
        )
    ).all()
    networks = session.execute(
        select(OpenLink.network, OpenLink.name_translations).where(OpenLink.wave_id.in_(wave_ids))
    ).all()
    return Relabelling(
        {
            column: renamed({name: translations or {} for name, translations in rows}, locale)
            for column, rows in (("wave", waves), ("instrument", instruments), ("network", networks))
        }
    )
