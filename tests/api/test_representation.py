"""The API's HTTP conventions: ETags and 304, pagination links, CSV for tables, JSON errors with stable
codes, the OpenAPI document and the reference page (its files served by the app), and releases."""

from __future__ import annotations

import csv
import io
import zipfile

from sqlmodel import select

from core.audit import AuditEvent
from tests.api.conftest import ROLES, bearer, make_token
from tests.factories import make_stakeholder, make_user


def test_etag_and_304(client):
    first = client.get("/api/v1/focal-points")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/api/v1/focal-points", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/api/v1/focal-points", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_pagination_links_in_the_header_and_the_body(client, session):
    for number in range(5):
        make_stakeholder(session, name=f"Listed Person {number}", email=f"listed{number}@example.org")
    answer = client.get("/api/v1/registry?per_page=2&page=2")
    body = answer.json
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 5, 2)
    assert body["links"]["next"].endswith("per_page=2&page=3")
    assert body["links"]["prev"].endswith("per_page=2&page=1")
    assert body["links"]["last"].endswith("page=3")
    header = answer.headers["Link"]
    for rel in ("first", "prev", "next", "last"):
        assert f'rel="{rel}"' in header
    last = client.get(body["links"]["last"]).json
    assert len(last["items"]) == 1 and "next" not in last["links"]
    assert "email" not in str(last["items"][0]).lower()


def test_errors_are_json_with_stable_codes(client, app, session):
    token = make_token_for_new_user(app, session)
    cases = [
        (client.get("/api/v1/nowhere"), 404, "not_found"),
        (client.get("/api/v1/registry?per_page=1000"), 400, "invalid_request"),
        (client.get("/api/v1/waves/0/questions", headers=bearer(token)), 400, "invalid_request"),
        (client.get("/api/v1/waves/999/questions", headers=bearer(token)), 404, "not_found"),
        (client.get("/api/v1/registry", headers={"Accept": "application/xml"}), 406, "not_acceptable"),
        (client.get("/api/v1/registry?format=csv"), 406, "not_acceptable"),
        (client.delete("/api/v1/registry"), 405, "method_not_allowed"),
        (client.get("/api/v1/waves"), 401, "missing_token"),
        (client.get("/api/v1/registry?q=a%00b"), 400, "invalid_request"),
        (client.get("/api/v1/waves/1/questions/a%00b/results", headers=bearer(token)), 400, "invalid_request"),
    ]
    for answer, status, code in cases:
        assert answer.status_code == status, (answer.request.path, answer.get_data(as_text=True))
        assert answer.json["error"]["code"] == code
        assert answer.json["error"]["message"]


def make_token_for_new_user(app, session) -> str:
    user = make_user(session, email="reader@example.org")
    return make_token(app, session, user.email)


def test_error_messages_follow_the_request_language(client):
    answer = client.get("/api/v1/waves", headers={"Accept-Language": "fr"})
    assert answer.json["error"]["code"] == "missing_token"
    assert "jeton" in answer.json["error"]["message"]


def test_the_openapi_document_describes_every_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    routes = {
        rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi", "api.reference", "api.assets", "api.unknown")
    }
    assert routes == set(document["paths"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            assert {"200", "400", "401", "403", "404", "406", "429"} <= set(
                operation["responses"]
            ) or "202" in operation["responses"]


def test_the_reference_page_is_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "http://" not in text.replace("http://localhost", "") and "https://" not in text
    for asset in ("css/swagger-ui.css", "js/swagger-ui-bundle.js", "reference.js"):
        assert f"/api/v1/docs/assets/{asset}" in text
        with client.get(f"/api/v1/docs/assets/{asset}") as served:
            assert served.status_code == 200


def test_tables_as_csv(app, client, session, seeded):
    headers = bearer(make_token(app, session, ROLES["secretariat"]))
    as_json = client.get("/api/v1/participation/summary", headers=headers).json["items"]
    for answer in (
        client.get("/api/v1/participation/summary", headers=headers | {"Accept": "text/csv"}),
        client.get("/api/v1/participation/summary?format=csv", headers=headers),
    ):
        assert answer.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0] == ["year", "activity_type", "role", "records", "comments"]
        assert len(rows) == len(as_json) + 1
    table = client.get("/api/v1/indicators/participation/tables/0", headers=headers).json
    answer = client.get("/api/v1/indicators/participation/tables/0?format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == table["columns"] and len(rows) == len(table["rows"]) + 1
    # A list that is not a table has no CSV.
    assert client.get("/api/v1/waves", headers=headers | {"Accept": "text/csv"}).status_code == 406


def test_a_release_is_requested_as_a_job_listed_and_downloaded(app, client, session, seeded):
    headers = bearer(make_token(app, session, ROLES["secretariat"]))
    waves = client.get("/api/v1/waves", headers=headers).json["items"]
    closed = [w for w in waves if w["name"] != "Annual survey 2026"][:1]
    refused = client.post("/api/v1/releases", json={"wave_ids": [waves[0]["id"]], "format": "csv"}, headers=headers)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "release_refused"
    asked = client.post(
        "/api/v1/releases", json={"wave_ids": [closed[0]["id"]], "format": "csv", "k": 5}, headers=headers
    )
    assert asked.status_code == 202, asked.json
    job = client.get(asked.headers["Location"], headers=headers).json
    assert job["state"] == "done" and job["release"]
    release = client.get(job["release"], headers=headers).json
    listed = client.get("/api/v1/releases", headers=headers).json
    assert [item["id"] for item in listed["items"]] == [release["id"]]
    with client.get(release["download"], headers=headers) as download:
        assert download.mimetype == "application/zip" and download.headers["Cache-Control"] == "no-store"
        assert zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    session.expire_all()
    logged = session.exec(select(AuditEvent).where(AuditEvent.action == "exports.release_download")).one()
    assert logged.details["via"] == "api"
    focal = bearer(make_token(app, session, ROLES["focal_point"]))
    assert client.get(release["download"], headers=focal).status_code == 403


def test_a_compressed_answers_etag_gets_a_304_too(client, session):
    for number in range(40):
        make_stakeholder(session, name=f"Listed Person {number}", email=f"listed{number}@example.org")
    gzip = {"Accept-Encoding": "gzip"}
    first = client.get("/api/v1/registry?per_page=100", headers=gzip)
    assert first.headers.get("Content-Encoding") == "gzip" and first.headers["ETag"].endswith(':gzip"')
    again = client.get("/api/v1/registry?per_page=100", headers=gzip | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_headline_indicators_carry_their_values_as_numbers(app, client, session, seeded):
    headers = bearer(make_token(app, session, ROLES["secretariat"]))
    cards = client.get("/api/v1/indicators", headers=headers).json["items"]
    shares = [card for card in cards if card["unit"] == "share" and card["number"] is not None]
    assert shares, cards
    for card in shares:
        assert 0 <= card["number"] <= 1
        # The text the dashboard shows is the same figure, as a percentage.
        assert f"{round(card['number'] * 100)}" in card["value"].replace("\u00a0", "")
