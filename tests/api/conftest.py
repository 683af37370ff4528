"""Shared by the API tests: tokens for the demo accounts, and a client that sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.scopes import allowed_scopes
from core.demo import DEMO_DOMAIN
from core.timeutil import utcnow

SECRETARIAT = f"secretariat@{DEMO_DOMAIN}"
ADMIN = f"admin@{DEMO_DOMAIN}"
FOCAL_KE = f"focal.ke@{DEMO_DOMAIN}"
STAKEHOLDER = f"stakeholder.0001@{DEMO_DOMAIN}"
ROLES = {"stakeholder": STAKEHOLDER, "focal_point": FOCAL_KE, "secretariat": SECRETARIAT, "admin": ADMIN}


def user_of(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def make_token(app, session, email: str, scopes=None, *, days: int = 30) -> str:
    """A token of the account with `email`: every scope its role allows unless `scopes` says."""
    user = user_of(session, email)
    values = {
        "name": "test",
        "scopes": list(allowed_scopes(user.role) if scopes is None else scopes),
        "expires_on": utcnow().date() + timedelta(days=days),
    }
    with app.test_request_context():
        _record, token = api_tokens.create(session=session, user=user, values=values, ip=None)
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(app, session, seeded) -> dict[str, str]:
    """A token of each demo role with every scope the role allows."""
    return {role: make_token(app, session, email) for role, email in ROLES.items()}


@pytest.fixture(autouse=True)
def generous_limits(app):
    """Limits no test reaches by accident; the rate-limit tests set their own."""
    app.config["API_RATE_LIMIT"] = "100000/minute"
    app.config["API_ANONYMOUS_RATE_LIMIT"] = "100000/minute"
