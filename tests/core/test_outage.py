"""A database that is unreachable, locked or full gives a 503 in the reader's language, never a 500."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event, exc
from sqlmodel import Session, select

from core import outage
from surveys.models import Response
from tests.conftest import make_app
from tests.factories import make_invitation, make_stakeholder, make_user, make_wave

UNAVAILABLE = "The service is unavailable"
NOT_SAVED = "Your answers could not be saved"


@contextmanager
def database_failing(app, message: str):
    """Every statement fails as the driver fails during an outage (sqlite3 or psycopg's own error)."""
    engine = app.extensions["db_engine"]
    driver_error = engine.dialect.loaded_dbapi.OperationalError

    def fail(*_args):
        raise driver_error(message)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def _translated(app, language: str, text: str) -> str:
    with app.test_request_context(), force_locale(language):
        translated = gettext(text)
    assert language == "en" or translated != text
    return translated


@pytest.fixture
def unreachable_app(backend, tmp_path):
    """An app whose database cannot be reached at all: a missing folder, or a closed port."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/missing/app.db"
    else:
        from tests.support.servers import free_port

        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=2"
    application = make_app(url)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_unreachable_database_gives_a_503_in_the_readers_language(app, unreachable_app, language):
    client = unreachable_app.test_client()
    client.set_cookie("lang", language)
    page = client.get("/registry/")
    text = page.get_data(as_text=True)
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert _translated(app, language, UNAVAILABLE) in text
    assert f'<html lang="{language}"' in text


@pytest.mark.parametrize("message", ["database is locked", "database or disk is full", "disk I/O error"])
def test_a_locked_or_full_database_gives_a_503_and_the_next_request_works(app, client, message):
    with database_failing(app, message):
        page = client.get("/registry/", headers={"Accept-Language": "fr"})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert _translated(app, "fr", UNAVAILABLE) in page.get_data(as_text=True)
    assert client.get("/focal-points").status_code == 200


def test_a_signed_in_reader_gets_the_page_too_and_json_endpoints_get_json(app, client, session, auth):
    make_user(session, email="staff@example.org", role="secretariat")
    assert auth.login("staff@example.org").status_code == 302
    with database_failing(app, "disk I/O error"):
        page = client.get("/staff/registry/stakeholders", headers={"Accept-Language": "ar"})
        job = client.get("/jobs/1.json")
        dash = client.post("/dashboard/_dash-update-component", json={"output": "x", "inputs": []})
    assert page.status_code == 503 and _translated(app, "ar", UNAVAILABLE) in page.get_data(as_text=True)
    assert job.status_code == 503 and job.headers["Retry-After"]
    assert job.get_json()["error"] == "database_unavailable"
    assert dash.status_code == 503 and dash.get_json()["error"] == "database_unavailable"


def test_an_sqlite_bug_is_still_a_500(app, client, backend):
    if backend != "sqlite":
        pytest.skip("SQLite reports bugs and outages with the same exception class")
    with database_failing(app, "no such table: stakeholder"), pytest.raises(Exception, match="no such table"):
        client.get("/registry/")


def _hidden_fields(page: str) -> list[tuple[str, str]]:
    form = page.split('<form method="post" class="inline">', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def test_a_survey_page_posted_during_an_outage_keeps_the_answers_to_send_again(app, client, session):
    wave = make_wave(session)
    person = make_stakeholder(session, country="KE", category="science", gender="female")
    invitation = make_invitation(session, wave=wave, stakeholder=person, language="fr")
    url = client.get(f"/survey/i/{invitation.token}").headers["Location"]
    typed = {"q.roles": ["author", "other"], "q.roles_other": 'curator <&> "quoted"', "q.years": "12"}
    with database_failing(app, "database is locked"):
        failed = client.post(
            url, data={**typed, "q.engaged": "yes", "action": "next"}, headers={"Accept-Language": "fr"}
        )
    text = failed.get_data(as_text=True)
    assert failed.status_code == 503 and failed.headers["Retry-After"]
    assert failed.headers["Cache-Control"] == "no-store"
    assert _translated(app, "fr", NOT_SAVED) in text
    fields = _hidden_fields(text)
    assert ("q.roles", "author") in fields and ("q.roles", "other") in fields
    assert ("q.roles_other", "curator &lt;&amp;&gt; &#34;quoted&#34;") in fields
    session.expire_all()
    assert not session.exec(select(Response)).one().draft  # nothing half-stored

    # "Send again" posts the same fields once the database is back.
    again: dict = {}
    for name, value in fields:
        again.setdefault(name, []).append(value.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"'))
        again[name] = [v.replace("&amp;", "&") for v in again[name]]
    resent = client.post(url, data=again)
    assert resent.status_code == 303 and resent.headers["Location"].endswith("/page/2")
    session.expire_all()
    draft = session.exec(select(Response)).one().draft
    assert draft["roles"] == ["author", "other"] and draft["roles_other"] == 'curator <&> "quoted"'


def test_other_forms_are_not_echoed_back(app, client, session):
    make_user(session, email="someone@example.org")
    with database_failing(app, "database is locked"):
        page = client.post("/account/login", data={"email": "someone@example.org", "password": "secret-password"})
    assert page.status_code == 503
    assert "secret-password" not in page.get_data(as_text=True)


def test_a_connection_lost_after_the_work_is_done_does_not_turn_the_reply_into_a_500(app, client, monkeypatch):
    """PostgreSQL restarting as a request ends: closing its session fails, the reply stands."""
    driver_error = app.extensions["db_engine"].dialect.loaded_dbapi.OperationalError
    real_close, unclosed = Session.close, []

    def lost(session):
        unclosed.append(session)
        raise exc.OperationalError("ROLLBACK", {}, driver_error("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "close", lost)
    try:
        assert client.get("/focal-points").status_code == 200
    finally:
        # Left to the garbage collector, the session's connection was reset at some later moment, after its
        # database was dropped: the pool logged the failure, and Python 3.11 formatting that traceback inside
        # another test's ast.parse failed it with "AST constructor recursion depth mismatch".
        monkeypatch.undo()
        for session in unclosed:
            real_close(session)
