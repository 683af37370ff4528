"""Fault benchmark: survey submissions while PostgreSQL restarts and a gunicorn worker is killed.

Starts a throwaway PostgreSQL, generates `--submissions` invited people with started drafts (as
bench/submit.py does) and serves the app with gunicorn from the project folder (gunicorn.conf.py:
threaded workers) in production mode. `--clients` threads submit complete responses; a client
whose post fails (503, or a connection cut by a killed worker) sends the same form again, as
"Send again" on the 503 page does. Mid-load, PostgreSQL is stopped for `--down` seconds and
started again, then one worker is killed with SIGKILL. At the end it checks in the database that
every acknowledged submission (303 to the confirmation) is stored exactly once with all its
answers, and that the failures people saw were 503s, not 500s. Loopback only; bounded in time.

    .venv/bin/python bench/faults.py [--submissions 400] [--clients 8] [--workers 2] [--down 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from app import load_models  # noqa: E402
from bench import server  # noqa: E402
from bench.submit import _open, check_stored, client_session, complete_answers, form_of, seed  # noqa: E402
from core import migrate  # noqa: E402
from tests.support.servers import postgres_server, start_postgres, stop_postgres  # noqa: E402

RUN_LIMIT_SECONDS = 300  # the whole load phase; a submission still failing then is reported
RETRY_PAUSE_SECONDS = 0.5


@contextmanager
def gunicorn(url: str, workers: int, logdir: Path):
    """The app under gunicorn (`bench/server.py`) without the dashboard's warm-up; yields (base URL, process)."""
    with server.gunicorn(url, workers, logdir, ready="/", DASHBOARD_WARM="false") as served:
        yield served


def _status(url: str) -> int | None:
    try:
        return _open(urllib.request.Request(url))[0]
    except (OSError, http.client.HTTPException):
        return None


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


class Load:
    """Counts every attempt's outcome, and the submissions acknowledged so far."""

    def __init__(self, base: str, sessions: list[tuple[str, str]]):
        self.base = base
        self.sessions = sessions
        self.outcomes: Counter = Counter()
        self.during_outage: Counter = Counter()
        self.acknowledged: set[str] = set()
        self.unconfirmed: list[str] = []
        self.outage = False
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + RUN_LIMIT_SECONDS

    def submit(self, job) -> None:
        number, (token, key, raw) = job
        cookie, csrf = self.sessions[number % len(self.sessions)]
        url = f"{self.base}/survey/i/{token}/review"
        while time.monotonic() < self.deadline:
            request = urllib.request.Request(url, data=form_of(raw, key, csrf), headers={"Cookie": cookie})
            try:
                status, _body, headers = _open(request)
                outcome = str(status)
            except (OSError, http.client.HTTPException) as error:
                status, headers, outcome = None, {}, f"connection: {type(error).__name__}"
            with self.lock:
                self.outcomes[outcome] += 1
                if self.outage:
                    self.during_outage[outcome] += 1
                if status == 303 and headers.get("Location", "").endswith(f"/survey/i/{token}/done"):
                    self.acknowledged.add(token)
                    return
            if status is not None and status not in (503,):
                break  # a 500 or another refusal: counted, not retried
            time.sleep(RETRY_PAUSE_SECONDS)
        with self.lock:
            self.unconfirmed.append(token)


def chaos(load: Load, admin_url: str, master: int, total: int, down: float, log: list[str]) -> None:
    """Restart PostgreSQL once a quarter is acknowledged; kill a worker once 60% is."""
    steps = [(0.25, "restart"), (0.6, "kill")]
    for share, action in steps:
        while len(load.acknowledged) < share * total and time.monotonic() < load.deadline:
            time.sleep(0.05)
        begun = time.monotonic()
        if action == "restart":
            load.outage = True
            stop_postgres(admin_url)
            time.sleep(down)
            start_postgres(admin_url)
            load.outage = False
            log.append(
                f"PostgreSQL stopped and started again at {len(load.acknowledged)} acknowledged "
                f"(down {time.monotonic() - begun:.1f} s)"
            )
        else:
            victim = _workers(master)[0]
            os.kill(victim, signal.SIGKILL)
            log.append(f"gunicorn worker {victim} killed (SIGKILL) at {len(load.acknowledged)} acknowledged")


def run(args) -> list[str]:
    lines: list[str] = []
    with postgres_server() as admin_url, tempfile.TemporaryDirectory(prefix="ipbes-faults-") as logdir:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE ipbes_faults"))
        engine.dispose()
        url = admin_url.rsplit("/", 1)[0] + "/ipbes_faults"
        migrate.upgrade(url)
        links, definition = seed(url, args.submissions, args.seed)
        rng = random.Random(args.seed)
        variants = [complete_answers(definition, rng) for _ in range(50)]
        plan = [(token, key, rng.choice(variants)) for token, key in links]
        with gunicorn(url, args.workers, Path(logdir)) as (base, process):
            sessions = [client_session(base, links[n][0]) for n in range(min(args.clients, len(links)))]
            load = Load(base, sessions)
            saboteur = threading.Thread(
                target=chaos, args=(load, admin_url, process.pid, len(plan), args.down, lines), daemon=True
            )
            begun = time.monotonic()
            saboteur.start()
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                list(pool.map(load.submit, enumerate(plan)))
            wall = time.monotonic() - begun
            saboteur.join(timeout=args.down + 30)
        if args.log:
            Path(args.log).write_text((Path(logdir) / "gunicorn.log").read_text())
        lines += report(load, plan, wall, url)
    return lines


def report(load: Load, plan, wall: float, url: str) -> list[str]:
    def counts(counter: Counter) -> str:
        return ", ".join(f"{outcome} x {n}" for outcome, n in sorted(counter.items())) or "none"

    server_errors = sum(n for outcome, n in load.outcomes.items() if outcome.startswith("5") and outcome != "503")
    lines = [
        f"{len(plan)} submissions in {wall:.1f} s: {len(load.acknowledged)} acknowledged, "
        f"{len(load.unconfirmed)} never acknowledged",
        f"every attempt: {counts(load.outcomes)}",
        f"attempts while PostgreSQL was down: {counts(load.during_outage)}",
        f"server errors other than 503: {server_errors} ({'none' if not server_errors else 'FAILED'})",
        check_stored(url, "postgresql", [item for item in plan if item[0] in load.acknowledged]),
    ]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--log", help="keep gunicorn's log in this file")
    args = parser.parse_args(argv)
    if args.submissions > 5_000 or args.clients > 32 or args.down > 60:
        parser.error("keep --submissions <= 5000, --clients <= 32 and --down <= 60")
    load_models()
    lines = run(args)
    print(
        f"\nFault benchmark: {args.submissions} submissions, {args.clients} clients, gunicorn -w {args.workers} "
        f"(gthread), PostgreSQL down {args.down:g} s, one worker killed; {os.cpu_count()} CPUs"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
