"""Engagement records the registry and the surveys do not hold: the data behind indicators 1, 2, 5
and 6 of decision IPBES-3/4 (evidence of commitment, planned steps on barriers, impact, two-way
communication). Codes come from engagement/vocabularies.py.

Each record has a natural key, kept in a `*_key` column (text without case or accents), on which
re-importing a file updates a record instead of adding it again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class EvidenceItem(SQLModel, table=True):
    """A document or event showing the commitment to engagement: strategy, plan, procedures, consultation."""

    __table_args__ = (UniqueConstraint("kind", "title_key", name="uq_evidenceitem_kind_title"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    title: str = Field(max_length=300)
    title_key: str = Field(max_length=300)
    issued_on: date
    link: str = Field(default="", max_length=500)
    languages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # language codes
    notes: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)


class BarrierAction(SQLModel, table=True):
    """A step the secretariat plans against a barrier to engagement that respondents report."""

    __table_args__ = (
        UniqueConstraint("barrier", "action_key", name="uq_barrieraction_barrier_action"),
        CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="ck_barrieraction_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    barrier: str = Field(max_length=20, index=True)
    action: str = Field(max_length=500)
    action_key: str = Field(max_length=500)
    owner: str = Field(default="", max_length=200)
    due_on: date | None = None
    status: str = Field(default="planned", max_length=12)
    created_at: datetime = Field(default_factory=utcnow)


class ImpactRecord(SQLModel, table=True):
    """Evidence that IPBES outputs were used: a policy, action, commitment, network, investment or law.

    Anyone may submit one; it is public only once the secretariat publishes it. The submitter's
    name and email are personal data and are never shown publicly.
    """

    __table_args__ = (CheckConstraint("status IN ('pending', 'published', 'rejected')", name="ck_impactrecord_status"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    title_key: str = Field(max_length=300, index=True)  # not unique: two people may submit the same title
    impact_type: str = Field(max_length=20, index=True)
    scale: str = Field(max_length=20)
    region: str | None = Field(default=None, max_length=8)  # UN regional group code
    country: str | None = Field(default=None, foreign_key="country.iso2", max_length=2)
    year: int | None = None  # when the policy, action... happened
    deliverable: str = Field(default="", max_length=30)  # DELIVERABLE code, or empty
    description: str = Field(default="")
    evidence_link: str = Field(default="", max_length=500)
    submitter_name: str = Field(default="", max_length=200)
    submitter_email: str = Field(default="", max_length=254)
    status: str = Field(default="pending", max_length=10, index=True)
    source: str = Field(default="public", max_length=12)  # "public" form, "secretariat" form or "import"
    submitted_at: datetime = Field(default_factory=utcnow, index=True)
    moderated_at: datetime | None = None
    moderated_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class Concern(SQLModel, table=True):
    """A concern a stakeholder raised with the secretariat, and the answer given."""

    __table_args__ = (
        UniqueConstraint("raised_on", "summary_key", name="uq_concern_raised_summary"),
        CheckConstraint("status IN ('open', 'answered', 'closed')", name="ck_concern_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    summary: str = Field(max_length=500)
    summary_key: str = Field(max_length=500)
    raised_by_id: int | None = Field(default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL")
    raised_on: date = Field(index=True)
    channel: str = Field(max_length=20)
    status: str = Field(default="open", max_length=10, index=True)
    answer: str = Field(default="")
    answered_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CallForInput(SQLModel, table=True):
    """A call inviting stakeholders to comment or contribute, and how many responses it received."""

    __table_args__ = (UniqueConstraint("title_key", "opened_on", name="uq_callforinput_title_opened"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    title_key: str = Field(max_length=300)
    deliverable: str = Field(default="", max_length=30)
    opened_on: date = Field(index=True)
    closed_on: date | None = None
    responses: int | None = None  # None: not counted yet
    audience: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # CALL_AUDIENCE codes
    created_at: datetime = Field(default_factory=utcnow)
