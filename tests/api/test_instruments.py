"""The instruments endpoint: the instruments published waves use, each version's questions and choices in
the six languages; a draft's instrument stays unpublished."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer
from tests.factories import LANGS, make_definition, make_instrument_version, make_user, make_wave

pytestmark = pytest.mark.usefixtures("backend")


def _token(app, session) -> dict:
    from datetime import timedelta

    from core.accounts import api_tokens
    from core.timeutil import utcnow

    user = make_user(session)
    values = {"name": "t", "scopes": ["read:public"], "expires_on": utcnow().date() + timedelta(days=5)}
    with app.test_request_context():
        _record, token = api_tokens.create(session=session, user=user, values=values, ip=None)
    return bearer(token)


def test_a_published_waves_instrument_is_listed_with_its_questions_in_six_languages(app, client, session):
    first = make_instrument_version(session, code="annual-survey")
    second = make_instrument_version(session, code="annual-survey", definition=make_definition(version="2"))
    make_wave(session, version=first, name="Survey 2025", year=2025, status="closed")
    wave = make_wave(session, version=second, name="Survey 2026")
    headers = _token(app, session)

    listed = client.get("/api/v1/instruments", headers=headers)
    assert listed.status_code == 200
    (entry,) = listed.json["items"]
    assert entry["code"] == "annual-survey"
    assert [v["number"] for v in entry["versions"]] == [1, 2]
    assert entry["versions"][1]["wave_ids"] == [wave.id]
    waves = client.get("/api/v1/waves", headers=headers).json["items"]
    assert {w["instrument_code"] for w in waves} == {"annual-survey"}

    found = client.get("/api/v1/instruments/annual-survey", headers=headers).json
    assert found["version"] == 2
    roles = next(q for q in found["questions"] if q["name"] == "roles")
    assert roles["type"] == "select_multiple" and roles["page"] == "about" and roles["required"]
    assert set(roles["labels"]) == set(LANGS)
    assert [c["name"] for c in roles["choices"]] == ["author", "reviewer", "user", "other"]
    assert all(set(c["labels"]) == set(LANGS) for c in roles["choices"])
    assert client.get("/api/v1/instruments/annual-survey?version=1", headers=headers).json["version"] == 1


def test_a_drafts_instrument_and_an_unknown_version_are_not_found(app, client, session):
    draft = make_instrument_version(session, code="draft-only")
    make_wave(session, version=draft, name="Draft", status="draft")
    published = make_instrument_version(session, code="annual-survey")
    make_wave(session, version=published)
    headers = _token(app, session)

    assert [i["code"] for i in client.get("/api/v1/instruments", headers=headers).json["items"]] == ["annual-survey"]
    for url in ("/api/v1/instruments/draft-only", "/api/v1/instruments/annual-survey?version=9"):
        answer = client.get(url, headers=headers)
        assert (answer.status_code, answer.json["error"]["code"]) == (404, "not_found")
    assert client.get("/api/v1/instruments").json["error"]["code"] == "missing_token"
