"""Submission benchmark: concurrent clients submitting complete responses over HTTP to gunicorn.

    .venv/bin/python bench/submit.py --backend both --submissions 2000 --clients 16 [--workers 2]

For each backend it creates a fresh database (bench/registry.py's helpers: a SQLite file, or a
throwaway PostgreSQL server), migrates it, generates a registry of `--submissions` people,
installs the shipped annual survey, opens a wave and invites everyone (each invitation with
its started draft response and submission key), and serves the app with gunicorn in
production mode (CSRF on). Each client first fetches one page for its session cookie and
CSRF token (not timed), then posts complete responses to the review page's submit form
(`POST /survey/i/<token>/review`, the answers as the form carries them) and expects the
redirect to the confirmation. `--retries` of the submissions are posted twice, as a double
click would, and must give the same confirmation.

It prints throughput and p50 / p95 / max latency per backend, then checks in the database
that every submission is stored exactly once with all its answers: nothing lost, nothing
duplicated. Target on 2 cores, 16 clients, PostgreSQL: >= 150 submissions/s, p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, delete, func, select, text, update  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import common, server  # noqa: E402
from bench import registry_baseline as baseline  # noqa: E402
from bench.registry import generate  # noqa: E402
from core import migrate  # noqa: E402
from core.db import make_engine  # noqa: E402
from surveys import answering, instruments  # noqa: E402
from surveys.definition import Definition  # noqa: E402
from surveys.models import Answer, Invitation, Response, Wave  # noqa: E402

TARGET_RATE = 150
TARGET_P95_MS = 200
TARGET_RATIO = 0.5  # of the bare endpoint's throughput (issue 20)


# --- complete, valid answers for any instrument ------------------------------------------------


def _guess(definition: Definition, question, rng: random.Random):
    if question.type == "select_one":
        return rng.choice(definition.choice_names(question.list_name))
    if question.type == "select_multiple":
        names = [n for n in definition.choice_names(question.list_name) if n != "none"]
        return rng.sample(names, k=min(len(names), rng.randint(1, 3)))
    if question.type == "integer":
        return str(rng.randint(0, 20))
    if question.type == "decimal":
        return f"{rng.uniform(0, 10):.1f}"
    if question.type == "date":
        return (datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 500))).date().isoformat()
    if "email" in question.name:
        return f"respondent{rng.randint(1, 10**6)}@bench.example.org"
    return rng.choice(("Useful work", "More regional workshops, please", "Translations helped my team"))


def complete_answers(definition: Definition, rng: random.Random) -> dict:
    """A registry respondent's answers to every question that applies, valid under the instrument."""
    raw: dict = {}
    for _attempt in range(50):
        values = answering.typed_values(definition, raw)
        applicable = answering.relevant_questions(definition, values, registry=True)
        missing = [q for q in applicable if q.name not in raw]
        problems = answering.validate_all(definition, raw, registry=True)
        if not missing and not problems:
            return {q.name: raw[q.name] for q in applicable if q.name in raw}
        for question in missing + [definition.question(name) for name in problems]:
            raw[question.name] = _guess(definition, question, rng)
    raise RuntimeError(f"could not answer the instrument validly: {problems}")


def form_of(raw: dict, key: str, csrf: str) -> bytes:
    pairs = [("csrf_token", csrf), ("submission_key", key)]
    for name, value in raw.items():
        pairs += [(f"q.{name}", item) for item in (value if isinstance(value, list) else [value])]
    return urllib.parse.urlencode(pairs).encode()


# --- data --------------------------------------------------------------------------------------


