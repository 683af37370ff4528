"""The dashboard benchmark's walk of filter changes, in one process, timed in CPU time.

    .venv/bin/python bench/dashboard_walk.py DATABASE_URL [--pages overview group/diversity explorer map]

Run by `bench/dashboard.py --walk` on the data it generated, or on its own against a database that
holds the benchmark's data. For each page it makes the walk `bench/dashboard.py` makes over HTTP
(`page_steps`), calling the page callback through Flask's test client, signed in as the secretariat,
and reports for each view not shown before the process's CPU time (the machine may be shared: wall
time says more about the other sessions than about this code), and how many times the dashboard read
a frame from the database: the registry, the engagement records, a wave's responses. Beside each new
view it makes the same call again at once, its content cached (the baseline: the callback and
nothing else), and reports the ratio of the two. One worker makes
the whole walk, as one gunicorn worker serves a user's changes; after the first view of each page,
which loads what the page needs, no change should read a frame again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import (  # noqa: E402
    BASE,
    SECRETARIAT_EMAIL,
    SECRETARIAT_PASSWORD,
    DashClient,
    _query,
    catalog_question,
    page_steps,
)

PAGES = ("", "group/diversity", "explorer", "map")


def _counting(module, name: str, counts: Counter) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        counts[name] += 1
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def walk(url: str, pages: list[str], requests: int, verbose: bool = False) -> list[str]:
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import text

    from app import create_app
    from core.db import make_engine
    from dashboards import data

    engine = make_engine(url)
    with engine.connect() as connection:
        waves = [row[0] for row in connection.execute(text("SELECT id FROM wave ORDER BY year, id"))]
    engine.dispose()
    latest, older = waves[-1], waves[len(waves) // 2]
    question = catalog_question(url)
    loads: Counter = Counter()
    for name in ("registry_frame", "responses_frame", "invitations_frame", "participation_frame"):
        _counting(data, name, loads)
    _counting(data.records, "evidence_frame", loads)

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/account/login", data={"email": SECRETARIAT_EMAIL, "password": SECRETARIAT_PASSWORD})
    client.get(BASE)

    def page(path: str, search: str) -> tuple[float, float]:
        payload = {
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": DashClient._url(BASE + path, search),
            "state": [],
            "changedPropIds": ["url.search"],
        }
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.post(BASE + "_dash-update-component", json=payload)
        if response.status_code != 200:
            raise RuntimeError(f"{path}{search}: {response.status_code}")
        return time.process_time() - cpu, time.perf_counter() - wall

    lines = []
    for path in pages:
        first_cpu, _wall = page(path, "")
        seen = {DashClient.view_key(BASE + path, "")}
        before = loads.copy()
        cpu, wall, baseline, slowest = [], [], [], (0.0, "")
        steps = page_steps(path, latest, older, question)
        for n in range(requests):
            changed, state = steps[n % len(steps)]
            search = _query(state)
            if DashClient.view_key(BASE + path, search) in seen:
                continue
            seen.add(DashClient.view_key(BASE + path, search))
            spent, waited = page(path, search)
            baseline.append(page(path, search)[0])  # the same view again, served from the content cache
            cpu.append(spent)
            wall.append(waited)
            slowest = max(slowest, (spent, f"{changed}: {search}"))
            if verbose:
                lines.append(f"    {path or 'overview'} {changed:<16} {search:<40} CPU {spent * 1000:6.0f} ms")
        read = {name: loads[name] - before[name] for name in loads if loads[name] - before[name]}
        ordered = sorted(cpu)
        p50, p95 = statistics.median(cpu), _p95(cpu)
        base50, base95 = statistics.median(baseline), _p95(baseline)
        lines.append(
            f"  {path or 'overview':<16} first view {first_cpu * 1000:6.0f} ms CPU; {len(cpu)} new views: CPU p50 "
            f"{p50 * 1000:5.0f} ms, p95 {p95 * 1000:5.0f} ms, max {ordered[-1] * 1000:5.0f} ms ({slowest[1]}); "
            f"baseline (the same view again, cached) CPU p50 {base50 * 1000:4.0f} ms, p95 {base95 * 1000:4.0f} ms; "
            f"ratio p50 {p50 / base50:.1f}x, p95 {p95 / base95:.1f}x; wall sum {sum(wall):5.1f} s; "
            f"frames read during the walk: {dict(read) or 'none'}"
        )
    lines.append(f"  frames read in all (first views included): {dict(loads)}")
    return lines


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), help="page paths ('' is the overview)")
    parser.add_argument("--requests", type=int, default=20, help="filter changes per page")
    parser.add_argument("--verbose", action="store_true", help="the CPU time of every view")
    args = parser.parse_args(argv)
    started = time.process_time()
    lines = walk(args.url, args.pages, args.requests, args.verbose)
    load = os.getloadavg()
    print(f"in-process walk, {args.requests} changes per page (load average {load[0]:.1f} {load[1]:.1f}):")
    print("\n".join(lines))
    print(f"  process CPU in all {time.process_time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
