"""Dashboard benchmark: the Dash callbacks over HTTP at the indicators benchmark's scale.

    .venv/bin/python bench/dashboard.py --backend sqlite|postgresql|both \
        [--stakeholders 100000] [--waves 10] [--responses 10000] [--requests 20] [--quick] [--no-profile] [--walk]

For each backend it creates a fresh database and fills it with the other benchmarks' generators:
the registry (`bench/registry.py`), `--waves` waves of `--responses` responses (`bench/frame.py`),
invitations (`bench/indicators.py`), and stores in the database the participation and
secretariat records `bench/indicators.py` makes in memory (the dashboard reads them from there),
plus one secretariat account.

It then serves the app with gunicorn in production mode (CSRF on), signs in through the real login
form, fetches `/dashboard/` for the `_csrf_token` cookie and posts callbacks to
`/dashboard/_dash-update-component` with `X-CSRFToken`, as Dash's renderer does:

- cold, on a freshly started server with one worker (so the first request surely lands on a cold
  process): the overview's first view of the latest wave, then of an earlier wave;
- warm, with two workers both warmed first (every wave the plan shows is loaded by each): filter
  changes (regional group, country, category, gender, knowledge system, wave) on the overview,
  a group page, the survey explorer and the map when they exist. A filter change is what the
  browser does: `to_url` (control -> query string), then `page` and `nav` for the new URL in
  parallel; its time is to_url + the slower of the two. One change at a time, as one user does.
  The baseline, printed beside it with the ratio: the same change made again at once, its page
  content then cached (the physical floor of a filter change: the three callbacks over HTTP).

Prints p50 / p95 / max per page against the targets (filter change <= 300 ms warm, first view of
a wave <= 3 s cold), then profiles the slowest warm callback in a fresh process with the same
database (cProfile: time per step and the top functions). With `--walk`, it also makes the walk in
one process (`bench/dashboard_walk.py`): each new view's CPU time, and the frames read from the
database during the walk (none expected once a page has shown its first view). Nothing leaves the
machine.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import http.cookiejar
import json
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import common  # noqa: E402
from bench import frame as frame_bench  # noqa: E402
from bench import indicators as indicators_bench  # noqa: E402
from bench import registry as registry_bench  # noqa: E402
from core import migrate  # noqa: E402
from core.accounts import passwords  # noqa: E402
from core.accounts.models import User  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.text import search_key  # noqa: E402
from dashboards.filters import Filters  # noqa: E402
from engagement import vocabularies as records_vocab  # noqa: E402
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord  # noqa: E402
from stakeholders import vocabularies as registry_vocab  # noqa: E402
from stakeholders.frames import registry_frame  # noqa: E402
from stakeholders.models import Activity, Participation  # noqa: E402

TARGET_WARM_MS = 300
TARGET_COLD_S = 3.0
SECRETARIAT_EMAIL = f"secretariat@{registry_bench.EMAIL_DOMAIN}"
SECRETARIAT_PASSWORD = "bench-secretariat-2026"
BASE = "/dashboard/"
QUICK = {"stakeholders": 5_000, "waves": 3, "responses": 1_000, "requests": 6}


# --- data -------------------------------------------------------------------------------------


def _utc(day: date) -> datetime:
    return datetime.combine(day, clock_time(9, 0), tzinfo=UTC)


def store_records(url: str, seed: int) -> dict[str, int]:
    """`bench/indicators.py`'s participation and secretariat records, written to the tables the
    dashboard reads, with codes from the controlled lists; and the secretariat account."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    engine = make_engine(url)
    with Session(engine) as session:
        registry = registry_frame(session)
        years = [row[0] for row in session.connection().execute(text("SELECT DISTINCT year FROM wave ORDER BY year"))]
    made = indicators_bench.records(registry, years, seed)
    # One role per person and activity, as the table requires (random draws repeat a few).
    participation = made["participation"].drop_duplicates(["activity_id", "stakeholder_id", "role"])
    activity_types = registry_vocab.ACTIVITY_TYPE.codes
    barriers = [code for code in records_vocab.BARRIER.codes if code != "other"]
    channels = records_vocab.CONCERN_CHANNEL.codes
    deliverables = records_vocab.DELIVERABLE.codes
    activity_ids = sorted(set(participation["activity_id"].tolist()))
    with engine.begin() as connection:
        activities = []
        for number in activity_ids:  # the year `records` gave each activity, through its start date
            year = years[number % len(years)]
            activities.append(
                {
                    "title": f"Activity {number}",
                    "activity_type": activity_types[number % len(activity_types)],
                    "start_date": date(year, 1 + number % 12, 15),
                    "end_date": None,
                    "deliverable": deliverables[number % len(deliverables)],
                    "description": "",
                    "created_at": now,
                }
            )
        registry_bench._insert(connection, Activity.__table__, activities)
        stored = [row[0] for row in connection.execute(text("SELECT id FROM activity ORDER BY id"))]
        activity_id = dict(zip(activity_ids, stored))
        frame_bench._insert(
            connection,
            Participation.__table__,
            [
                {
                    "activity_id": activity_id[int(row.activity_id)],
                    "stakeholder_id": int(row.stakeholder_id),
                    "organisation_id": None,
                    "role": str(row.role),
                    "comments": None if pd.isna(row.comments) else int(row.comments),
                    "created_at": now,
                }
                for row in participation.itertuples(index=False)
            ],
        )
        evidence = made["evidence"]
        registry_bench._insert(
            connection,
            EvidenceItem.__table__,
            [
                {
                    "kind": row.kind,
                    "title": row.title,
                    "title_key": search_key(row.title),
                    "issued_on": row.issued_on,
                    "link": row.link,
                    "languages": row.languages.split(";"),
                    "notes": "",
                    "created_at": now,
                }
                for row in evidence.itertuples(index=False)
            ],
        )
        registry_bench._insert(
            connection,
            BarrierAction.__table__,
            [
                {
                    "barrier": barriers[n % len(barriers)],
                    "action": row.action,
                    "action_key": search_key(row.action),
                    "owner": row.owner,
                    "due_on": row.due_on,
                    "status": row.status,
                    "created_at": now,
                }
                for n, row in enumerate(made["actions"].itertuples(index=False))
            ],
        )
        registry_bench._insert(
            connection,
            ImpactRecord.__table__,
            [
                {
                    "title": f"Impact record {n}",
                    "title_key": f"impact record {n}",
                    "impact_type": row.impact_type,
                    "scale": row.scale,
                    "region": row.region,
                    "country": row.country,
                    "year": row.submitted_on.year,
                    "deliverable": deliverables[n % len(deliverables)],
                    "description": "",
                    "evidence_link": "https://example.org/impact" if n % 3 else "",
                    "submitter_name": "",
                    "submitter_email": "",
                    "status": row.status,
                    "source": "public",
                    "submitted_at": _utc(row.submitted_on),
                    "moderated_at": _utc(row.published_on) if row.status != "pending" else None,
                    "moderated_by_id": None,
                }
                for n, row in enumerate(made["impacts"].itertuples(index=False))
            ],
        )
        registry_bench._insert(
            connection,
            CallForInput.__table__,
            [
                {
                    "title": f"Call for input {n}",
                    "title_key": f"call for input {n}",
                    "deliverable": "",
                    "opened_on": row.opened_on,
                    "closed_on": row.closed_on,
                    "responses": int(row.responses),
                    "audience": [],
                    "created_at": now,
                }
                for n, row in enumerate(made["calls"].itertuples(index=False))
            ],
        )
        people = registry["stakeholder_id"].tolist()
        registry_bench._insert(
            connection,
            Concern.__table__,
            [
                {
                    "summary": f"Concern {n}",
                    "summary_key": f"concern {n}",
                    "raised_by_id": rng.choice(people) if rng.random() < 0.6 else None,
                    "raised_on": row.raised_on,
                    "channel": rng.choice(channels),
                    "status": row.status,
                    "answer": "",
                    "answered_on": row.answered_on,
                    "created_at": now,
                }
                for n, row in enumerate(made["concerns"].itertuples(index=False))
            ],
        )
        connection.execute(
            User.__table__.insert().values(
                email=SECRETARIAT_EMAIL,
                name="Bench Secretariat",
                password_hash=passwords.hash_password(SECRETARIAT_PASSWORD),
                role="secretariat",
                focal_country=None,
                locale="en",
                timezone="UTC",
                is_active=True,
                email_verified_at=now,
                session_epoch=f"{rng.getrandbits(128):032x}",
                created_at=now,
                last_login_at=None,
            )
        )
    tidy = "VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(tidy))
    engine.dispose()
    return {
        "activities": len(activities),
        "participation": len(participation),
        "impact": len(made["impacts"]),
        "concerns": len(made["concerns"]),
    }


