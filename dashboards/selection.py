"""From the URL's filters to the frames a page computes on: the wave chosen, the history (its year
and the year before), and every frame narrowed to the population the filters name.

Survey respondents are narrowed by their profile frozen at submission, keeping the weights raked
on the whole wave (a domain estimate, as survey practice has it). Registry and participation are
narrowed by the registry's current profile; the knowledge-system filter applies to them only (the
survey does not record it). Evidence, barrier actions and calls for input belong to nobody and
are never narrowed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd
from sqlmodel import Session

from core import generations
from core.i18n import current_language
from dashboards import data
from dashboards.filters import Filters
from presentation.data import ReportData
from surveys.catalogue import WaveInfo, in_language

# Which column of each frame holds each filter's dimension.
_COLUMNS = {
    "registry": {"regional_group": "regional_group", "country": "country", "category": "category", "gender": "gender"},
    "participation": {
        "regional_group": "regional_group",
        "country": "country",
        "category": "category",
        "gender": "gender",
    },
    "survey": {"regional_group": "regional_group", "country": "country", "category": "category", "gender": "gender"},
    "invitations": {"regional_group": "regional_group", "country": "country", "category": "category"},
    "impact": {"regional_group": "region", "country": "country"},
    "concerns": {"regional_group": "raised_by_region", "category": "raised_by_category"},
}


_CATEGORICAL = (
    "wave",
    "instrument",
    "language",
    "channel",
    "network",
    "regional_group",
    "country",
    "category",
    "gender",
    "stakeholder_type",
)


@dataclass(frozen=True)
class Selection:
    waves: list[WaveInfo]  # every wave the dashboard knows, oldest first
    wave: WaveInfo
    data: ReportData  # narrowed to the filters; `history` carries the weights
    weighting: dict  # wave id -> raking result (of the whole wave)
    filters: Filters
    member_states: pd.DataFrame
    key: str  # changes whenever any frame behind this selection does
    # Changes whenever the registry or the population filters do, not with the wave: what is computed
    # from the registry and participation alone is kept under it, for every wave.
    registry_key: str
    # Changes whenever the engagement records or the filters that narrow the impact records do:
    # impact's counts of the records are kept under it, for every wave and the other filters.
    impact_key: str


def chosen_wave(waves: list[WaveInfo], wanted: int | None) -> WaveInfo | None:
    """The wave asked for, else the latest one."""
    for wave in waves:
        if wave.id == wanted:
            return wave
    return waves[-1] if waves else None


def narrow(frame: pd.DataFrame, kind: str, population: dict[str, str]) -> pd.DataFrame:
    columns = _COLUMNS.get(kind, {})
    mask = None
    for dimension, code in population.items():
        column = columns.get(dimension)
        if column is None or column not in frame.columns:
            continue
        values = frame[column]
        # A categorical compares its codes (no object copy of every row); others compare as objects.
        hit = values == code if isinstance(values.dtype, pd.CategoricalDtype) else values.astype(object) == code
        mask = hit if mask is None else mask & hit
    if mask is None:
        return frame
    return frame[mask.to_numpy()].reset_index(drop=True)


def _with_knowledge_system(registry: pd.DataFrame, participation: pd.DataFrame, code: str):
    column = f"knowledge_system__{code}"
    if column not in registry.columns:
        return registry.iloc[0:0], participation.iloc[0:0]
    registry = registry[registry[column].to_numpy() == 1].reset_index(drop=True)
    ids = set(registry["stakeholder_id"].tolist())
    keep = participation["stakeholder_id"].isin(ids).fillna(False).to_numpy(dtype=bool)
    return registry, participation[keep].reset_index(drop=True)


def _history(session: Session, wave: WaveInfo, base: data.Shared, waves: list[WaveInfo]):
    parts = data.history(session, wave, base, waves)
    key = "dashboard:history:" + "|".join(p.key for p in parts)

    def load():
        frame = pd.concat([p.frame for p in parts], ignore_index=True) if parts else pd.DataFrame()
        for column in _CATEGORICAL:  # concat turns categories that differ between waves into objects
            if column in frame.columns and frame[column].dtype == object:
                frame[column] = frame[column].astype("category")
        invitations = pd.concat([p.invitations for p in parts], ignore_index=True) if parts else pd.DataFrame()
        return frame, invitations, {p.info.id: p.raking for p in parts}

    window = "|".join(str(p.info.id) for p in parts)
    return parts, data.cached(key, load, slot=("history", window), keep=data.HISTORIES)


def select(session: Session, filters: Filters) -> Selection | None:
    """Everything a page needs for these filters (already confined to the user's scope)."""
    waves = data.waves(session)
    wave = chosen_wave(waves, filters.wave)
    if wave is None:
        return None
    base = data.shared(session)
    # Read before the records: were they written in between, the parts kept under this token would be
    # newer than it, never older (the next view reads a new token and computes them again).
    records_token = kept_token(session)
    kept = data.engagement_records(session)
    parts, (history, invitations, weighting) = _history(session, wave, base, waves)
    current = next(p for p in parts if p.info.id == wave.id)
    population = filters.population()
    registry, participation = base.registry, base.participation
    if filters.knowledge_system:
        registry, participation = _with_knowledge_system(registry, participation, filters.knowledge_system)
    # Wave, instrument and network names in the reader's language (frames are cached as typed).
    names = in_language(session, [w.id for w in waves], current_language())
    history = names.frame(narrow(history, "survey", population))
    survey = history[history["wave_id"].to_numpy() == wave.id].reset_index(drop=True)
    wave, waves = names.waves([wave])[0], names.waves(waves)
    report = ReportData(
        waves=(wave,),
        survey=survey,
        history=history,
        catalog=current.catalog,
        registry=narrow(registry, "registry", population),
        participation=narrow(participation, "participation", population),
        evidence=kept.evidence,
        actions=kept.actions,
        impact=narrow(kept.impact, "impact", population),
        concerns=narrow(kept.concerns, "concerns", population),
        calls=kept.calls,
        invitations=names.frame(narrow(invitations, "invitations", population)),
        member_states=base.member_states,
        comparisons=data.wave_comparisons(session, parts),
    )
    key = "|".join(
        [
            base.token,
            kept_token(session),
            generations.token(data.CONCORDANCE),
            *(p.key for p in parts),
            *([names.token] if names else []),
        ]
    )
    filtered = urlencode(sorted(population.items()))
    return Selection(
        waves,
        wave,
        report,
        weighting,
        replace(filters, wave=wave.id),
        base.member_states,
        key,
        base.token + ":" + filtered,
        records_token + ":" + urlencode(sorted((k, v) for k, v in population.items() if k in _COLUMNS["impact"])),
    )


def kept_token(session: Session) -> str:
    return generations.token(data.RECORDS)
