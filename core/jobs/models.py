"""The job record: what people see of a piece of background work."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class Job(SQLModel, table=True):
    """One piece of background work. `attempts` counts runs: a retry starts the next attempt, and a worker
    whose attempt is no longer the job's (it was presumed dead and the job retried) may write nothing."""

    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="ck_job_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60, index=True)
    owner_id: int | None = Field(default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL")
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="en", max_length=5)  # messages and results are written in it
    state: str = Field(default=JobState.QUEUED, max_length=12, index=True)
    done: int = 0
    total: int | None = None
    messages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # e.g. a file reference
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cancel_requested: bool = False
    attempts: int = 1
    created_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None  # written by the running worker; stale means the worker is gone
    finished_at: datetime | None = None