def generate(url: str, args) -> tuple[list[tuple[int, int]], str]:
    """Fill the database; returns the waves as (id, year), oldest first, and a summary line."""
    started = time.perf_counter()
    generated = registry_bench.generate(url, args.stakeholders, args.seed)
    answers, _seconds = frame_bench.generate(url, args.waves, args.responses, args.seed)
    invitations = indicators_bench.invite(url, args.seed)
    counts = store_records(url, args.seed)
    engine = make_engine(url)
    with engine.connect() as connection:
        waves = [tuple(row) for row in connection.execute(text("SELECT id, year FROM wave ORDER BY year, id"))]
    engine.dispose()
    summary = (
        f"{generated.stakeholders:,} stakeholders, {len(waves)} waves x {args.responses:,} responses "
        f"({answers:,} answers), {invitations:,} invitations, {counts['participation']:,} participation "
        f"records in {counts['activities']} activities, {counts['impact']:,} impact records, "
        f"{counts['concerns']:,} concerns; generated in {time.perf_counter() - started:.0f} s"
    )
    return waves, summary


# --- a signed-in Dash client ------------------------------------------------------------------


class DashClient:
    """A browser's session with the dashboard: the login cookie, the CSRF cookie and the
    callback requests Dash's renderer posts."""

    def __init__(self, base: str, email: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with self.opener.open(base + "/account/login", timeout=60) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        form = urllib.parse.urlencode(
            {"csrf_token": html.unescape(token.group(1) or token.group(2)), "email": email, "password": password}
        ).encode()
        with self.opener.open(base + "/account/login", data=form, timeout=60) as response:
            response.read()
            if "/account/login" in response.geturl():
                raise RuntimeError(f"could not sign in as {email}")
        with self.opener.open(base + BASE, timeout=60) as response:
            response.read()
        self.csrf = next((c.value for c in self.jar if c.name == "_csrf_token"), None)
        if self.csrf is None:
            raise RuntimeError("/dashboard/ set no _csrf_token cookie")
        self.seen: set[tuple[str, str]] = set()  # views asked for already: their content may be cached

    @staticmethod
    def view_key(pathname: str, search: str) -> tuple[str, str]:
        return pathname.rstrip("/"), Filters.parse(search).query()

    def call(self, output: str, inputs: list, state: list = (), changed: list[str] = ()) -> tuple[float, int, bytes]:
        target, prop = output.split(".", 1)
        payload = {
            "output": output,
            "outputs": {"id": target, "property": prop},
            "inputs": inputs,
            "state": list(state),
            "changedPropIds": list(changed),
        }
        request = urllib.request.Request(
            self.base + BASE + "_dash-update-component",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf, "Accept": "application/json"},
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=600) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            body, status = error.read(), error.code
        return time.perf_counter() - started, status, body

    @staticmethod
    def _url(pathname: str, search: str) -> list[dict]:
        return [
            {"id": "url", "property": "pathname", "value": pathname},
            {"id": "url", "property": "search", "value": search},
        ]

    def page(self, pathname: str, search: str):
        self.seen.add(self.view_key(pathname, search))
        return self.call("page.children", self._url(pathname, search), changed=["url.search"])

    def nav(self, pathname: str, search: str):
        return self.call("nav.children", self._url(pathname, search), changed=["url.search"])

    def to_url(self, values: dict[str, object], changed: str, search: str):
        """The `to_url` callback for the filter bar's controls holding `values`; `changed` is the one the user
        touched. Returns (seconds, status, the new query string or None when unchanged)."""
        inputs = [
            [
                {"id": {"name": name, "type": "control"}, "property": "value", "value": value}
                for name, value in values.items()
            ]
        ]
        changed_id = json.dumps({"name": changed, "type": "control"}, separators=(",", ":"), sort_keys=True)
        seconds, status, body = self.call(
            "url.search", inputs, [{"id": "url", "property": "search", "value": search}], [changed_id + ".value"]
        )
        if status != 200:
            return seconds, status, None
        return seconds, status, json.loads(body).get("response", {}).get("url", {}).get("search")


