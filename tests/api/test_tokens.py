"""Personal access tokens: made and revoked by their owner on the account page, shown once and stored
hashed, with an expiry and scopes never wider than the role; revoked when the role changes, gone with
the account; every use audit-logged and rate-limited."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from core.accounts import api_tokens
from core.accounts import services as accounts
from core.accounts.models import ApiToken, Role, User
from core.audit import AuditEvent
from core.problems import ValidationFailed
from core.timeutil import utcnow
from stakeholders import self_service
from tests.api.conftest import bearer
from tests.factories import DEFAULT_PASSWORD, make_focal_point, make_stakeholder, make_user

WAVES = "/api/v1/waves"


def _create(client, **values):
    data = {"name": "my script", "scopes": ["read:public"], "expires_on": str(utcnow().date() + timedelta(days=30))}
    return client.post("/account/tokens", data=data | values)


def _token_in(page: str) -> str | None:
    found = re.search(r'<code id="new-token">([^<]+)</code>', page)
    return found.group(1) if found else None


def _make(app, session, user, scopes=("read:public",), days=30) -> str:
    values = {"name": "t", "scopes": list(scopes), "expires_on": utcnow().date() + timedelta(days=days)}
    with app.test_request_context():
        return api_tokens.create(session=session, user=user, values=values, ip=None)[1]


def test_a_token_is_shown_once_and_stored_hashed(client, session, auth):
    user = make_user(session)
    auth.login(user.email)
    response = _create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = _token_in(response.get_data(as_text=True))
    assert token and token.startswith("ipbes_")
    record = session.exec(select(ApiToken)).one()
    assert record.secret_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(record.model_dump())
    assert record.scopes == ["read:public"]
    # Listed afterwards by its visible start, never in full.
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert f"ipbes_{record.prefix}" in listing and token not in listing
    assert client.get(WAVES, headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.STAKEHOLDER, "read:results"), (Role.STAKEHOLDER, "read:releases"), (Role.SECRETARIAT, "read:roster")],
)
def test_a_scope_wider_than_the_role_is_refused(app, session, role, scope):
    user = make_user(session, role=role)
    with pytest.raises(ValidationFailed):
        _make(app, session, user, scopes=(scope,))
    assert session.exec(select(ApiToken)).all() == []


def test_the_page_offers_only_the_roles_scopes_and_refuses_a_forged_one(client, session, auth):
    user = make_user(session)
    auth.login(user.email)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'value="read:public"' in page and 'value="read:releases"' not in page
    assert _create(client, scopes=["read:releases"]).status_code == 400
    assert session.exec(select(ApiToken)).all() == []


@pytest.mark.parametrize("days", [0, -3, 367, 5000])
def test_the_expiry_is_within_a_year(client, session, auth, days):
    user = make_user(session)
    auth.login(user.email)
    response = _create(client, expires_on=str(utcnow().date() + timedelta(days=days)))
    assert response.status_code == 400
    assert _token_in(response.get_data(as_text=True)) is None


def test_the_owner_revokes_a_token_and_nobody_else_can(client, session, auth, app):
    owner = make_user(session)
    other = make_user(session, email="other@example.org")
    token = _make(app, session, owner)
    record = session.exec(select(ApiToken)).one()
    auth.login(other.email)
    client.post(f"/account/tokens/{record.id}/revoke")
    assert client.get(WAVES, headers=bearer(token)).status_code == 200
    auth.logout()
    auth.login(owner.email)
    client.post(f"/account/tokens/{record.id}/revoke")
    answer = client.get(WAVES, headers=bearer(token))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "revoked_token"


def test_an_expired_token_is_refused(app, client, session):
    token = _make(app, session, make_user(session))
    record = session.exec(select(ApiToken)).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.add(record)
    session.commit()
    answer = client.get(WAVES, headers=bearer(token))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "expired_token"


def test_a_role_change_revokes_every_token(app, client, session):
    focal = make_focal_point(session)
    token = _make(app, session, focal, scopes=("read:public", "read:roster"))
    with app.test_request_context():
        accounts.set_role(session=session, user=focal, role=Role.STAKEHOLDER, country=None, actor_id=None)
    answer = client.get(WAVES, headers=bearer(token))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "revoked_token"
    assert session.exec(select(ApiToken)).one().revoked_reason == "role_changed"


def test_deleting_the_account_deletes_its_tokens(app, client, session):
    stakeholder = make_stakeholder(session, email="leaving@example.org")
    user = session.get(User, stakeholder.user_id)
    token = _make(app, session, user)
    with app.test_request_context():
        assert self_service.delete_account(session=session, user=user, password=DEFAULT_PASSWORD, ip=None)
    assert session.exec(select(ApiToken)).all() == []
    assert client.get(WAVES, headers=bearer(token)).json["error"]["code"] == "invalid_token"


def test_a_deactivated_account_cannot_use_its_token(app, client, session):
    user = make_user(session)
    token = _make(app, session, user)
    user.is_active = False
    session.add(user)
    session.commit()
    assert client.get(WAVES, headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    ("header", "code"),
    [(None, "missing_token"), ("Bearer nonsense", "invalid_token"), ("Basic abc", "missing_token")],
)
def test_a_request_without_a_valid_token_gets_401(client, header, code):
    answer = client.get(WAVES, headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == code
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_guessed_token_with_a_real_prefix_is_refused(app, client, session):
    token = _make(app, session, make_user(session))
    forged = token[: token.rindex("_") + 1] + "x" * 43
    assert client.get(WAVES, headers=bearer(forged)).json["error"]["code"] == "invalid_token"


def test_every_use_is_audit_logged(app, client, session):
    user = make_user(session)
    token = _make(app, session, user)
    client.get(WAVES, headers=bearer(token))
    client.get("/api/v1/indicators", headers=bearer(token))  # beyond its scope: refused, and logged
    session.expire_all()
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action.in_(("api.request", "api.refused"))).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.target, e.actor_id) for e in events] == [
        ("api.request", "GET /api/v1/waves", user.id),
        ("api.refused", "GET /api/v1/indicators", user.id),
    ]
    assert events[1].details["code"] == "insufficient_scope"
    assert token not in str([e.details for e in events])
    assert session.exec(select(ApiToken)).one().last_used_at is not None


def test_uses_are_rate_limited_per_token(app, client, session):
    app.config["API_RATE_LIMIT"] = "2/minute"
    token = _make(app, session, make_user(session))
    assert [client.get(WAVES, headers=bearer(token)).status_code for _ in range(2)] == [200, 200]
    answer = client.get(WAVES, headers=bearer(token))
    assert answer.status_code == 429
    assert answer.json["error"]["code"] == "rate_limited"
    assert int(answer.headers["Retry-After"]) >= 1


def test_open_data_is_rate_limited_per_client(app, client):
    app.config["API_ANONYMOUS_RATE_LIMIT"] = "1/minute"
    assert client.get("/api/v1/focal-points").status_code == 200
    assert client.get("/api/v1/focal-points").json["error"]["code"] == "rate_limited"
