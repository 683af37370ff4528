"""Shared by the dashboard tests: the demo accounts, signing in as one of them, and posting callbacks
the way Dash's renderer does (`DashCalls`), so a test can ask for any page, control or download."""

from __future__ import annotations

import base64
import json

import pytest
from flask.testing import FlaskClient

from core.demo import DEMO_DOMAIN, DEMO_PASSWORD
from dashboards.mount import CSRF_COOKIE

SECRETARIAT = f"secretariat@{DEMO_DOMAIN}"
FOCAL_KE = f"focal.ke@{DEMO_DOMAIN}"
STAKEHOLDER = f"stakeholder.0001@{DEMO_DOMAIN}"
LATEST_WAVE = "Annual survey 2026"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def sign_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD):
    response = client.post("/account/login", data={"email": email, "password": password})
    assert response.status_code == 302 and "/account/login" not in response.headers["Location"], email
    return response


class DashCalls:
    """Posts to /dashboard/_dash-update-component as the renderer would.

    The output names come from /dashboard/_dash-dependencies (Dash suffixes outputs that several
    callbacks share), and the CSRF token from the cookie the dashboard page sets.
    """

    def __init__(self, client: FlaskClient):
        self.client = client
        self._dependencies = None

    def open(self, path: str = "/dashboard/"):
        """Load the page as a browser would (this sets the CSRF cookie)."""
        response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        return response

    @property
    def dependencies(self) -> list[dict]:
        if self._dependencies is None:
            response = self.client.get("/dashboard/_dash-dependencies")
            assert response.status_code == 200
            self._dependencies = response.get_json()
        return self._dependencies

    def output_of(self, output: str, first_input: str) -> str:
        """The full output name of the callback writing `output` from `first_input` (an id)."""
        for dependency in self.dependencies:
            name = dependency["output"]
            if name.split("@")[0] == output and dependency["inputs"][0]["id"] == first_input:
                return name
        raise LookupError(f"no callback writes {output} from {first_input}")

    def token(self) -> str | None:
        cookie = self.client.get_cookie(CSRF_COOKIE, path="/dashboard/")
        return cookie.value if cookie else None

    def post(self, payload: dict, *, token: str | None = "cookie"):
        headers = {}
        token = self.token() if token == "cookie" else token
        if token:
            headers["X-CSRFToken"] = token
        return self.client.post("/dashboard/_dash-update-component", json=payload, headers=headers)

    def update(self, output: str, first_input: str, inputs: list, state: list = (), changed: list = (), **options):
        name = self.output_of(output, first_input)
        component, prop = output.split(".")
        payload = {
            "output": name,
            "outputs": {"id": component, "property": prop.split("@")[0]},
            "inputs": list(inputs),
            "state": list(state),
            "changedPropIds": list(changed),
        }
        return self.post(payload, **options)

    @staticmethod
    def result(response, output: str):
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
        component, prop = output.split(".")
        return response.get_json()["response"][component][prop]

    # --- the dashboard's callbacks ---------------------------------------------------------

    def page(self, pathname: str = "/dashboard/", search: str = "", **options):
        """The page body's components (as JSON) for this URL."""
        response = self.update(
            "page.children",
            "url",
            [_url("pathname", pathname), _url("search", search)],
            changed=["url.pathname"],
            **options,
        )
        return self.result(response, "page.children")

    def controls(self, pathname: str = "/dashboard/", search: str = ""):
        response = self.update(
            "controls.children", "url", [_url("pathname", pathname)], [_url("search", search)], changed=["url.pathname"]
        )
        return self.result(response, "controls.children")

    def to_url(self, values: dict, search: str = ""):
        """The query string the controls write when they hold `values` (name -> value)."""
        items = [
            {"id": {"name": name, "type": "control"}, "property": "value", "value": value}
            for name, value in values.items()
        ]
        first = json.dumps({"name": ["ALL"], "type": "control"}, separators=(",", ":"))
        changed = [json.dumps(items[0]["id"], sort_keys=True, separators=(",", ":")) + ".value"]
        response = self.update("url.search", first, [items], [_url("search", search)], changed=changed)
        if response.status_code == 204:  # no_update: the URL already says so
            return search
        return self.result(response, "url.search")

    def download_table(self, pathname: str, search: str, index: int, fmt: str, *, tables: int | None = None):
        """The file the download button of the page's `index`-th table hands out: (name, bytes)."""
        count = max(index + 1, tables or 0)
        items = []
        for number in range(count):
            for kind in ("csv", "xlsx"):
                clicks = 1 if (number, kind) == (index, fmt) else 0
                items.append(
                    {"id": {"index": f"{number}:{kind}", "type": "download"}, "property": "n_clicks", "value": clicks}
                )
        first = json.dumps({"index": ["ALL"], "type": "download"}, separators=(",", ":"))
        changed = [json.dumps({"index": f"{index}:{fmt}", "type": "download"}, separators=(",", ":")) + ".n_clicks"]
        response = self.update(
            "download.data", first, [items], [_url("pathname", pathname), _url("search", search)], changed=changed
        )
        return _file(self.result(response, "download.data"))

    def request_report(self, search: str = "") -> str:
        """Press the report button: the address of the job's page it opens."""
        response = self.update(
            "goto.href",
            "download-report",
            [{"id": "download-report", "property": "n_clicks", "value": 1}],
            [_url("search", search)],
            changed=["download-report.n_clicks"],
        )
        return self.result(response, "goto.href")

    def download_report(self, search: str = ""):
        """The plenary report the button's job makes (jobs run at once in tests): (name, bytes)."""
        with self.client.get(self.request_report(search) + "/result") as result:  # a file: close it
            assert result.status_code == 200, result.status_code
            return result.headers["Content-Disposition"].split("filename=")[-1].strip('"'), result.get_data()


