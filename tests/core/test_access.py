"""Every endpoint either is on the public list below or refuses anonymous users.

Adding a public page means adding it here, on purpose.
"""
import pytest
from werkzeug.routing import Rule

from tests.factories import make_user

PUBLIC_ENDPOINTS = {
    "static",
    "pages.home",
    "pages.switch_language",
    "accounts.register",
    "accounts.verify_email",
    "accounts.resend_verification",
    "accounts.login",
    "accounts.forgot_password",
    "accounts.reset_password",
}
STAFF_ONLY = {"staff.outbox", "staff.outbox_message", "staff.audit_log", "staff.users", "staff.user_role"}
ADMIN_ONLY = {"staff.users", "staff.user_role"}


def _sample_url(rule: Rule) -> str:
    values = {arg: 1 if rule._converters[arg].__class__.__name__ == "IntegerConverter" else "x" for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_public_list_names_real_endpoints(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert PUBLIC_ENDPOINTS <= endpoints
    assert STAFF_ONLY <= endpoints


def test_every_other_endpoint_refuses_anonymous_users(app, client):
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), f"{method} {url} answered {response.status_code}"
            if response.status_code == 302:
                assert "/account/login" in response.headers["Location"], f"{method} {url}"
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("role, allowed", [
    ("stakeholder", set()),
    ("focal_point", set()),
    ("secretariat", STAFF_ONLY - ADMIN_ONLY),
    ("admin", STAFF_ONLY),
])
def test_staff_pages_check_the_role(app, client, session, auth, role, allowed):
    make_user(session, email="staff@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("staff@example.org")
    for rule in _rules(app):
        if rule.endpoint not in STAFF_ONLY or "GET" not in rule.methods:
            continue
        response = client.get(_sample_url(rule))
        if rule.endpoint in allowed:
            assert response.status_code in (200, 404), rule.endpoint  # 404: no such record
        else:
            assert response.status_code == 403, f"{role} reached {rule.endpoint}"
