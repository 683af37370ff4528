"""The table of uploads waiting for confirmation between an import's preview and its confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class PendingImport(SQLModel, table=True):
    """A checked upload waiting for its uploader's confirmation.

    Kept in the database, not on one machine's disk, so that whichever app process receives
    the confirmation can read it. Used or cancelled uploads are deleted; forgotten ones expire.
    """

    __tablename__ = "pendingimport"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)  # random; the confirmation form carries it
    kind: str = Field(max_length=20)
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, index=True)
