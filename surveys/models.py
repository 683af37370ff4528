"""Survey tables: instruments and their immutable versions, waves, links, responses, answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class Instrument(SQLModel, table=True):
    """A questionnaire (the needs analysis, the annual survey); its content lives in versions."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)  # e.g. "annual-survey"
    name: str = Field(max_length=200)  # for the secretariat; respondents see the version's titles
    # The name in other languages ({language: text}); see core/localized.py.
    name_translations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    created_at: datetime = Field(default_factory=utcnow)


class InstrumentVersion(SQLModel, table=True):
    """One immutable version, identified by the hash of its parsed definition."""

    __table_args__ = (
        UniqueConstraint("instrument_id", "content_hash"),
        UniqueConstraint("instrument_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    number: int  # 1, 2, ... within the instrument
    content_hash: str = Field(max_length=64)  # sha256 of the canonical definition JSON
    definition: dict = Field(sa_column=Column(JSON, nullable=False))  # Definition.to_dict()
    xlsform: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # the workbook as uploaded
    filename: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class Wave(SQLModel, table=True):
    """One run of an instrument ("Annual survey 2026") for an audience, between two UTC times."""

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'closed')", name="ck_wave_status"),
        CheckConstraint("closes_at > opens_at", name="ck_wave_times"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    version_id: int = Field(foreign_key="instrumentversion.id", index=True)
    name: str = Field(max_length=200, unique=True)
    name_translations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    year: int = Field(index=True)
    opens_at: datetime
    closes_at: datetime
    # draft: being prepared; published: open between opens_at and closes_at; closed: ended early.
    status: str = Field(default="draft", max_length=10)
    # {"categories": [...], "regions": [...], "countries": [...]}; all empty = the whole registry.
    audience: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    previous_wave_id: int | None = Field(default=None, foreign_key="wave.id")
    allow_editing: bool = Field(default=True)  # respondents may change answers until it closes
    # A wave run before the platform (`surveys.waves.record_past_wave`): closed from the start, never
    # answered here, so its instrument version may be in fewer than six languages.
    past: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class OpenLink(SQLModel, table=True):
    """A link a network or partner promotes; responses through it record the referrer."""

    __table_args__ = (UniqueConstraint("wave_id", "network"),)
    TRANSLATED_FIELD: ClassVar[str] = "network"

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True, ondelete="CASCADE")
    network: str = Field(max_length=200)
    name_translations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    token: str = Field(max_length=64, unique=True)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Invitation(SQLModel, table=True):
    """A registered stakeholder's personal link to a wave."""

    __table_args__ = (UniqueConstraint("wave_id", "stakeholder_id"),)

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True, ondelete="CASCADE")
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )  # cut on erasure
    token: str = Field(max_length=64, unique=True)
    language: str = Field(default="en", max_length=5)
    sent_at: datetime | None = None
    reminders_sent: int = Field(default=0)
    last_reminded_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ReminderSchedule(SQLModel, table=True):
    """A reminder the secretariat planned: sent by `flask send-reminders` once due."""

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True, ondelete="CASCADE")
    send_at: datetime
    sent_at: datetime | None = None
    recipients: int | None = None


class SurveyOptOut(SQLModel, table=True):
    """A stakeholder who used the unsubscribe link: no more survey invitations or reminders."""

    stakeholder_id: int = Field(foreign_key="stakeholder.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class ResponseImport(SQLModel, table=True):
    """One file of past responses brought into a wave: its source, who brought it, and what came of it.

    Its responses carry `import_id`; undoing the import deletes them and sets `undone_at`.
    """

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True, ondelete="CASCADE")
    file_name: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    rows_stored: int = Field(default=0)
    rows_left_out: int = Field(default=0)
    # The refused rows left out, as [{"row", "column", "kind", "message"}], for the report.
    left_out: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mapping: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # Mapping.to_dict()
    undone_at: datetime | None = None
    undone_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class SavedImportMapping(SQLModel, table=True):
    """A column mapping kept for a wave and a file shape (`SourceFile.signature`), offered again for the
    next file of the same shape."""

    __table_args__ = (UniqueConstraint("wave_id", "signature"),)

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True, ondelete="CASCADE")
    signature: str = Field(max_length=64, index=True)
    mapping: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # Mapping.to_dict()
    updated_at: datetime = Field(default_factory=utcnow)


class Response(SQLModel, table=True):
    """One respondent's answers to one wave: a draft until submitted.

    `submission_key` is made when the response starts and makes submission idempotent.
    Profile columns are frozen at submission so later profile edits or erasure leave past
    results unchanged.
    """

    __table_args__ = (
        UniqueConstraint("wave_id", "stakeholder_id"),  # one response per stakeholder per wave
        CheckConstraint("status IN ('draft', 'submitted')", name="ck_response_status"),
        Index("ix_response_wave_status", "wave_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    version_id: int = Field(foreign_key="instrumentversion.id", index=True)
    stakeholder_id: int | None = Field(default=None, foreign_key="stakeholder.id", ondelete="SET NULL")
    open_link_id: int | None = Field(default=None, foreign_key="openlink.id", index=True)
    import_id: int | None = Field(default=None, foreign_key="responseimport.id", index=True)  # brought from a file
    submission_key: str = Field(max_length=64, unique=True)
    resume_token_hash: str | None = Field(default=None, max_length=64, unique=True)  # open links
    status: str = Field(default="draft", max_length=10)
    language: str = Field(default="en", max_length=5)
    draft: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # name -> raw
    # Names of the questions behind a `relevant` condition this respondent was shown, recorded at
    # submission (surveys.shown); None for a response submitted before they were recorded.
    shown: list | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    last_page: int = Field(default=0)  # furthest page reached, for drop-off
    content_digest: str | None = Field(default=None, max_length=64)  # of the submitted answers
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = Field(default=None, index=True)
    # Frozen at submission (from the registry, or the profile questions for open links).
    regional_group: str | None = Field(default=None, max_length=8)
    country: str | None = Field(default=None, max_length=2)
    category: str | None = Field(default=None, max_length=20)
    gender: str | None = Field(default=None, max_length=12)
    stakeholder_type: str | None = Field(default=None, max_length=12)


class Answer(SQLModel, table=True):
    """One submitted answer in long form; `select_multiple` keeps its choices space-separated.
    A question inside a repeat has one row per instance the respondent filled in."""

    response_id: int = Field(foreign_key="response.id", primary_key=True, ondelete="CASCADE")
    question: str = Field(primary_key=True, max_length=100)
    # 0 outside any repeat; 1, 2, ... the instance of the repeat the question sits in.
    instance: int = Field(default=0, primary_key=True, sa_column_kwargs={"server_default": "0"})
    # A repeat nested in another: the instance numbers of the repeats holding it, outermost first, joined
    # by dots ("2": inside instance 2 of its parent); "" for every other answer.
    parent_instances: str = Field(default="", primary_key=True, max_length=100, sa_column_kwargs={"server_default": ""})
    value_text: str | None = None
    value_number: float | None = None
    value_date: date | None = None