# --- plans ------------------------------------------------------------------------------------

FILTERS = ("wave", "regional_group", "country", "category", "gender", "knowledge_system")


def filter_steps(older_wave: int) -> list[tuple[str, dict]]:
    """A walk through filter states, each differing from the one before in one filter (named)."""
    states = [
        ("regional_group", {"regional_group": "AFR"}),
        ("category", {"regional_group": "AFR", "category": "science"}),
        ("regional_group", {"category": "science"}),
        ("country", {"category": "science", "country": "KE"}),
        ("category", {"country": "KE"}),
        ("gender", {"country": "KE", "gender": "female"}),
        ("country", {"gender": "female"}),
        ("knowledge_system", {"gender": "female", "knowledge_system": "ilk"}),
        ("gender", {"knowledge_system": "ilk"}),
        ("wave", {"knowledge_system": "ilk", "wave": older_wave}),
        ("knowledge_system", {"wave": older_wave}),
        ("regional_group", {"wave": older_wave, "regional_group": "WEOG"}),
        ("wave", {"regional_group": "WEOG"}),
        ("regional_group", {}),
    ]
    return states


def page_steps(path: str, latest: int, older_wave: int, question: str | None) -> list[tuple[str, dict]]:
    """Filter changes for a page; the explorer and the map also change their own controls."""
    steps = filter_steps(older_wave)
    if path == "explorer" and question:
        extra = [
            ("question", {"question": question}),
            ("breakdown", {"question": question, "breakdown": "category"}),
            ("weighted", {"question": question, "breakdown": "category", "weighted": False}),
            (
                "waves",
                {"question": question, "breakdown": "category", "weighted": False, "waves": [older_wave, latest]},
            ),
            ("breakdown", {"question": question, "weighted": False, "waves": [older_wave, latest]}),
            ("question", {}),
        ]
        steps = extra + steps
    elif path == "map":
        steps = [
            ("measure", {"measure": "respondents"}),
            ("per_capita", {"measure": "respondents", "per_capita": True}),
            ("measure", {}),
        ] + steps
    return steps


