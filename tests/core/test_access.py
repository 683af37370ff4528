"""Every endpoint either is on the public list below or refuses anonymous users.

Adding a public page means adding it here, on purpose.
"""

import pytest
from werkzeug.routing import Rule

from tests.factories import make_user

PUBLIC_ENDPOINTS = {
    "static",
    "world_map",  # country outlines for the map beside coordinate fields: public geography
    "pages.home",
    "pages.privacy",
    "pages.switch_language",
    "profile.register",
    "accounts.verify_email",
    "accounts.resend_verification",
    "accounts.login",
    "accounts.forgot_password",
    "accounts.reset_password",
    "registry_public.register",
    "registry_public.organisation",
    "registry_public.focal_points",
    # Survey links are the respondent's credential; each view checks its token.
    "survey_respond.invitation",
    "survey_respond.open_link",
    "survey_respond.page",
    "survey_respond.saved",
    "survey_respond.language",
    "survey_respond.review",
    "survey_respond.done",
    "survey_respond.edit",
    "survey_unsubscribe.unsubscribe",
    # Anyone may report an impact of IPBES and read those the secretariat published.
    "impact_public.published",
    "impact_public.submit",
    # The API's open data and its description; every other API endpoint checks a token (401 without one).
    "api.registry",
    "api.focal_points",
    "api.openapi",
    "api.reference",
    "api.assets",
    "api.unknown",
    # Open data: the public register's listed fields and the disclosed indicators (exports/opendata.py).
    "exports.open_register",
    "exports.open_indicators",
}
ADMIN_ONLY = {"staff.users", "staff.user_role"}


def _sample_value(converter):
    name = converter.__class__.__name__
    if name == "IntegerConverter":
        return 1
    if name == "AnyConverter":
        return sorted(converter.items)[0]
    return "x"


def _sample_url(rule: Rule) -> str:
    values = {arg: _sample_value(rule._converters[arg]) for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_public_list_names_real_endpoints(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert PUBLIC_ENDPOINTS <= endpoints
    assert ADMIN_ONLY <= endpoints


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


@pytest.mark.parametrize("role", ["stakeholder", "focal_point", "secretariat", "admin"])
def test_staff_pages_check_the_role(app, client, session, auth, role):
    """Every page under /staff/ is for the secretariat (and admins); account management is admins' only."""
    make_user(session, email="staff@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("staff@example.org")
    checked = 0
    for rule in _rules(app):
        if not rule.rule.startswith("/staff/") or "GET" not in rule.methods:
            continue
        response = client.get(_sample_url(rule))
        allowed = role == "admin" or (role == "secretariat" and rule.endpoint not in ADMIN_ONLY)
        if allowed:
            assert response.status_code in (200, 302, 404), rule.endpoint  # 404: no such record
        else:
            assert response.status_code == 403, f"{role} reached {rule.endpoint}"
        checked += 1
    assert checked >= 15
