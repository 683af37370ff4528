"""Registry tables: stakeholders, organisations, consents, focal points, participation."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class Organisation(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'merged')", name="ck_organisation_status"),
        Index("ix_organisation_name_country", "search_name", "country"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    search_name: str = Field(max_length=300, index=True)  # casefolded, accents removed
    acronym: str = Field(default="", max_length=40)
    org_type: str = Field(max_length=20, index=True)
    country: str | None = Field(default=None, foreign_key="country.iso2", max_length=2, index=True)
    website: str = Field(default="", max_length=300)
    status: str = Field(default="pending", max_length=10, index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="organisation.id")
    proposed_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    approved_at: datetime | None = None


class OrganisationName(SQLModel, table=True):
    """The organisation's name in another language."""

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, ondelete="CASCADE")
    language: str = Field(primary_key=True, max_length=5)
    name: str = Field(max_length=300)


class ObserverAdmission(SQLModel, table=True):
    """Admission of an organisation as an observer to a plenary session."""

    __table_args__ = (UniqueConstraint("organisation_id", "plenary_session"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    plenary_session: str = Field(max_length=20)  # e.g. "IPBES-11"
    year: int


class Stakeholder(SQLModel, table=True):
    """A registered individual's profile. Name and email live on the account (`user_account`).

    After erasure `user_id` is empty and personal fields are cleared; what remains (country,
    category, gender, type, knowledge systems...) keeps aggregate counts right.
    """

    __table_args__ = (
        Index("ix_stakeholder_public", "public_listing", "is_active", "country"),
        Index("ix_stakeholder_country_category", "country", "category"),
        # The public register: its count and name-ordered pages read only this index.
        Index(
            "ix_stakeholder_listing",
            "public_listing",
            "is_active",
            "erased_at",
            "search_name",
            "id",
            "organisation_id",
            "country",
            "category",
        ),
        # A focal point's roster (one country, active, by consent to share): its counts and
        # name-ordered pages read only this index.
        Index(
            "ix_stakeholder_roster",
            "country",
            "is_active",
            "share_with_focal_point",
            "erased_at",
            "search_name",
            "id",
            "category",
            "gender",
            "stakeholder_type",
            "created_at",
        ),
        # Name search (`LIKE '%...%'`): a trigram index on PostgreSQL (a plain one elsewhere).
        Index(
            "ix_stakeholder_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", unique=True, ondelete="SET NULL")
    search_name: str = Field(default="", max_length=200, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    job_title: str = Field(default="", max_length=200)
    country: str | None = Field(default=None, foreign_key="country.iso2", max_length=2, index=True)
    nationality: str | None = Field(default=None, foreign_key="country.iso2", max_length=2)
    gender: str = Field(default="undisclosed", max_length=12)
    gender_self_described: str = Field(default="", max_length=100)
    stakeholder_type: str = Field(default="contributor", max_length=12)
    category: str = Field(max_length=20, index=True)
    sector: str = Field(default="other", max_length=20)
    preferred_language: str = Field(default="en", max_length=5)
    phone: str = Field(default="", max_length=40)
    # Current consents, denormalised from the consent records for filtering.
    public_listing: bool = Field(default=False)
    share_with_focal_point: bool = Field(default=False)
    mailing_list: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    erased_at: datetime | None = None


class StakeholderAttribute(SQLModel, table=True):
    """One chosen code of a multi-valued profile field (disciplines, knowledge systems, ...)."""

    __table_args__ = (Index("ix_stakeholder_attribute_field_code", "field", "code", "stakeholder_id"),)

    stakeholder_id: int = Field(foreign_key="stakeholder.id", primary_key=True, ondelete="CASCADE")
    field: str = Field(primary_key=True, max_length=20)
    code: str = Field(primary_key=True, max_length=20)


class ConsentRecord(SQLModel, table=True):
    """Every consent given or withdrawn, with its time and the version of the text."""

    id: int | None = Field(default=None, primary_key=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    granted: bool
    text_version: str = Field(max_length=20)
    recorded_at: datetime = Field(default_factory=utcnow)


class FocalPointAssignment(SQLModel, table=True):
    __table_args__ = (CheckConstraint("kind IN ('primary', 'alternate')", name="ck_focal_point_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    country: str = Field(foreign_key="country.iso2", max_length=2, index=True)
    kind: str = Field(default="primary", max_length=10)
    ministry: str = Field(default="", max_length=300)
    start_date: date
    end_date: date | None = None
    digest_opt_in: bool = Field(default=False)
    digest_last_sent_at: datetime | None = None


class Activity(SQLModel, table=True):
    """An engagement activity: a call, a review, a stakeholder day, a webinar..."""

    TRANSLATED_FIELD: ClassVar[str] = "title"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    # The title in other languages ({language: text}); see core/localized.py.
    name_translations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    activity_type: str = Field(max_length=20, index=True)
    start_date: date = Field(index=True)
    end_date: date | None = None
    deliverable: str = Field(default="", max_length=200)  # the assessment or deliverable concerned
    description: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)


class Participation(SQLModel, table=True):
    """A stakeholder's or an organisation's role in an activity."""

    __table_args__ = (
        CheckConstraint("(stakeholder_id IS NULL) != (organisation_id IS NULL)", name="ck_participation_one_party"),
        UniqueConstraint("activity_id", "stakeholder_id", "role", name="uq_participation_stakeholder"),
        UniqueConstraint("activity_id", "organisation_id", "role", name="uq_participation_organisation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    stakeholder_id: int | None = Field(default=None, foreign_key="stakeholder.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    role: str = Field(max_length=20)
    comments: int | None = None  # number of review comments, for reviewers
    created_at: datetime = Field(default_factory=utcnow)


class SecretariatDigest(SQLModel, table=True):
    """When each secretariat member last got the digest of organisations awaiting approval."""

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    last_sent_at: datetime
