"""Everything a report needs, read from the database into DataFrames in one go.

The only module of `reports/` that touches a session. Survey responses are read without PII
questions; free-text answers are read (the frame holds them) but never shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, select
from sqlmodel import Session

from core.reference.models import Country
from engagement import frames as records
from stakeholders.frames import participation_frame, registry_frame
from stakeholders.models import Stakeholder
from surveys.frame import question_catalog, responses_frame
from surveys.models import Instrument, Invitation, Response, Wave


class ReportError(LookupError):
    """The report cannot be made as asked (an unknown wave...)."""


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str
    year: int
    instrument: str
    opens_at: object
    closes_at: object


@dataclass(frozen=True)
class ReportData:
    waves: tuple[WaveInfo, ...]  # the waves asked for, oldest first
    survey: pd.DataFrame  # responses of the waves asked for
    history: pd.DataFrame  # responses of every wave up to the latest year asked for (indicator trends)
    catalog: pd.DataFrame  # questions of the waves asked for
    registry: pd.DataFrame
    participation: pd.DataFrame
    evidence: pd.DataFrame
    actions: pd.DataFrame
    impact: pd.DataFrame
    concerns: pd.DataFrame
    calls: pd.DataFrame
    invitations: pd.DataFrame  # invitations sent, with `responded`, for every wave in `history`
    member_states: pd.DataFrame  # country, regional_group


def find_wave(session: Session, reference: str) -> Wave:
    """A wave by id or by its exact name."""
    reference = str(reference).strip()
    wave = session.get(Wave, int(reference)) if reference.isdigit() else None
    if wave is None:
        wave = session.scalars(select(Wave).where(Wave.name == reference)).first()
    if wave is None:
        raise ReportError(f"No survey wave with id or name {reference!r}.")
    return wave


def load(session: Session, wave_references) -> ReportData:
    found = {}
    for reference in wave_references:
        wave = find_wave(session, reference)
        found[wave.id] = wave
    if not found:
        raise ReportError("Name at least one survey wave.")
    instruments = dict(session.execute(select(Instrument.id, Instrument.name)).all())
    chosen = sorted(found.values(), key=lambda w: (w.year, w.opens_at, w.id))
    waves = tuple(
        WaveInfo(w.id, w.name, w.year, instruments.get(w.instrument_id, ""), w.opens_at, w.closes_at) for w in chosen
    )
    latest_year = max(w.year for w in chosen)
    history_ids = [
        wave_id
        for (wave_id,) in session.execute(select(Wave.id).where(Wave.year <= latest_year, Wave.status != "draft"))
    ]
    history_ids = sorted(set(history_ids) | set(found))
    history = responses_frame(session, history_ids, include_pii=False)
    survey = history[history["wave_id"].isin(list(found))].reset_index(drop=True)
    for column in survey.select_dtypes("category"):
        survey[column] = survey[column].cat.remove_unused_categories()
    return ReportData(
        waves=waves,
        survey=survey,
        history=history,
        catalog=question_catalog(session, list(found)),
        registry=registry_frame(session),
        participation=participation_frame(session),
        evidence=records.evidence_frame(session),
        actions=records.barrier_actions_frame(session),
        impact=records.impact_frame(session),
        concerns=records.concerns_frame(session),
        calls=records.calls_frame(session),
        invitations=invitations_frame(session, history_ids),
        member_states=member_states_frame(session),
    )


def member_states_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Country.iso2, Country.regional_group).where(Country.is_un_member)).all()
    return pd.DataFrame(rows, columns=["country", "regional_group"])


def invitations_frame(session: Session, wave_ids: list[int]) -> pd.DataFrame:
    """One row per invitation sent: wave, year, the invitee's group as the registry has it now, responded."""
    try:  # the surveys package's own loader, when it is there
        from surveys.analysis_inputs import invitations_frame as shared
    except ImportError:
        shared = None
    if shared is not None:
        return shared(session, wave_ids)
    query = (
        select(
            Invitation.id,
            Wave.name,
            Wave.year,
            Country.regional_group,
            Stakeholder.country,
            Stakeholder.category,
            Response.id,
        )
        .join(Wave, Wave.id == Invitation.wave_id)
        .outerjoin(Stakeholder, Stakeholder.id == Invitation.stakeholder_id)
        .outerjoin(Country, Country.iso2 == Stakeholder.country)
        .outerjoin(
            Response,
            and_(
                Response.wave_id == Invitation.wave_id,
                Response.stakeholder_id == Invitation.stakeholder_id,
                Response.status == "submitted",
            ),
        )
        .where(Invitation.wave_id.in_(wave_ids), Invitation.sent_at.is_not(None))
    )
    rows = session.execute(query).all()
    frame = pd.DataFrame(
        rows, columns=["invitation_id", "wave", "year", "regional_group", "country", "category", "response_id"]
    )
    frame["responded"] = frame.pop("response_id").notna()
    return frame
