"""Personal access tokens for the read API: made and revoked by their owner, checked on every use.

A token reads `ipbes_<prefix>_<secret>`. Only the sha256 of the whole token is stored, with its
visible prefix to find the row: the token itself is shown once, when it is made, and cannot be
shown again. A token has an expiry (at most a year away) and scopes never wider than its owner's
role (`core.accounts.scopes`). Tokens are revoked when the owner's role changes (`revoke_all`, called
by `services.set_role`) and go with the account when it is deleted (the foreign key cascades).
Every use is audit-logged; the caller rate-limits it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from core import audit
from core.accounts.models import ApiToken, User
from core.accounts.schemas import ApiTokenCreate
from core.accounts.scopes import MAX_DAYS, allowed_scopes
from core.problems import Problem, refuse, validate
from core.timeutil import utcnow

TOKEN_START = "ipbes_"
PREFIX_LENGTH = 8


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parts(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token as written, None when it is not shaped like one."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _sep, secret = token[len(TOKEN_START) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


def problems(user: User, data: ApiTokenCreate, *, today) -> list[Problem]:
    """What the owner's role and today's date forbid in a token asked for."""
    found = []
    allowed = allowed_scopes(user.role)
    if not data.scopes:
        found.append(Problem("scopes", "required"))
    beyond = [scope for scope in data.scopes if scope not in allowed]
    if beyond:
        found.append(Problem("scopes", "not_allowed", {"value": beyond, "allowed": list(allowed)}))
    if data.expires_on <= today:
        found.append(Problem("expires_on", "date_before", {"date": today + timedelta(days=1)}))
    elif data.expires_on > today + timedelta(days=MAX_DAYS):
        found.append(Problem("expires_on", "out_of_range", {"value": data.expires_on}))
    return found


def create(*, session: Session, user: User, values, ip: str | None) -> tuple[ApiToken, str]:
    """A new token for `user` (values: a mapping or an `ApiTokenCreate`), and the token itself, to show once.

    Raises `ValidationFailed` when the scopes go beyond the role or the expiry is not within a year."""
    data = validate(ApiTokenCreate, values)
    today = utcnow().date()
    refuse(problems(user, data, today=today))
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    while session.exec(select(ApiToken.id).where(ApiToken.prefix == prefix)).first() is not None:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken(
        user_id=user.id,
        name=data.name,
        prefix=prefix,
        secret_hash=_digest(token),
        scopes=[scope for scope in allowed_scopes(user.role) if scope in data.scopes],
        expires_at=datetime.combine(data.expires_on, time(23, 59, 59), tzinfo=UTC),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "api_token.created",
        actor_id=user.id,
        target=f"api_token:{record.id}",
        ip=ip,
        prefix=prefix,
        scopes=record.scopes,
        expires_at=record.expires_at.isoformat(),
    )
    session.commit()
    return record, token


def list_for(session: Session, user: User) -> list[ApiToken]:
    """The owner's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
    )


def _expires_at(record: ApiToken) -> datetime:
    found = record.expires_at
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def state(record: ApiToken, now: datetime | None = None) -> str:
    """ "active", "expired" or "revoked"."""
    if record.revoked_at is not None:
        return "revoked"
    return "expired" if _expires_at(record) <= (now or utcnow()) else "active"


def revoke(*, session: Session, user: User, token_id: int, ip: str | None) -> bool:
    """The owner revokes one of their tokens; False when it is not theirs or already revoked."""
    record = session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        return False
    record.revoked_at, record.revoked_reason = utcnow(), "owner"
    audit.record(session, "api_token.revoked", actor_id=user.id, target=f"api_token:{record.id}", ip=ip)
    session.commit()
    return True


def revoke_all(session: Session, user: User, *, reason: str) -> int:
    """Revoke every live token of `user` (their role changed, say). No commit: the caller's action commits."""
    now = utcnow()
    records = session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for record in records:
        record.revoked_at, record.revoked_reason = now, reason
        session.add(record)
    if records:
        audit.record(session, "api_token.revoked", actor_id=user.id, reason=reason, count=len(records))
    return len(records)


@dataclass(frozen=True)
class TokenCheck:
    """What a token as presented turned out to be: `code` is "" when it may be used."""

    code: str  # "", "invalid_token", "expired_token", "revoked_token", "insufficient_scope"
    user: User | None = None
    token: ApiToken | None = None


def find(session: Session, presented: str) -> ApiToken | None:
    """The stored token this text is, compared in constant time; None for anything else."""
    parts = _parts(presented)
    if parts is None:
        return None
    record = session.exec(select(ApiToken).where(ApiToken.prefix == parts[0])).first()
    if record is None or not hmac.compare_digest(record.secret_hash, _digest(presented)):
        return None
    return record


def check(session: Session, presented: str, scope: str) -> TokenCheck:
    """Whether the token may read `scope` now: known, live, its owner active, the scope granted and
    still within the owner's role. Reads only: `record_use` writes the use."""
    record = find(session, presented)
    if record is None:
        return TokenCheck("invalid_token")
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        return TokenCheck("invalid_token")
    found = state(record)
    if found != "active":
        return TokenCheck(f"{found}_token", user, record)
    if scope not in record.scopes or scope not in allowed_scopes(user.role):
        return TokenCheck("insufficient_scope", user, record)
    return TokenCheck("", user, record)


def record_use(*, session: Session, presented: str, scope: str, method: str, path: str, ip: str | None) -> TokenCheck:
    """Check a token for one request and audit-log the attempt (allowed or not); one commit."""
    result = check(session, presented, scope)
    if result.token is not None and not result.code:
        result.token.last_used_at = utcnow()
        session.add(result.token)
    audit.record(
        session,
        "api.request" if not result.code else "api.refused",
        actor_id=result.user.id if result.user else None,
        target=f"{method} {path}"[:255],
        ip=ip,
        token_id=result.token.id if result.token else None,
        scope=scope,
        **({"code": result.code} if result.code else {}),
    )
    session.commit()
    return result
