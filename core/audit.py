"""The audit log: who did what, when. Never passwords or tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, func, select

from core.timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL")
    action: str = Field(max_length=60, index=True)
    target: str | None = Field(default=None, max_length=255)
    ip: str | None = Field(default=None, max_length=45)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


FORBIDDEN_DETAIL_KEYS = frozenset({"password", "token", "password_hash", "secret"})


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target: str | None = None,
    ip: str | None = None,
    **details,
) -> AuditEvent:
    """Add an event to the caller's transaction; the caller's service commits it."""
    leaked = FORBIDDEN_DETAIL_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"Audit details must not carry secrets: {sorted(leaked)}")
    event = AuditEvent(action=action, actor_id=actor_id, target=target, ip=ip, details=details)
    session.add(event)
    return event


def list_events(
    session: Session, *, action: str | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    total = session.exec(count).one()
    rows = session.exec(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def distinct_actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all())
