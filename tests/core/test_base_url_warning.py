"""In development, a BASE_URL that is not the address being served is warned about: in the log and
to staff on every page (issue 17, item 17: emailed links pointed to port 5000 while the app ran
elsewhere)."""

import logging

import pytest
from sqlmodel import Session

from core.links import base_url_differs
from tests import factories


@pytest.mark.parametrize(
    ("base", "served", "differs"),
    [
        ("http://127.0.0.1:5000", "http://localhost:5000", False),  # both loopback
        ("http://127.0.0.1:5000", "http://127.0.0.1:8000", True),
        ("https://engage.example.org", "https://engage.example.org:443", False),
        ("https://engage.example.org", "http://engage.example.org", True),
        ("http://localhost", "http://example.org", True),
    ],
)
def test_addresses_compare_by_scheme_host_and_port(base, served, differs):
    assert base_url_differs(base, served) is differs


def test_development_warns_staff_and_the_log_once(app_with, caplog):
    app = app_with(APP_ENV="development", BASE_URL="http://127.0.0.1:5000")
    with Session(app.extensions["db_engine"]) as session:
        user = factories.make_secretariat(session)
        email = user.email
    client, right_client = app.test_client(), app.test_client()
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        for each, address in ((client, "http://127.0.0.1:8000"), (right_client, "http://localhost:5000")):
            credentials = {"email": email, "password": factories.DEFAULT_PASSWORD}
            assert each.post("/account/login", data=credentials, base_url=address).status_code == 302
        page = client.get("/staff/", base_url="http://127.0.0.1:8000").get_data(as_text=True)
        client.get("/staff/", base_url="http://127.0.0.1:8000")
        right = right_client.get("/staff/", base_url="http://localhost:5000").get_data(as_text=True)
    assert 'id="base-url-warning"' in page and "http://127.0.0.1:8000" in page
    warnings = [r for r in caplog.records if "BASE_URL" in r.getMessage()]
    assert len(warnings) == 1 and "Set BASE_URL=http://127.0.0.1:8000" in warnings[0].getMessage()
    assert "<h1>" in right and 'id="base-url-warning"' not in right
    anonymous = app.test_client().get("/", base_url="http://127.0.0.1:8000").get_data(as_text=True)
    assert 'id="base-url-warning"' not in anonymous  # staff only


def test_other_environments_do_not_check(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/", base_url="http://127.0.0.1:8000")
    assert not [r for r in caplog.records if "BASE_URL" in r.getMessage()]
