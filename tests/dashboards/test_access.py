"""Who may reach the dashboard: every route Dash adds under /dashboard/ (the page, its layout,
callbacks, dependencies, component suites, assets, favicon, reload hash and catch-all) is behind
the same check, CSRF protects its callbacks, and each app instance has a working dashboard."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from werkzeug.routing import Rule

from core.accounts.models import Role
from dashboards import geometry
from tests.conftest import AuthActions
from tests.dashboards.conftest import DashCalls, components, text_of
from tests.factories import make_focal_point, make_user

BASE = "/dashboard/"
# What Dash serves, by the last part of its rule: each must be behind the check.
KINDS = {
    "_dash-layout",
    "_dash-dependencies",
    "_dash-update-component",
    "_reload-hash",
    "_favicon.ico",
    "<path:fingerprinted_path>",
    "<path:filename>",
    "<path:path>",
    "",
}
SAMPLES = {
    "package_name": "dash",
    "fingerprinted_path": "dash_renderer.min.js",
    "filename": "dashboard.css",
    "path": "group/participation",
    "version": geometry.VERSION,  # the map's geometry
    "name": "world_110m",
}


def dashboard_rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(BASE)]


def sample_url(rule: Rule) -> str:
    return rule.build({name: SAMPLES[name] for name in rule.arguments}, append_unknown=False)[1]


def requests_of(rule: Rule):
    """(method, url) of every method the rule answers, with sample values in its arguments."""
    return [(method, sample_url(rule)) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def test_every_kind_of_dash_route_is_walked(app):
    kinds = {rule.rule[len(BASE) :].rsplit("/", 1)[-1] for rule in dashboard_rules(app)}
    assert KINDS <= kinds


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule in dashboard_rules(app):
        for method, url in requests_of(rule):
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, f"{method} {url}: {response.status_code}"
                assert "/account/login" in response.headers["Location"], url
            else:
                assert response.status_code in (302, 401), f"{method} {url}: {response.status_code}"


@pytest.mark.parametrize("who", ["stakeholder", "focal point whose assignment ended"])
def test_other_accounts_are_refused_everywhere(app, client, session, auth, who):
    if who == "stakeholder":
        make_user(session, email="focal@example.org", role=Role.STAKEHOLDER)
    else:
        make_focal_point(session, email="focal@example.org", end=date.today() - timedelta(days=1))
    auth.login("focal@example.org")

    for rule in dashboard_rules(app):
        for method, url in requests_of(rule):
            response = client.open(url, method=method, json={} if method == "POST" else None)
            assert response.status_code == 403, f"{who}: {method} {url} answered {response.status_code}"


class _Resources(HTMLParser):
    """The scripts, stylesheets and icon the dashboard page asks for."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        address = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if address and address.startswith(BASE):
            self.urls.append(address)


def _real_requests(app, client) -> dict[str, tuple[str, str]]:
    """A request that should succeed for each dashboard endpoint: endpoint -> (method, url)."""
    page = client.get(BASE)
    assert page.status_code == 200
    resources = _Resources()
    resources.feed(page.get_data(as_text=True))
    urls = [
        BASE,
        BASE + "group/participation",
        BASE + "_dash-layout",
        BASE + "_dash-dependencies",
        BASE + "_reload-hash",
        geometry.URL + "world_110m.json",
        *resources.urls,
    ]
    adapter = app.url_map.bind("localhost")
    found = {}
    for url in urls:
        endpoint, _arguments = adapter.match(url.split("?")[0], method="GET")
        found.setdefault(endpoint, ("GET", url))
    found[adapter.match(BASE + "_dash-update-component", method="POST")[0]] = ("POST", "")
    return found


@pytest.mark.parametrize("role", ["secretariat", "focal_point"])
def test_the_secretariat_and_focal_points_reach_every_route(app, client, session, auth, role):
    if role == "focal_point":
        make_focal_point(session, email="focal@example.org")
    else:
        make_user(session, email="focal@example.org", role=Role.SECRETARIAT)
    auth.login("focal@example.org")
    dash = DashCalls(client)

    wanted = _real_requests(app, client)

    assert {rule.endpoint for rule in dashboard_rules(app)} == set(wanted)
    for method, url in wanted.values():
        if method == "POST":
            page = dash.page(BASE)  # no wave yet: the page says so
            assert "No survey wave has been published yet." in text_of(page)
            continue
        with client.get(url) as response:  # files are streamed: close them
            assert response.status_code == 200, f"{role}: {url} answered {response.status_code}"
            assert response.data, url


def test_each_app_instance_has_a_working_dashboard(app_with):
    first, second = app_with(), app_with()
    with first.app_context():
        from core.db import get_session

        make_user(get_session(), email="sam@example.org", role=Role.SECRETARIAT)
    assert first.extensions["dashboard"] is not second.extensions["dashboard"]
    for application in (first, second):
        client = application.test_client()
        AuthActions(client).login("sam@example.org")
        dash = DashCalls(client)
        nav = dash.update(
            "nav.children",
            "url",
            [
                {"id": "url", "property": "pathname", "value": BASE},
                {"id": "url", "property": "search", "value": ""},
            ],
        )
        links = list(components(dash.result(nav, "nav.children"), "Link"))
        assert len(links) >= 7  # the overview and the six indicator groups
        assert "No survey wave has been published yet." in text_of(dash.page(BASE))


def test_callbacks_need_the_csrf_token_from_the_cookie(app_with):
    application = app_with(WTF_CSRF_ENABLED=True)
    with application.app_context():
        from core.db import get_session

        make_user(get_session(), email="sam@example.org", role=Role.SECRETARIAT)
    client = application.test_client()
    AuthActions(client).login_with_csrf("sam@example.org")
    dash = DashCalls(client)
    dash.open(BASE)
    payload = {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": BASE},
            {"id": "url", "property": "search", "value": ""},
        ],
        "state": [],
        "changedPropIds": ["url.pathname"],
    }

    assert dash.token()
    assert dash.post(payload, token=None).status_code == 400
    assert dash.post(payload, token="forged-token").status_code == 400
    accepted = dash.post(payload)
    assert accepted.status_code == 200
    assert "No survey wave" in accepted.get_data(as_text=True)
