"""Security findings of issue 18, each a test that failed before its fix (on both backends)."""

from __future__ import annotations

import pytest

from core.accounts import passwords, services
from core.accounts.models import Role
from tests.factories import make_open_link, make_stakeholder, make_user, make_wave


def test_a_huge_page_number_is_clamped_not_a_server_error(app, client, auth, session):
    make_user(session, email="sec@example.org", role=Role.SECRETARIAT)
    auth.login("sec@example.org")
    urls = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/dashboard", "/static"))
    )
    paginated = [url for url in urls if "logout" not in url]
    for url in paginated:
        for page in ("99999999999999999999", "-5"):
            response = client.get(f"{url}?page={page}")
            assert response.status_code < 500, (url, page, response.status_code)


@pytest.mark.parametrize("target", ["/account/profile%0d%0aSet-Cookie:x=1", "/a%0aX", "/a%00b", "/a%09b"])
def test_control_characters_in_next_are_refused(client, session, target):
    make_user(session, email="someone@example.org")
    assert client.get(f"/account/login?next={target}").status_code == 200
    response = client.post(
        f"/account/login?next={target}", data={"email": "someone@example.org", "password": "correct horse battery"}
    )
    # A refused `next` sends the person to their own home page instead ("My surveys" for a stakeholder).
    assert response.status_code == 302 and response.headers["Location"] == "/account/surveys"


@pytest.mark.parametrize("path", ["_dash-component-suites/nope/x.js", "_dash-component-suites/dash/nope.js"])
def test_an_unknown_dashboard_component_file_is_not_found(client, auth, session, path):
    make_user(session, email="sec@example.org", role=Role.SECRETARIAT)
    auth.login("sec@example.org")
    assert client.get(f"/dashboard/{path}").status_code == 404


def test_registry_exports_are_never_cached(client, auth, session):
    make_user(session, email="sec@example.org", role=Role.SECRETARIAT)
    auth.login("sec@example.org")
    for url in ("/staff/registry/stakeholders/export.csv", "/staff/registry/organisations/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_a_stakeholders_data_download_is_never_cached(client, auth, session):
    make_stakeholder(session, email="wanjiku@example.org")
    auth.login("wanjiku@example.org")
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_registering_an_existing_address_hashes_a_password_too(app, session, monkeypatch):
    """Both paths do the slow work, so timing does not tell who has an account."""
    make_user(session, email="taken@example.org")
    calls = []
    original = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda password: calls.append(1) or original(password))
    with app.test_request_context():
        services.register(
            session=session, email="taken@example.org", password="another long password", name="X", locale="en", ip=None
        )
    assert calls == [1]


def test_the_resume_link_comes_from_base_url_not_the_host_header(client, session):
    link = make_open_link(session, wave=make_wave(session), network="Net")
    started = client.post(f"/survey/o/{link.token}", data={"action": "start"}, base_url="http://evil.example")
    page = client.get(started.headers["Location"], base_url="http://evil.example").get_data(as_text=True)
    assert "evil.example" not in page
    assert "http://localhost/survey/r/" in page