def _query(state: dict) -> str:
    """The query string `Filters.query` writes for these (non-default) values."""
    pairs = []
    for name, value in state.items():
        if isinstance(value, list):
            pairs += [(name, str(item)) for item in value]
        else:
            pairs.append((name, ("1" if value else "0") if isinstance(value, bool) else str(value)))
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


def _control_values(state: dict, latest: int) -> dict:
    values = {name: state.get(name) for name in FILTERS}
    values["wave"] = state.get("wave", latest)
    for name in ("question", "breakdown", "measure", "per_capita", "weighted", "waves"):
        if name in state:
            value = state[name]
            values[name] = ("1" if value else "0") if name == "weighted" else value
    return values


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)  # a filter change to a view not shown before, end to end
    page_seconds: list[float] = field(default_factory=list)  # its page callback alone
    repeat_seconds: list[float] = field(default_factory=list)  # a change back to a view shown before
    # The baseline: the same change again at once, its content cached (the faster of two tries: with two
    # workers, one of them is served from the cache of the worker that computed it).
    cached_seconds: list[float] = field(default_factory=list)
    by_filter: dict = field(default_factory=lambda: defaultdict(list))
    slowest: tuple = (0.0, "", "")  # (seconds, path, search) of the slowest page callback
    errors: dict = field(default_factory=lambda: defaultdict(int))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


