"""Uploads waiting for confirmation, kept in the database (`PendingImport`) between preview and confirm.

Never in the client's session nor on one machine's disk, so that any app process may receive
the confirmation. Used or cancelled uploads are deleted; forgotten ones expire.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlmodel import Session, delete, func, select

from core.imports.models import PendingImport
from core.timeutil import utcnow

PENDING_MAX_AGE = timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def keep_pending(*, session: Session, content: bytes, owner_id: int, kind: str, file_name: str) -> str:
    """Keep a checked upload until its uploader confirms it; returns the token that names it.

    Uploads older than `PENDING_MAX_AGE` are deleted first: nobody confirms them any more.
    """
    session.exec(delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_MAX_AGE))
    token = secrets.token_urlsafe(32)
    session.add(PendingImport(token=token, kind=kind, filename=file_name, content=content, uploaded_by_id=owner_id))
    session.commit()
    return token


def pending_upload(*, session: Session, token: str, owner_id: int) -> PendingImport | None:
    """The upload the token names, if it is this person's and has not expired.

    Another person's upload, an expired one and one already used all look alike: none.
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return session.exec(
        select(PendingImport).where(
            PendingImport.token == token,
            PendingImport.uploaded_by_id == owner_id,
            PendingImport.created_at >= utcnow() - PENDING_MAX_AGE,
        )
    ).first()


def pending_count(session: Session, *, owner_id: int, kinds) -> int:
    """How many of this person's uploads of these kinds wait for their confirmation."""
    return session.exec(
        select(func.count()).where(
            PendingImport.uploaded_by_id == owner_id,
            PendingImport.kind.in_(list(kinds)),
            PendingImport.created_at >= utcnow() - PENDING_MAX_AGE,
        )
    ).one()


def use_pending(*, session: Session, pending_id: int) -> bool:
    """Delete the upload in the caller's transaction; False when it was already gone (used elsewhere)."""
    return session.exec(delete(PendingImport).where(PendingImport.id == pending_id)).rowcount == 1


def discard_pending(*, session: Session, token: str) -> None:
    session.exec(delete(PendingImport).where(PendingImport.token == token))
    session.commit()
