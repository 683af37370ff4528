from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class Role(StrEnum):
    STAKEHOLDER = "stakeholder"
    FOCAL_POINT = "focal_point"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.STAKEHOLDER: _l("Stakeholder"),
    Role.FOCAL_POINT: _l("National focal point"),
    Role.SECRETARIAT: _l("Secretariat"),
    Role.ADMIN: _l("Administrator"),
}
STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


def new_session_epoch() -> str:
    return secrets.token_hex(16)


class User(SQLModel, table=True):
    """An account. `session_epoch` is part of every session cookie; changing it ends them all."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('stakeholder', 'focal_point', 'secretariat', 'admin')", name="ck_user_role"),
        CheckConstraint("(role = 'focal_point') = (focal_country IS NOT NULL)", name="ck_user_focal_country"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.STAKEHOLDER, max_length=20)
    focal_country: str | None = Field(default=None, foreign_key="country.iso2", max_length=2)
    locale: str | None = Field(default=None, max_length=5)
    timezone: str = Field(default="UTC", max_length=64)
    is_active: bool = Field(default=True)
    email_verified_at: datetime | None = None
    session_epoch: str = Field(default_factory=new_session_epoch, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None

    # Flask-Login protocol, written out so the session id carries the epoch.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or (self.role == Role.ADMIN and Role.SECRETARIAT in roles)


class ApiToken(SQLModel, table=True):
    """A personal access token for the read API. Only a sha256 of the token is kept: the token itself
    is shown once, when it is made. `prefix` is its visible start, to find the row and to tell tokens
    apart in lists; `scopes` never go beyond what the owner's role may read (`core.accounts.api_tokens`)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16, unique=True)
    secret_hash: str = Field(max_length=64)
    scopes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=30)