@dataclass
class Change:
    seconds: float  # to_url, then page and nav at once, end to end
    page_seconds: float
    statuses: dict  # callback -> HTTP status
    search: str  # the URL's query string after the change
    new: bool  # a view not shown before


def change(client: DashClient, pool, pathname: str, state: dict, changed: str, latest: int, before: str) -> Change:
    """One filter change as the browser makes it: to_url, then page and nav for the new URL at once."""
    started = time.perf_counter()
    _seconds, status, search = client.to_url(_control_values(state, latest), changed, before)
    if status not in (200, 204):
        return Change(time.perf_counter() - started, 0.0, {"to_url": status}, before, False)
    search = _query(state) if search is None else search  # None: no_update, the URL was already right
    new = client.view_key(pathname, search) not in client.seen
    page, nav = pool.submit(client.page, pathname, search), pool.submit(client.nav, pathname, search)
    (page_seconds, page_status, _), (_, nav_status, _) = page.result(), nav.result()
    statuses = {"to_url": status, "page": page_status, "nav": nav_status}
    return Change(time.perf_counter() - started, page_seconds, statuses, search, new)


def measure_changes(
    client: DashClient, label: str, path: str, steps: list[tuple[str, dict]], latest: int, requests: int
) -> Timings:
    """The walk of filter changes; after each change to a new view, the same change again twice (the
    baseline: its content cached)."""
    timings = Timings(label)
    pathname = BASE + path
    search = ""
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(requests):
            changed, state = steps[n % len(steps)]
            done = change(client, pool, pathname, state, changed, latest, search)
            failed = {f"{name} {status}" for name, status in done.statuses.items() if status not in (200, 204)}
            for error in failed:  # a failed nav still shows the page: its figures count, the error is reported
                timings.errors[error] += 1
            if {"to_url", "page"} & {error.split()[0] for error in failed}:
                continue
            if not done.new:
                timings.repeat_seconds.append(done.seconds)
                search = done.search
                continue
            timings.seconds.append(done.seconds)
            timings.page_seconds.append(done.page_seconds)
            timings.by_filter[changed].append(done.seconds)
            if done.page_seconds > timings.slowest[0]:
                timings.slowest = (done.page_seconds, pathname, done.search)
            again = [change(client, pool, pathname, state, changed, latest, search) for _ in range(2)]
            timings.cached_seconds.append(min(repeat.seconds for repeat in again))
            search = done.search
    return timings


WARM_AT_ONCE = 8  # requests sent together while warming


def warm(client: DashClient, paths: list[str], waves: list[int]) -> None:
    """Each wave's first view on every worker. A threaded (gthread) worker accepts any connection
    it sees, so two requests at once may both land on one worker: each view is asked for
    `WARM_AT_ONCE` times at once, three rounds, which leaves no worker without it in practice."""
    with ThreadPoolExecutor(max_workers=WARM_AT_ONCE) as pool:
        for _round in range(3):
            for wave in waves:
                list(pool.map(lambda p, wave=wave: client.page(BASE + p, f"?wave={wave}"), paths[:1] * WARM_AT_ONCE))
            list(pool.map(lambda p: client.page(BASE + p, ""), paths * WARM_AT_ONCE))


