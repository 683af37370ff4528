import re

import pytest

from app import ROOT
from tests.factories import DEFAULT_PASSWORD, make_user


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_templates_have_no_inline_script_or_style():
    for template in (ROOT / "core" / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"


def test_no_asset_is_loaded_from_the_internet(client):
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_production_cookies_are_secure_httponly_samesite(app_with, monkeypatch, session):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    app = app_with()
    make_user(session, email="someone@example.org")
    response = app.test_client().post(
        "/account/login", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_forms_require_a_csrf_token(app_with, session):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    make_user(session, email="someone@example.org")
    response = client.post("/account/login", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/login",
        data={"email": "someone@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # Logging out needs the token too: a cross-site form cannot sign anyone out.
    assert client.post("/account/logout").status_code == 400


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client, session, target):
    make_user(session, email="someone@example.org")
    response = client.post(
        f"/account/login?next={target}", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/account/surveys"  # the stakeholder's home, never the target


def test_login_returns_to_the_page_asked_for(client, session):
    make_user(session, email="someone@example.org")
    response = client.get("/account/password")
    assert response.headers["Location"].startswith("/account/login?next=")
    response = client.post(
        response.headers["Location"], data={"email": "someone@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/account/password"


def test_user_text_is_escaped(client, session, auth):
    make_user(session, email="someone@example.org", name="<script>alert(1)</script>")
    auth.login("someone@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
