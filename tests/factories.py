"""Test data built by functions, shared by every test module."""
from __future__ import annotations

from functools import lru_cache

from sqlmodel import Session

from core.accounts import passwords
from core.accounts.models import Role, User
from core.timeutil import utcnow

DEFAULT_PASSWORD = "correct horse battery"


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return passwords.hash_password(password)  # argon2 is slow on purpose; hash each password once


def make_user(
    session: Session,
    *,
    email: str = "person@example.org",
    password: str = DEFAULT_PASSWORD,
    role: str = Role.STAKEHOLDER,
    country: str | None = None,
    name: str = "Test Person",
    verified: bool = True,
    locale: str | None = None,
) -> User:
    user = User(
        email=email,
        name=name,
        password_hash=_hash(password),
        role=role,
        focal_country=country,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.commit()
    return user