def present_pages(client: DashClient) -> list[str]:
    """Page paths the navigation links to (the explorer and the map may not exist yet)."""
    _seconds, status, body = client.nav(BASE, "")
    if status != 200:
        raise RuntimeError(f"the navigation callback answered {status}")
    found = []

    def walk(node):
        if isinstance(node, dict):
            href = node.get("href")
            if isinstance(href, str) and href.startswith(BASE):
                found.append(href[len(BASE) :].split("?", 1)[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(body))
    return found


def catalog_question(url: str) -> str | None:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT question FROM answer WHERE question LIKE 'agree_%' LIMIT 1")).first()
    engine.dispose()
    return found[0] if found else None


# --- profiling (in a fresh process) ------------------------------------------------------------


def profile(url: str, pathname: str, search: str, top: int) -> str:
    """The callback at `pathname` + `search`, warmed, then timed per step and under cProfile."""
    import io

    os.environ["DATABASE_URL"] = url
    from app import create_app
    from dashboards import callbacks, components, data

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/account/login", data={"email": SECRETARIAT_EMAIL, "password": SECRETARIAT_PASSWORD})
    client.get(BASE)
    payload = {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": DashClient._url(pathname, search),
        "state": [],
        "changedPropIds": ["url.search"],
    }

    def forget_content():
        """Drop what was computed for views (the frames stay): the view is computed afresh each time, as a
        filter change to a view not shown before is."""
        data.views.cache.clear()

    def call():
        forget_content()
        started = time.perf_counter()
        response = client.post(BASE + "_dash-update-component", json=payload)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started, len(response.data)

    warm_up = dict(
        payload,
        inputs=DashClient._url(
            pathname,
            "?"
            + urllib.parse.urlencode([(k, v) for k, v in urllib.parse.parse_qsl(search.lstrip("?")) if k == "wave"]),
        ),
    )
    for _ in range(2):  # the same page and wave without the filters: frames, history, imports loaded
        assert client.post(BASE + "_dash-update-component", json=warm_up).status_code == 200
    steps = defaultdict(float)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                steps[name] += time.perf_counter() - started

        return wrapper

    originals = (callbacks.select, callbacks.content_for, components.render)
    callbacks.select = timed("select", callbacks.select)
    callbacks.content_for = timed("content_for", callbacks.content_for)
    components.render = timed("render", components.render)
    runs = [call() for _ in range(3)]
    callbacks.select, callbacks.content_for, components.render = originals
    total = sum(seconds for seconds, _ in runs) / len(runs)
    each = {name: value / len(runs) for name, value in steps.items()}
    lines = [
        f"slowest warm callback: page.children for {pathname}{search}: {total * 1000:.0f} ms in process "
        f"(mean of {len(runs)}), response {runs[0][1]:,} bytes",
        f"  select (frames narrowed to the filters) {each['select'] * 1000:7.0f} ms",
        f"  page build (indicators, tables, charts)  {(each['content_for'] - each['select']) * 1000:7.0f} ms",
        f"  render to Dash components               {each['render'] * 1000:7.0f} ms",
        f"  Dash/Flask (JSON, request, session)     {(total - each['content_for'] - each['render']) * 1000:7.0f} ms",
    ]
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    for order, title in (("cumulative", "by cumulative time (project code)"), ("tottime", "by own time")):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).sort_stats(order)
        if order == "cumulative":
            stats.print_stats(str(ROOT) + r"/(analysis|reports|dashboards|surveys|stakeholders|core)/", top)
        else:
            stats.print_stats(top)
        body = buffer.getvalue()
        body = body[body.find("ncalls") :] if "ncalls" in body else body
        lines += [
            "",
            f"top functions {title}:",
            body.rstrip().replace(str(ROOT) + "/", "").replace(str(Path(sys.executable).parent.parent) + "/lib/", ""),
        ]
    return "\n".join(lines)


