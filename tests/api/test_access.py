"""Every API endpoint × every role, with a token of each scope the role may hold, and expired and revoked
tokens: the pages' access rules hold, and a focal point's token never reaches another country."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.accounts.models import ApiToken
from core.accounts.scopes import ROLE_SCOPES
from core.demo import DEMO_PASSWORD
from core.timeutil import utcnow
from tests.api.conftest import FOCAL_KE, ROLES, bearer, make_token

# (path, scope or None for open data, roles that may read it with that scope)
SECRETARIAT_ROLES = {"secretariat", "admin"}
RESULT_ROLES = {"focal_point", "secretariat", "admin"}
ENDPOINTS = [
    ("/api/v1/waves", "read:public", set(ROLES)),
    ("/api/v1/waves/{wave}/questions", "read:public", set(ROLES)),
    ("/api/v1/instruments", "read:public", set(ROLES)),
    ("/api/v1/instruments/{instrument}", "read:public", set(ROLES)),
    ("/api/v1/waves/{wave}/questions/{question}/results", "read:results", RESULT_ROLES),
    ("/api/v1/indicators", "read:results", RESULT_ROLES),
    ("/api/v1/indicators/participation/tables", "read:results", RESULT_ROLES),
    ("/api/v1/indicators/participation/tables/0", "read:results", RESULT_ROLES),
    ("/api/v1/participation/summary", "read:results", SECRETARIAT_ROLES),
    ("/api/v1/focal-point/roster", "read:roster", {"focal_point"}),
    ("/api/v1/focal-point/tables", "read:roster", {"focal_point"}),
    ("/api/v1/releases", "read:releases", SECRETARIAT_ROLES),
    ("/api/v1/registry", None, set(ROLES)),
    ("/api/v1/focal-points", None, set(ROLES)),
    ("/api/v1/openapi.json", None, set(ROLES)),
]


def _urls(client, token: str) -> list[tuple[str, str | None, set]]:
    first = client.get("/api/v1/waves", headers=bearer(token)).json["items"][0]
    wave, instrument = first["id"], first["instrument_code"]
    questions = client.get(f"/api/v1/waves/{wave}/questions", headers=bearer(token)).json["items"]
    question = next(q["name"] for q in questions if q["type"] == "select_one" and not q["profile"])
    found = {"wave": wave, "question": question, "instrument": instrument}
    return [(path.format(**found), scope, roles) for path, scope, roles in ENDPOINTS]


def test_every_endpoint_for_every_role_and_scope(app, client, session, seeded):
    urls = _urls(client, make_token(app, session, ROLES["secretariat"]))
    checked = 0
    for role, email in ROLES.items():
        for scope in ROLE_SCOPES[role]:
            token = make_token(app, session, email, [scope])
            for url, needed, roles in urls:
                answer = client.get(url, headers=bearer(token))
                if needed is None or (needed == scope and role in roles):
                    assert answer.status_code == 200, (role, scope, url, answer.json)
                elif needed != scope:
                    assert answer.status_code == 403, (role, scope, url)
                    assert answer.json["error"]["code"] == "insufficient_scope"
                else:
                    assert answer.status_code == 403, (role, scope, url)
                    assert answer.json["error"]["code"] == "forbidden"
                checked += 1
    assert checked > 100


def test_expired_revoked_and_missing_tokens_reach_nothing(app, client, session, seeded):
    urls = _urls(client, make_token(app, session, ROLES["secretariat"]))
    for role, email in ROLES.items():
        expired, revoked = make_token(app, session, email), make_token(app, session, email)
        records = session.exec(select(ApiToken).order_by(ApiToken.id.desc())).all()[:2]
        records[1].expires_at = utcnow() - timedelta(minutes=1)
        records[0].revoked_at = utcnow()
        session.add_all(records)
        session.commit()
        for url, needed, _roles in urls:
            for token, code in ((expired, "expired_token"), (revoked, "revoked_token"), (None, "missing_token")):
                answer = client.get(url, headers=bearer(token) if token else {})
                if needed is None:
                    assert answer.status_code == 200, (role, url)
                else:
                    assert (answer.status_code, answer.json["error"]["code"]) == (401, code), (role, url)


def test_a_focal_points_token_never_reaches_another_country(app, client, session, seeded):
    token = make_token(app, session, FOCAL_KE)
    headers = bearer(token)
    wave = client.get("/api/v1/waves", headers=headers).json["items"][0]["id"]
    questions = client.get(f"/api/v1/waves/{wave}/questions", headers=headers).json["items"]
    question = next(q["name"] for q in questions if q["type"] == "select_one" and not q["profile"])
    results = f"/api/v1/waves/{wave}/questions/{question}/results"
    for asked in ("", "?country=BR", "?regional_group=GRULAC&country=BR"):
        found = client.get(results + asked, headers=headers).json
        assert found["country"] == "KE"
        assert client.get("/api/v1/indicators" + asked, headers=headers).json["country"] == "KE"
        assert client.get("/api/v1/indicators/impact/tables" + asked, headers=headers).json["country"] == "KE"
    assert client.get(results + "?by=country", headers=headers).json["error"]["code"] == "forbidden"
    roster = client.get("/api/v1/focal-point/roster?country=BR", headers=headers).json
    assert roster["country"] == "KE"
    assert client.get("/api/v1/focal-point/tables?country=BR", headers=headers).json["country"] == "KE"


def test_a_suppressed_cell_stays_suppressed(app, client, session, seeded):
    threshold = app.config.get("AGGREGATE_THRESHOLD", 5)
    headers = bearer(make_token(app, session, FOCAL_KE))
    wave = client.get("/api/v1/waves", headers=headers).json["items"][0]["id"]
    questions = client.get(f"/api/v1/waves/{wave}/questions", headers=headers).json["items"]
    seen = 0
    for question in [q for q in questions if q["type"] in ("select_one", "select_multiple") and not q["profile"]][:6]:
        for by in ("", "?by=category", "?by=gender"):
            found = client.get(f"/api/v1/waves/{wave}/questions/{question['name']}/results{by}", headers=headers)
            for item in found.json["items"]:
                seen += 1
                if item["suppressed"]:
                    assert item["estimate"] is item["low"] is item["high"] is item["n"] is None
                else:
                    assert item["n"] == 0 or item["n"] >= threshold, item
            csv = client.get(
                f"/api/v1/waves/{wave}/questions/{question['name']}/results{by}",
                headers=headers | {"Accept": "text/csv"},
            )
            assert csv.status_code == 200
    assert seen
    for card in client.get("/api/v1/indicators", headers=headers).json["items"]:
        assert card["n"] is None or card["n"] == 0 or card["n"] >= threshold
        if card["suppressed"]:
            assert card["number"] is None and card["change"] is None


def test_a_focal_points_tables_are_the_pages_tables(app, client, session, seeded):
    headers = bearer(make_token(app, session, FOCAL_KE))
    client.post("/account/login", data={"email": FOCAL_KE, "password": DEMO_PASSWORD})
    compared = 0
    for wave in client.get("/api/v1/waves", headers=headers).json["items"]:
        query = f"?wave={wave['id']}&breakdown=gender"
        api = client.get(f"/api/v1/focal-point/tables{query}", headers=headers)
        if api.status_code == 404:
            continue  # a wave never answered has no tables, on the page either
        page = client.get(f"/focal-point/tables.csv{query}")
        assert page.status_code == 200
        ours = client.get(f"/api/v1/focal-point/tables{query}&format=csv", headers=headers)
        assert ours.get_data(as_text=True) == page.get_data(as_text=True)
        compared += len(api.json["rows"])
    assert compared
