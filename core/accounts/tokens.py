"""Signed, single-use links for email verification and password reset.

A token carries a fingerprint of the state it may change (the address to verify, the
password hash to replace). Once used, that state is gone, so the same link cannot work twice,
and nothing needs to be stored.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:20]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ipbes.accounts.{purpose}")


def make_token(purpose: str, user_id: int, state: str) -> str:
    return _serializer(purpose).dumps({"u": user_id, "f": fingerprint(state)})


def read_token(purpose: str, token: str, max_age: int) -> tuple[int, str] | None:
    """(user id, state fingerprint), or None for a forged, garbled or expired token."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return data["u"], str(data.get("f", ""))