def _url(prop: str, value: str) -> dict:
    return {"id": "url", "property": prop, "value": value}


def _file(data: dict) -> tuple[str, bytes]:
    content = base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode("utf-8")
    return data["filename"], content


@pytest.fixture
def dash(client) -> DashCalls:
    return DashCalls(client)


# --- reading components --------------------------------------------------------------------


def components(tree, type_: str | None = None, class_name: str | None = None):
    """Every component in a Dash JSON tree (depth first), optionally of a type and/or with a class."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item, type_, class_name)
        return
    if not isinstance(tree, dict) or "props" not in tree:
        return
    classes = (tree["props"].get("className") or "").split()
    if (type_ is None or tree.get("type") == type_) and (class_name is None or class_name in classes):
        yield tree
    for value in tree["props"].values():
        if isinstance(value, (list, dict)):
            yield from components(value, type_, class_name)


def text_of(tree) -> str:
    """The visible text of a component tree, as a browser would join it."""
    if tree is None:
        return ""
    if isinstance(tree, (str, int, float)):
        return str(tree)
    if isinstance(tree, list):
        return "".join(text_of(item) for item in tree)
    if isinstance(tree, dict) and "props" in tree:
        return text_of(tree["props"].get("children"))
    return ""


def cards(tree) -> dict[str, dict]:
    """The headline cards of a page: title -> {measure, value, change, status}."""
    found = {}
    for card in components(tree, "Article", "card"):
        parts = card["props"]["children"]
        values = list(components(parts, "Span", "card-value"))
        found[text_of(parts[0])] = {
            "measure": text_of(parts[1]),
            "value": text_of(values[0]),
            "change": text_of(parts[3]),
            "status": text_of(parts[4]).strip(),
        }
    return found


def tables(tree) -> list[list[list[str]]]:
    """Every table of a page as rows of cell texts (the header row first)."""
    return [
        [[text_of(cell) for cell in row["props"]["children"]] for row in components(table, "Tr")]
        for table in components(tree, "Table")
    ]


def as_text(tree) -> str:
    """The JSON of a component tree with non-ASCII text left readable, to search for names and numbers."""
    return json.dumps(tree, ensure_ascii=False)