def seed(url: str, people: int, seed_value: int) -> tuple[list[tuple[str, str]], Definition]:
    """A registry, the annual survey, an open wave and one invitation + draft per person."""
    generate(url, people, seed_value)
    engine = make_engine(url)
    with Session(engine) as session:
        version = next(v for v in instruments.install_shipped(session) if "annual" in v.filename)
        definition = instruments.definition_of(version)
        now = datetime.now(UTC)
        wave = Wave(
            instrument_id=version.instrument_id,
            version_id=version.id,
            name="Bench annual survey",
            year=now.year,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            status="published",
        )
        session.add(wave)
        session.commit()
        invitations, responses, links = [], [], []
        for stakeholder_id in range(1, people + 1):
            token, key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
            invitations.append(
                {
                    "wave_id": wave.id,
                    "stakeholder_id": stakeholder_id,
                    "token": token,
                    "language": "en",
                    "sent_at": now,
                    "reminders_sent": 0,
                    "created_at": now,
                }
            )
            responses.append(
                {
                    "wave_id": wave.id,
                    "version_id": version.id,
                    "stakeholder_id": stakeholder_id,
                    "submission_key": key,
                    "status": "draft",
                    "language": "en",
                    "draft": {},
                    "last_page": 0,
                    "started_at": now,
                    "updated_at": now,
                }
            )
            links.append((token, key))
        session.execute(Invitation.__table__.insert(), invitations)
        session.execute(Response.__table__.insert(), responses)
        session.commit()
    engine.dispose()
    return links, definition


# --- measuring ---------------------------------------------------------------------------------


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_KeepRedirects)


def _open(request: urllib.request.Request) -> tuple[int, str, dict]:
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def client_session(base: str, token: str) -> tuple[str, str]:
    """A session cookie and its CSRF token, from one page of the survey (not timed)."""
    status, page, headers = _open(urllib.request.Request(f"{base}/survey/i/{token}/review"))
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if status != 200 or match is None:
        raise RuntimeError(f"could not open the review page ({status})")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    return cookie, html.unescape(match.group(1))


def bare_gunicorn(url: str, workers: int, logdir: Path):
    """The bare endpoint (bench/bare_submit.py) under gunicorn with the platform's settings
    (gunicorn.conf.py: threaded workers), on a free port; yields (base URL, the master process)."""
    return server.gunicorn(
        url, workers, logdir, ready="/ready", target="bench.bare_submit:app", log_name="bare.log",
        DASHBOARD_WARM="false",
    )  # fmt: skip


@dataclass
class Run:
    outcomes: list  # (status, seconds, location, token)
    wall: float
    server_cpu: float
    load: str

    def confirmed_ms(self) -> list[float]:
        return sorted(seconds * 1000 for status, seconds, _l, _t in self.outcomes if status == 303)

    @property
    def rate(self) -> float:
        return len(self.confirmed_ms()) / self.wall

    def line(self, backend: str, what: str, retried: int) -> str:
        ms = self.confirmed_ms()
        if not ms:
            return f"{backend:<11} {what}: no submission confirmed"
        p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
        return (
            f"{backend:<11} {what:<22} n={len(ms):<6} p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {ms[-1]:7.1f} ms  {self.rate:6.1f} submissions/s  ({retried} posted twice; wall {self.wall:.1f} s, "
            f"server CPU {self.server_cpu:.1f} s, {self.load})"
        )


def post_all(base: str, path: str, work: list, sessions: list[tuple[str, str]], clients: int, pid: int) -> Run:
    """Every job of `work` posted to `base + path.format(token)` from `clients` threads."""
    local = threading.local()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def post(job):
        _n, (token, key, raw) = job
        if not hasattr(local, "session"):
            with lock:
                local.session = sessions[next(counter) % len(sessions)]
        cookie, csrf = local.session
        request = urllib.request.Request(
            base + path.format(token), data=form_of(raw, key, csrf), headers={"Cookie": cookie}
        )
        begun = time.perf_counter()
        status, _body, headers = _open(request)
        return status, time.perf_counter() - begun, headers.get("Location", ""), token

    cpu = baseline.tree_cpu_seconds(pid)
    begun = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = list(pool.map(post, work))
    wall = time.perf_counter() - begun
    return Run(outcomes, wall, baseline.tree_cpu_seconds(pid) - cpu, baseline.load_average())


