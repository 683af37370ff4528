"""Limits on input (issue 18): request size, answer length, control characters, invalid UTF-8.

Each case failed before its fix; all run on SQLite and on PostgreSQL. Upload limits are in
tests/core/test_table_limits.py.
"""

from __future__ import annotations

import io
import re

from flask import request
from sqlmodel import select

from core.accounts.access import public
from surveys.answering import MAX_ANSWER_LENGTH
from surveys.models import Answer, Response
from tests.factories import make_invitation, make_stakeholder, make_wave


class CountingStream(io.RawIOBase):
    """A request body that says how much of it was read."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        return n


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(app, client):
    body = CountingStream(200 * 1024 * 1024)
    response = client.post(
        "/account/login",
        headers={"Accept-Language": "fr"},
        environ_overrides={
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.size),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    page = response.get_data(as_text=True)
    assert '<html lang="fr"' in page and "20" in page  # in the visitor's language, stating the limit


def test_the_limit_is_configurable(monkeypatch, database_url):
    from tests.conftest import make_app  # noqa: PLC0415 - the factory, with the environment changed

    monkeypatch.setenv("MAX_REQUEST_MB", "1")
    app = make_app(database_url)
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = app.test_client().post("/account/login", data={"email": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413 and "1 MB" in response.get_data(as_text=True)
    app.extensions["db_engine"].dispose()


def test_invalid_utf8_in_a_form_is_refused_with_a_clear_page(client):
    response = client.post(
        "/account/login", data=b"email=a%FFb%40example.org&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "not valid text (UTF-8)" in response.get_data(as_text=True)


def _multipart(email: bytes) -> tuple[bytes, str]:
    boundary = "b0undary"
    parts = [
        b'Content-Disposition: form-data; name="email"\r\n\r\n' + email,
        b'Content-Disposition: form-data; name="password"\r\n\r\nx',
        b'Content-Disposition: form-data; name="file"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\xff\xfe\x00 binary",
    ]
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + boundary.encode() + b"--\r\n", f"multipart/form-data; boundary={boundary}"


def test_invalid_utf8_in_a_multipart_form_field_is_refused_like_a_urlencoded_one(client):
    body, content_type = _multipart(b"a\xffb@example.org")
    response = client.post("/account/login", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "not valid text (UTF-8)" in response.get_data(as_text=True)


def test_valid_multipart_fields_and_binary_files_pass(app):
    seen = {}

    @app.route("/_test/multipart", methods=["POST"])
    @public
    def _echo():
        seen.update(email=request.form["email"], file=request.files["file"].read())
        return "ok"

    body, content_type = _multipart("é\ufffd@example.org".encode())
    response = app.test_client().post("/_test/multipart", data=body, content_type=content_type)
    assert response.status_code == 200, response.status_code
    assert seen == {"email": "é\ufffd@example.org", "file": b"\xff\xfe\x00 binary"}


def _invited(session):
    wave = make_wave(session)
    person = make_stakeholder(session, country="KE", category="science", gender="female")
    invitation = make_invitation(session, wave=wave, stakeholder=person, language="en")
    return invitation


def test_control_characters_are_stripped_from_answers_on_both_backends(client, session):
    invitation = _invited(session)
    url = client.get(f"/survey/i/{invitation.token}").headers["Location"]
    base = url.rsplit("/page/", 1)[0]
    posted = {"q.roles": ["author", "other"], "q.roles_other": "cu\x00ra\x07tor\tand\r\nmore", "q.engaged": "no"}
    saved = client.post(url, data={**posted, "action": "save"})
    assert saved.status_code == 303
    session.expire_all()
    assert session.exec(select(Response)).one().draft["roles_other"] == "curator\tand\r\nmore"
    client.post(url, data={**posted, "action": "review"})
    review = client.get(base + "/review").get_data(as_text=True)
    form = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review):
        form.setdefault(name, []).append(value)
    form["q.roles_other"] = ["cu\x00rator"]  # even a resent NUL cannot make the submission fail
    assert client.post(base + "/review", data=form).status_code == 303
    session.expire_all()
    texts = {a.question: a.value_text for a in session.exec(select(Answer)).all()}
    assert texts["roles_other"] == "curator"


def test_control_characters_are_stripped_from_every_form(client, session):
    response = client.post("/account/login", data={"email": "no\x00body@example.org", "password": "x"})
    assert response.status_code == 401  # a refused login, not a 500 from the database


def test_an_answer_over_the_length_limit_is_refused_beside_its_question(client, session):
    invitation = _invited(session)
    url = client.get(f"/survey/i/{invitation.token}").headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert f'maxlength="{MAX_ANSWER_LENGTH}"' in page
    assert "At most 10,000 characters." in page
    long_answer = "x" * (MAX_ANSWER_LENGTH + 1)
    for action in ("next", "save"):
        response = client.post(
            url, data={"q.roles": "other", "q.roles_other": long_answer, "q.engaged": "no", "action": action}
        )
        assert response.status_code == 422, action
        text = response.get_data(as_text=True)
        assert 'id="q-roles_other-error"' in text and "at most 10,000 characters" in text
    session.expire_all()
    assert not (session.exec(select(Response)).one().draft or {}).get("roles_other")
    exact = "y" * MAX_ANSWER_LENGTH
    ok = client.post(url, data={"q.roles": "other", "q.roles_other": exact, "q.engaged": "no", "action": "save"})
    assert ok.status_code == 303
