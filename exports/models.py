"""Stored releases: one fixed zip per parameter set, served only through an authorised view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class AnonymisedRelease(SQLModel, table=True):
    """An anonymised release as built once; exporting the same parameters again returns it unchanged,
    since two differently anonymised versions of one dataset could be combined to re-identify people."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)  # ReleaseParams.key()
    wave_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # the zip
    size: int
    rows: int
    created_at: datetime = Field(default_factory=utcnow, index=True)
    created_by: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
