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


def test_an_instruments_repeats_are_listed_with_their_label_count_and_questions(app, client, session):
    from surveys.xlsform.reading import parse_xlsform
    from tests.surveys import xlsform_builder as xb

    survey = [
        xb.q("begin group", "home", "Home"),
        xb.q("integer", "size", "How many live here?"),
        xb.q("begin repeat", "member", "Household member", repeat_count="${size}"),
        xb.q("text", "member_name", "Name", pii="yes"),
        xb.q("select_one sexes", "sex", "Sex"),
        {"type": "end repeat"},
        xb.end(),
    ]
    workbook = xb.workbook(survey, xb.choices("sexes", "female", "male"), xb.settings("household"))
    version = make_instrument_version(session, definition=parse_xlsform(workbook, "h.xlsx", repeats=True), code="hh")
    make_wave(session, version=version)
    headers = _token(app, session)

    found = client.get("/api/v1/instruments/hh", headers=headers)

    assert found.status_code == 200
    assert [q["name"] for q in found.json["questions"]] == ["size"]  # a repeat's questions are its own
    (member,) = found.json["repeats"]
    assert member["name"] == "member" and member["page"] == "home" and member["count"] == "${size}"
    assert set(member["labels"]) == set(LANGS) and member["labels"]["en"] == "Household member"
    name, sex = member["questions"]
    assert name["name"] == "member_name" and name["personal_data"]
    assert sex["type"] == "select_one" and [c["name"] for c in sex["choices"]] == ["female", "male"]
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert "repeats" in schemas["InstrumentDetail"]["required"]
    assert {"name", "labels", "count", "questions"} <= set(schemas["InstrumentRepeat"]["properties"])
