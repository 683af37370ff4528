"""The map's geometry is fetched once: plotly.js asks for it at a fingerprinted address, which is kept for a
year (a changed file gets a new address), and only there."""

from __future__ import annotations

import hashlib

from dashboards import geometry
from dashboards.components import GRAPH_CONFIG
from tests.conftest import AuthActions
from tests.factories import make_secretariat


def test_the_map_asks_for_its_geometry_at_a_fingerprinted_address():
    digest = hashlib.sha256(b"world_110m\0" + (geometry.FOLDER / "world_110m.json").read_bytes()).hexdigest()
    assert GRAPH_CONFIG["topojsonURL"] == f"/dashboard/geometry/{digest[:12]}/"


def test_the_geometry_is_cached_for_a_year_and_only_at_its_own_address(app, client, session):
    user = make_secretariat(session)
    AuthActions(client).login(user.email)

    with client.get(GRAPH_CONFIG["topojsonURL"] + "world_110m.json") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert b'"countries"' in response.get_data()
    assert client.get("/dashboard/geometry/000000000000/world_110m.json").status_code == 404
    assert client.get(f"{GRAPH_CONFIG['topojsonURL']}other.json").status_code == 404
    # No second copy under the assets (served with no-cache, it was fetched again on every visit).
    assert client.get("/dashboard/assets/topojson/world_110m.json").status_code == 404


def test_anonymous_visitors_get_no_geometry(client):
    response = client.get(GRAPH_CONFIG["topojsonURL"] + "world_110m.json")
    assert response.status_code in (302, 401)