def _profile_in_child(url: str, pathname: str, search: str, top: int) -> str:
    output = subprocess.run(
        [sys.executable, __file__, "--profile", url, pathname, search, "--top", str(top)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        return "profile failed:\n" + output.stderr[-3000:]
    return output.stdout.rstrip()


# --- a backend --------------------------------------------------------------------------------


def _ms_line(label: str, seconds: list[float], target_ms: float, errors: dict | None = None) -> str:
    if not seconds:
        return f"  {label:<44} no successful request; errors {dict(errors or {})}"
    ms = [s * 1000 for s in seconds]
    p95 = _percentile(ms, 0.95)
    verdict = "" if not target_ms else "met" if p95 <= target_ms else "MISSED"
    extra = f"  errors {dict(errors)}" if errors else ""
    return (
        f"  {label:<44} n={len(ms):<4} p50 {statistics.median(ms):8.0f} ms  p95 {p95:8.0f} ms  "
        f"max {max(ms):8.0f} ms  {verdict}{extra}"
    )


def run_backend(backend: str, args) -> list[str]:
    lines = [f"{backend}:"]
    with common.database(backend) as url, tempfile.TemporaryDirectory(prefix="ipbes-bench-log-") as logdir:
        migrate.upgrade(url)
        print(f"[{backend}] generating the data", flush=True)
        waves, summary = generate(url, args)
        print(f"[{backend}] {summary}", flush=True)
        lines.append(f"  data: {summary}")
        latest, earlier = waves[-1][0], waves[max(0, len(waves) - 2)][0]
        older = waves[len(waves) // 2][0]

        # Cold: one worker, so that the first callback surely meets an empty cache.
        started = time.perf_counter()
        with registry_bench.gunicorn(url, 1, Path(logdir)) as base:
            boot = time.perf_counter() - started
            warmed = re.search(r"dashboard frames loaded in ([0-9.]+) s", (Path(logdir) / "gunicorn.log").read_text())
            client = DashClient(base, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD)
            cold = [
                ("first view, latest wave (its frames loaded by the warm-up)", *client.page(BASE, "")),
                ("first view of an earlier wave", *client.page(BASE, f"?wave={earlier}")),
                ("same view again (content cached)", *client.page(BASE, f"?wave={earlier}")),
            ]
        print(
            "\n".join(
                f"[{backend}] {label}: {seconds * 1000:.0f} ms ({status})" for label, seconds, status, _body in cold
            ),
            flush=True,
        )
        lines.append(f"  cold, gunicorn -w 1 just started, overview page callback (target <= {TARGET_COLD_S:.0f} s):")
        lines.append(
            f"    {'worker start until it serves':<50} {boot * 1000:8.0f} ms  "
            + (
                f"(of which {float(warmed.group(1)):.1f} s loading the registry and records, gunicorn.conf.py)"
                if warmed
                else "(no dashboard warm-up logged)"
            )
        )
        for label, seconds, status, _body in cold:
            verdict = "" if label.endswith("(content cached)") else ("met" if seconds <= TARGET_COLD_S else "MISSED")
            lines.append(
                f"    {label:<50} {seconds * 1000:8.0f} ms  {verdict}" + ("" if status == 200 else f"  status {status}")
            )

        # Warm: two workers, both warmed.
        with registry_bench.gunicorn(url, args.workers, Path(logdir)) as base:
            client = DashClient(base, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD)
            present = present_pages(client)
            chosen = [("overview", "")]
            group = next((p for p in present if p == f"group/{args.group}"), None)
            if group:
                chosen.append((f"group page ({args.group})", group))
            for name in ("explorer", "map"):
                if name in present:
                    chosen.append((name, name))
                else:
                    lines.append(f"  {name}: SKIPPED, /dashboard/{name} is not in the navigation (not built yet)")
            warm(client, [path for _label, path in chosen], sorted({latest, older}))
            question = catalog_question(url)
            lines.append(
                f"  warm filter changes, gunicorn -w {args.workers} (both workers warmed), one change at a "
                f"time: to_url + page & nav (target p95 <= {TARGET_WARM_MS} ms):"
            )
            results = []
            for label, path in chosen:
                print(f"[{backend}] measuring {label}", flush=True)
                try:
                    result = measure_changes(
                        client, label, path, page_steps(path, latest, older, question), latest, args.requests
                    )
                except (OSError, ValueError, KeyError) as error:  # a page broken mid-run: report, go on
                    lines.append(f"  {label}: FAILED: {error!r}")
                    continue
                results.append(result)
                if result.seconds:
                    print(f"[{backend}] {_ms_line(label, result.seconds, TARGET_WARM_MS, result.errors)}", flush=True)
        slowest = max(results, key=lambda r: r.slowest[0]) if results else Timings("none")
        for result in results:
            lines.append(
                _ms_line(f"{result.label}: filter change, new view", result.seconds, TARGET_WARM_MS, result.errors)
            )
            lines.append(_ms_line(f"{result.label}: its page callback alone", result.page_seconds, TARGET_WARM_MS))
            if result.cached_seconds and result.seconds:
                lines.append(_ms_line(f"{result.label}: baseline, the change cached", result.cached_seconds, 0))
                ratio = _percentile(result.seconds, 0.5) / _percentile(result.cached_seconds, 0.5)
                ratio95 = _percentile(result.seconds, 0.95) / _percentile(result.cached_seconds, 0.95)
                lines.append(f"  {result.label + ': ratio to the baseline':<44} p50 {ratio:5.1f}x  p95 {ratio95:5.1f}x")
            if result.repeat_seconds:
                lines.append(
                    _ms_line(f"{result.label}: back to a view shown before", result.repeat_seconds, TARGET_WARM_MS)
                )
            if args.verbose or (result.seconds and _percentile(result.seconds, 0.95) * 1000 > TARGET_WARM_MS):
                for changed, seconds in sorted(result.by_filter.items(), key=lambda kv: -statistics.median(kv[1])):
                    ms = [s * 1000 for s in seconds]
                    lines.append(
                        f"      {changed:<20} n={len(ms):<3} p50 {statistics.median(ms):8.0f} ms  max {max(ms):8.0f} ms"
                    )
        if not args.no_profile and slowest.slowest[1]:
            print(f"[{backend}] profiling {slowest.slowest[1]}{slowest.slowest[2]}", flush=True)
            lines += ["", _profile_in_child(url, slowest.slowest[1], slowest.slowest[2], args.top)]
        if args.walk:
            print(f"[{backend}] the walk in one process (bench/dashboard_walk.py)", flush=True)
            lines += ["", _walk_in_child(url, args.requests)]
    return lines


def _walk_in_child(url: str, requests: int) -> str:
    """`bench/dashboard_walk.py` on this database: the walk's CPU time per view and the frames it read."""
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "dashboard_walk.py"), url, "--requests", str(requests)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        return "walk failed:\n" + output.stderr[-3000:]
    return output.stdout.rstrip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--stakeholders", type=int, default=100_000)
    common.add_wave_options(parser)
    parser.add_argument("--requests", type=int, default=20, help="filter changes measured per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the warm measurements")
    parser.add_argument("--group", default="diversity", help="the indicator group page measured")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small scale to try it: " + ", ".join(f"{k} {v:,}" for k, v in QUICK.items()),
    )
    parser.add_argument("--no-profile", action="store_true", help="skip profiling the slowest callback")
    parser.add_argument("--top", type=int, default=25, help="functions listed in the profile")
    parser.add_argument("--verbose", action="store_true", help="latency per filter for every page")
    parser.add_argument(
        "--walk", action="store_true", help="also walk the changes in one process: CPU time and frames read"
    )
    parser.add_argument("--profile", nargs=3, metavar=("URL", "PATHNAME", "SEARCH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(*args.profile, args.top))
        return 0
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if args.waves * args.responses > 1_000_000 or args.requests > 1000:
        parser.error("keep --waves x --responses <= 1,000,000 and --requests <= 1000")
    if args.waves < 2:
        parser.error("--waves must be at least 2 (a wave change needs another wave)")
    # A cold first view at full scale may outlast gunicorn's 30 s worker timeout, which would kill the
    # worker instead of giving a figure.
    os.environ.setdefault("GUNICORN_CMD_ARGS", "--timeout 900")
    return common.print_report(
        f"Dashboard benchmark: {args.stakeholders:,} stakeholders, {args.waves} waves x "
        f"{args.responses:,} responses, {args.requests} filter changes per page",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
