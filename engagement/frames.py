"""Engagement records as pandas DataFrames of codes, for the pure indicator functions in analysis/.

One row per record; codes, never labels (labels are translated where tables are shown); dates
as `datetime.date` objects (dtype object), missing values as None/NaN. No personal data: impact
submitters, and who raised a concern, are left out (only that person's region and category).

evidence_frame
    id, kind (EVIDENCE_KIND code), title, issued_on (date), year (int), link, languages (codes in
    the vocabulary's order joined by ";"), n_languages (int), all_languages (bool: all six UN languages)
barrier_actions_frame
    id, barrier (BARRIER code, the annual survey's `barrier` choice names), action, owner,
    due_on (date or None), status (ACTION_STATUS code: planned, in_progress, done, dropped)
impact_frame (published records only, unless published_only=False)
    id, impact_type (IMPACT_TYPE code), scale (IMPACT_SCALE code), region (UN regional group code:
    as recorded, else the country's group, else None), country (ISO alpha-2 or None), year (int or
    None: when it happened), deliverable (DELIVERABLE code or ""), has_evidence_link (bool),
    status (IMPACT_STATUS code), source ("public", "secretariat", "import"), submitted_on (date),
    published_on (date or None: the moderation date of a published record)
concerns_frame
    id, raised_on (date), year (int), channel (CONCERN_CHANNEL code), status (open, answered, closed),
    answered_on (date or None), days_to_answer (int days from raised to answered, or None),
    addressed (bool: status answered or closed), raised_by_region (regional group code or None),
    raised_by_category (registry CATEGORY code or None)
calls_frame
    id, title, deliverable (DELIVERABLE code or ""), opened_on (date), closed_on (date or None),
    year (int, of opening), responses (int or None: not counted), audience (CALL_AUDIENCE codes
    joined by ";"; empty for a call open to all)

RECORD_TABLES names the tables these frames read (the registry and country aside, for who raised
a concern and where): a cache of them is stale once a commit writes one (`core.generations.watch`).
"""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core.reference.models import Country
from engagement import vocabularies as vocab
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from stakeholders.models import Stakeholder

RECORD_TABLES = (EvidenceItem, BarrierAction, ImpactRecord, Concern, CallForInput)
EVIDENCE_COLUMNS = ["id", "kind", "title", "issued_on", "year", "link", "languages", "n_languages", "all_languages"]
BARRIER_ACTION_COLUMNS = ["id", "barrier", "action", "owner", "due_on", "status"]
IMPACT_COLUMNS = [
    "id",
    "impact_type",
    "scale",
    "region",
    "country",
    "year",
    "deliverable",
    "has_evidence_link",
    "status",
    "source",
    "submitted_on",
    "published_on",
]
CONCERN_COLUMNS = [
    "id",
    "raised_on",
    "year",
    "channel",
    "status",
    "answered_on",
    "days_to_answer",
    "addressed",
    "raised_by_region",
    "raised_by_category",
]
CALL_COLUMNS = ["id", "title", "deliverable", "opened_on", "closed_on", "year", "responses", "audience"]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def evidence_frame(session: Session) -> pd.DataFrame:
    every = set(vocab.LANGUAGE.codes)
    rows = []
    for item in session.exec(select(EvidenceItem).order_by(EvidenceItem.id)):
        languages = [code for code in vocab.LANGUAGE.codes if code in (item.languages or ())]
        rows.append(
            {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "issued_on": item.issued_on,
                "year": item.issued_on.year,
                "link": item.link,
                "languages": ";".join(languages),
                "n_languages": len(languages),
                "all_languages": every <= set(languages),
            }
        )
    return _frame(rows, EVIDENCE_COLUMNS)


def barrier_actions_frame(session: Session) -> pd.DataFrame:
    rows = [
        {"id": a.id, "barrier": a.barrier, "action": a.action, "owner": a.owner, "due_on": a.due_on, "status": a.status}
        for a in session.exec(select(BarrierAction).order_by(BarrierAction.id))
    ]
    return _frame(rows, BARRIER_ACTION_COLUMNS)


def impact_frame(session: Session, *, published_only: bool = True) -> pd.DataFrame:
    statement = (
        select(ImpactRecord, Country.regional_group)
        .outerjoin(Country, Country.iso2 == ImpactRecord.country)
        .order_by(ImpactRecord.id)
    )
    if published_only:
        statement = statement.where(ImpactRecord.status == "published")
    rows = []
    for record, country_group in session.exec(statement):
        rows.append(
            {
                "id": record.id,
                "impact_type": record.impact_type,
                "scale": record.scale,
                "region": record.region or country_group,
                "country": record.country,
                "year": record.year,
                "deliverable": record.deliverable,
                "has_evidence_link": bool(record.evidence_link),
                "status": record.status,
                "source": record.source,
                "submitted_on": record.submitted_at.date(),
                "published_on": record.moderated_at.date()
                if record.status == "published" and record.moderated_at
                else None,
            }
        )
    frame = _frame(rows, IMPACT_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def concerns_frame(session: Session) -> pd.DataFrame:
    statement = (
        select(Concern, Country.regional_group, Stakeholder.category)
        .outerjoin(Stakeholder, Stakeholder.id == Concern.raised_by_id)
        .outerjoin(Country, Country.iso2 == Stakeholder.country)
        .order_by(Concern.id)
    )
    rows = []
    for concern, region, category in session.exec(statement):
        rows.append(
            {
                "id": concern.id,
                "raised_on": concern.raised_on,
                "year": concern.raised_on.year,
                "channel": concern.channel,
                "status": concern.status,
                "answered_on": concern.answered_on,
                "days_to_answer": (concern.answered_on - concern.raised_on).days if concern.answered_on else None,
                "addressed": concern.status in ("answered", "closed"),
                "raised_by_region": region,
                "raised_by_category": category,
            }
        )
    frame = _frame(rows, CONCERN_COLUMNS)
    frame["days_to_answer"] = frame["days_to_answer"].astype("Int64")
    return frame


def calls_frame(session: Session) -> pd.DataFrame:
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "deliverable": c.deliverable,
            "opened_on": c.opened_on,
            "closed_on": c.closed_on,
            "year": c.opened_on.year,
            "responses": c.responses,
            "audience": ";".join(code for code in vocab.CALL_AUDIENCE.codes if code in (c.audience or ())),
        }
        for c in session.exec(select(CallForInput).order_by(CallForInput.id))
    ]
    frame = _frame(rows, CALL_COLUMNS)
    frame["responses"] = frame["responses"].astype("Int64")
    return frame