def reset(url: str) -> None:
    """Every response a draft again, with its key unused and no answers: the bare run undone."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(Answer))
        connection.execute(
            update(Response).values(
                status="draft", content_digest=None, submitted_at=None, draft={}, country=None, regional_group=None
            )
        )
    engine.dispose()
    tidy = "VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(tidy))


def run_backend(backend: str, args) -> list[str]:
    database = common.database(backend)
    with database as url, tempfile.TemporaryDirectory(prefix="ipbes-bench-log-") as logdir:
        migrate.upgrade(url)
        started = time.perf_counter()
        links, definition = seed(url, args.submissions, args.seed)
        print(f"[{backend}] seeded {len(links):,} invitations in {time.perf_counter() - started:.1f} s", flush=True)
        rng = random.Random(args.seed)
        variants = [complete_answers(definition, rng) for _ in range(50)]
        plan = [(token, key, rng.choice(variants)) for token, key in links]
        retried = set(rng.sample(range(len(plan)), k=min(len(plan), args.retries)))
        work = [(n, item) for n, item in enumerate(plan)] + [(n, plan[n]) for n in sorted(retried)]
        rng.shuffle(work)
        # The baseline first, with the same clients and the same plan; then its work is undone.
        with bare_gunicorn(url, args.workers, Path(logdir)) as (base, process):
            for _n in range(4):  # warm both workers; not counted
                _open(urllib.request.Request(f"{base}/ready"))
            bare = post_all(base, "/bare/{}", work, [("", "")], args.clients, process.pid)
        bare_check = check_stored(url, backend, plan)
        reset(url)
        with server.gunicorn(url, args.workers, Path(logdir)) as (base, process):
            sessions = [client_session(base, links[n % len(links)][0]) for n in range(args.clients)]
            for n in range(min(4, len(work))):  # warm both workers (imports, definitions, connections)
                _open(urllib.request.Request(f"{base}/survey/i/{links[n][0]}/review"))
            platform = post_all(base, "/survey/i/{}/review", work, sessions, args.clients, process.pid)
        return _report(backend, platform, bare, len(retried), plan, url, bare_check)


def _report(backend: str, platform: Run, bare: Run, retried: int, plan, url: str, bare_check: str) -> list[str]:
    lines = [platform.line(backend, "platform", retried), bare.line(backend, "baseline: bare Flask", retried)]
    ms = platform.confirmed_ms()
    if ms and bare.confirmed_ms():
        ratio = platform.rate / bare.rate
        lines.append(
            f"{backend:<11}   ratio to the baseline: throughput {ratio:.2f}x (target >= {TARGET_RATIO}x), "
            f"p50 {statistics.median(ms) / statistics.median(bare.confirmed_ms()):.1f}x; "
            f"server CPU per submission {1000 * platform.server_cpu / len(ms):.1f} ms vs "
            f"{1000 * bare.server_cpu / len(bare.confirmed_ms()):.1f} ms"
        )
        p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
        verdict = "met" if platform.rate >= TARGET_RATE and p95 < TARGET_P95_MS and ratio >= TARGET_RATIO else "MISSED"
        lines.append(
            f"{backend:<11} target >= {TARGET_RATE}/s with p95 < {TARGET_P95_MS} ms and >= {TARGET_RATIO}x the "
            f"baseline: {verdict}"
        )
    for name, run in (("platform", platform), ("baseline", bare)):
        bad = [
            (status, location)
            for status, _s, location, token in run.outcomes
            if status != 303 or not location.endswith(f"/survey/i/{token}/done")
        ]
        if bad:
            lines.append(f"{backend:<11} {name}: {len(bad)} posts not confirmed, e.g. {bad[:3]}")
    lines.append(bare_check.replace("check:", "baseline check:"))
    lines.append(check_stored(url, backend, plan))
    return lines


def check_stored(url: str, backend: str, plan) -> str:
    """Every planned submission stored once, with exactly its answers."""
    engine = make_engine(url)
    expected_answers = sum(len(raw) for _t, _k, raw in plan)
    with Session(engine) as session:
        submitted = session.execute(
            select(func.count()).select_from(Response).where(Response.status == "submitted")
        ).scalar_one()
        responses = session.execute(select(func.count()).select_from(Response)).scalar_one()
        answers = session.execute(select(func.count()).select_from(Answer)).scalar_one()
    engine.dispose()
    ok = submitted == responses == len(plan) and answers == expected_answers
    return (
        f"{backend:<11} check: {submitted}/{len(plan)} responses submitted, {responses} rows, "
        f"{answers}/{expected_answers} answers: {'nothing lost or duplicated' if ok else 'MISMATCH'}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="both")
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--retries", type=int, default=50, help="submissions posted twice (double clicks)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.submissions > 50_000 or args.clients > 64:
        parser.error("keep --submissions <= 50000 and --clients <= 64")
    return common.print_report(
        f"Submission benchmark: {args.submissions:,} responses to the annual survey, "
        f"{args.clients} clients, gunicorn -w {args.workers}",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
